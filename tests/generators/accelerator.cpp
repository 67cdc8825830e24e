#include "harness.h"

#include <generators/accelerator.h>
#include <generators/generate.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <deque>
#include <random>

using namespace hcl::gen;
using gen_test::mask;
using gen_test::value;

namespace {

using Sets = std::vector<std::pair<std::string, std::string>>;

using Matrix = std::vector<std::vector<std::int64_t>>;

Matrix random_matrix(std::mt19937_64 &rng, int n, int m, int width, bool is_signed) {
  Matrix a(static_cast<std::size_t>(n), std::vector<std::int64_t>(static_cast<std::size_t>(m)));
  for (auto &row : a)
    for (auto &v : row)
      v = value(rng(), width, is_signed);
  return a;
}

// The C++ reference: O[k][x] = sum_c W[k][c] * I[c][x], wrapped like an acc_width register.
Matrix matmul(const Matrix &w, const Matrix &in, int acc_width, bool is_signed) {
  Matrix o(w.size(), std::vector<std::int64_t>(in[0].size(), 0));
  for (std::size_t k = 0; k < w.size(); ++k)
    for (std::size_t x = 0; x < in[0].size(); ++x) {
      std::int64_t s = 0;
      for (std::size_t c = 0; c < in.size(); ++c)
        s += w[k][c] * in[c][x];
      o[k][x] = gen_test::wrap(s, acc_width, is_signed);
    }
  return o;
}

struct Write {
  const char *port; // "in" or "wt"
  int bank, addr;
  std::uint64_t data;
};

// Everything the host sends for one layer: buffer words (every word of the layout's extent,
// pads included: zero weights on pad rows, random inputs on pad rows and random weights on pad
// columns, which must not matter) and the register writes.
struct Job {
  LayerConfig layer;
  Matrix w, in, expected;
  std::deque<Write> fill;
};

Job make_job(const AcceleratorConfig &cfg, const LayerShape &shape, std::mt19937_64 &rng) {
  Job j{configure_layer(cfg, shape), {}, {}, {}, {}};
  const LayerConfig &l = j.layer;
  j.w = random_matrix(rng, shape.K, shape.C, cfg.weight_width, cfg.is_signed);
  j.in = random_matrix(rng, shape.C, shape.X, cfg.data_width, cfg.is_signed);
  j.expected = matmul(j.w, j.in, cfg.acc_width, cfg.is_signed);
  for (int k = 0; k < l.k_tiles * cfg.cols; ++k)
    for (int c = 0; c < l.c_tiles * cfg.rows; ++c) {
      const bool real = k < shape.K && c < shape.C;
      const std::int64_t v = real ? j.w[static_cast<std::size_t>(k)][static_cast<std::size_t>(c)]
                                  : (c >= shape.C ? 0 : static_cast<std::int64_t>(rng()));
      const Slot s = l.weight(k, c);
      j.fill.push_back({"wt", s.bank, s.addr, mask(v, cfg.weight_width)});
    }
  for (int c = 0; c < l.c_tiles * cfg.rows; ++c)
    for (int x = 0; x < shape.X; ++x) {
      const bool real = c < shape.C && x < shape.X;
      const std::int64_t v = real ? j.in[static_cast<std::size_t>(c)][static_cast<std::size_t>(x)]
                                  : static_cast<std::int64_t>(rng());
      const Slot s = l.input(c, x);
      j.fill.push_back({"in", s.bank, s.addr, mask(v, cfg.data_width)});
    }
  // Fill order must not matter: shuffle it.
  std::shuffle(j.fill.begin(), j.fill.end(), rng);
  return j;
}

} // namespace

TEST_CASE("accelerator: config validation names the key, register map follows the controller") {
  CHECK_THROWS_WITH(accelerator_preset("eyeriss"),
                    Catch::StartsWith("preset: unknown accelerator preset 'eyeriss'"));
  AcceleratorConfig c;
  c.in_depth = 1;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("in_depth: must be in [2, 65536] (got 1)"));
  c = AcceleratorConfig{};
  c.rows = 0;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("rows: must be in [1, 128] (got 0)"));
  c = AcceleratorConfig{};
  c.acc_width = 12;
  CHECK_THROWS_AS(c.validate(), ConfigError);
  CHECK_THROWS_WITH(AcceleratorConfig{}.set("depth", "4"),
                    Catch::StartsWith("depth: unknown accelerator parameter"));

  c = AcceleratorConfig{};
  const AcceleratorPlan p = plan_accelerator(c);
  // Register map: the stream controller (3 levels, 3 generators) then the load controller (3
  // levels, 1 generator), each in controller.h's order: bounds 0..2, then per generator g
  // three strides and a base at 3 + 4g ... 3 + 4g + 3.
  const auto j = c.to_json();
  CHECK(j["derived"]["config_registers"] == (3 + 3 * 4) + (3 + 4));
  CHECK(j["derived"]["cfg_addr_width"] == 5);
  CHECK(j["derived"]["reg"]["bound_k_tile"] == 2);
  CHECK(j["derived"]["reg"]["stride_output_c_tile"] == 3 + 4 + 1);
  CHECK(j["derived"]["reg"]["base_accumulate"] == 3 + 8 + 3);
  CHECK(j["derived"]["reg"]["load_bound_row"] == 15);
  CHECK(j["derived"]["reg"]["load_base_weight"] == 15 + 3 + 3);
  CHECK(p.reg("load_stride_weight_c_tile") == 15 + 3 + 1);
  // 256-word buffers: X + 1 = 257 steps need 9 bits.
  CHECK(p.stream.addr_width == 9);
  CHECK(j["derived"]["input_buffer"]["banks"] == 4);
  CHECK(j["derived"]["output_buffer"]["double_buffer"] == false);
  // tpu 4x4: swap_to_load = (rows-1) + (cols-1) (array.h); latency = buffer read + array.
  CHECK(p.swap_to_load == 6);
  CHECK(p.latency == 1 + 3 + 3 + 1);
  // A 64-row array with tiny buffers still counts its 64 load steps; more rows than buffer
  // banks are refused under the accelerator's key.
  c.rows = 64;
  c.in_depth = c.wt_depth = c.out_depth = 2;
  CHECK(plan_accelerator(c).load.counter_width == 7);
  c.rows = 65;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("rows: must be <= 64, one input bank per row"));
}

namespace {

// Generates the accelerator exactly as `hcl generate accelerator` writes it, builds ONE
// Verilator model of it and runs `shapes` back to back: the host fills the next layer's
// buffers while the current one runs; a register write, a write to an address past the
// register map and a second `start` during the set-up or the run must not disturb anything;
// every output is compared bit-exactly with the C++ matrix product and every layer's measured
// cycles with LayerConfig::cycles. Returns the measured cycles per layer.
std::vector<std::uint64_t> run_layers(const std::string &preset, const Sets &sets,
                                      const std::vector<LayerShape> &shapes, std::uint64_t seed) {
  const Generated g = generate({"accelerator", preset, sets});
  AcceleratorConfig cfg = accelerator_preset(preset);
  for (const auto &[k, v] : sets)
    cfg.set(k, v);
  const AcceleratorPlan plan = plan_accelerator(cfg);
  const auto dir = gen_test::scratch_dir("accel-" + std::to_string(::getpid()));
  std::vector<std::filesystem::path> rtl;
  for (const auto &f : write_generated(g, dir))
    if (f.extension() == ".v")
      rtl.push_back(f);
  hcl::flows::SimOptions o;
  o.clock = "clock";
  o.reset = "reset";
  hcl::flows::Simulator sim(rtl, g.params["top"].get<std::string>(), o);
  std::filesystem::remove_all(dir);

  std::mt19937_64 rng(seed);
  std::vector<Job> jobs;
  for (const auto &s : shapes)
    jobs.push_back(make_job(cfg, s, rng));

  const auto idle = [&] {
    for (const auto &port : sim.ports())
      if (!port.output && port.name != "clock" && port.name != "reset")
        sim.poke(port.name, 0);
  };
  const auto poke_fill = [&](const Write &w) {
    const std::string p = w.port;
    sim.poke(p + "_we", 1);
    sim.poke(p + "_bank", static_cast<std::uint64_t>(w.bank));
    sim.poke(p + "_addr", static_cast<std::uint64_t>(w.addr));
    sim.poke(p + "_data", w.data);
  };
  sim.reset(2);
  idle();
  // Layer 0's buffers are filled before anything runs.
  while (!jobs[0].fill.empty()) {
    poke_fill(jobs[0].fill.front());
    jobs[0].fill.pop_front();
    sim.step();
    idle();
  }
  std::vector<std::uint64_t> measured;
  for (std::size_t n = 0; n < jobs.size(); ++n) {
    Job &job = jobs[n];
    INFO("layer " << n << ": C=" << job.layer.shape.C << " K=" << job.layer.shape.K
                  << " X=" << job.layer.shape.X);
    REQUIRE(sim.peek("busy") == 0);
    for (const auto &[addr, data] : job.layer.writes) {
      sim.poke("cfg_we", 1);
      sim.poke("cfg_addr", static_cast<std::uint64_t>(addr));
      sim.poke("cfg_data", data);
      sim.step();
      idle();
    }
    // Addresses past the register map must not alias onto a register.
    const auto cfg_port = sim.port("cfg_addr");
    for (std::uint64_t a = static_cast<std::uint64_t>(plan.registers());
         a < (std::uint64_t{1} << sim.ports()[cfg_port].width); ++a) {
      sim.poke("cfg_we", 1);
      sim.poke("cfg_addr", a);
      sim.poke("cfg_data", 1);
      sim.step();
      idle();
    }
    sim.poke("start", 1);
    std::uint64_t cycles = 0;
    Job *next = n + 1 < jobs.size() ? &jobs[n + 1] : nullptr;
    while (true) {
      sim.step();
      ++cycles;
      idle();
      if (sim.peek("done"))
        break;
      REQUIRE(sim.peek("busy") == 1);
      REQUIRE(cycles < 100000);
      // While running: a register write and a second start must be ignored, and the next
      // layer's words go into the idle halves.
      if (cycles == 3) {
        sim.poke("cfg_we", 1);
        sim.poke("cfg_addr", static_cast<std::uint64_t>(job.layer.writes.front().first));
        sim.poke("cfg_data", 1);
        sim.poke("start", 1);
      } else if (next && !next->fill.empty()) {
        poke_fill(next->fill.front());
        next->fill.pop_front();
      }
    }
    CHECK(cycles == job.layer.cycles);
    measured.push_back(cycles);
    // Read every output back (data one cycle after the request).
    for (int k = 0; k < job.layer.shape.K; ++k)
      for (int x = 0; x < job.layer.shape.X; ++x) {
        const Slot s = job.layer.output(k, x);
        sim.poke("out_rd_en", 1);
        sim.poke("out_rd_bank", static_cast<std::uint64_t>(s.bank));
        sim.poke("out_rd_addr", static_cast<std::uint64_t>(s.addr));
        sim.step();
        idle();
        INFO("O[" << k << "][" << x << "]");
        REQUIRE(value(sim.peek("out_rd_data"), cfg.acc_width, cfg.is_signed) ==
                job.expected[static_cast<std::size_t>(k)][static_cast<std::size_t>(x)]);
      }
    // Whatever of the next layer did not fit into this run is written now.
    while (next && !next->fill.empty()) {
      poke_fill(next->fill.front());
      next->fill.pop_front();
      sim.step();
      idle();
    }
  }
  return measured;
}

double peak_share(const LayerShape &s, std::uint64_t cycles, int pes) {
  return static_cast<double>(s.C) * s.K * s.X / (static_cast<double>(cycles) * pes);
}

} // namespace

// The main point: non-square (a rows/cols mix-up cannot pass), pipelined, a narrow
// accumulator, buffer depths that are not powers of two.
TEST_CASE("accelerator: one generated top runs six layer shapes bit-exactly (Verilator)") {
  // Shapes: one tile; 3 x 3 tiles with ragged C and K; X shorter than a tile's loads (the
  // swap waits for them); a single MAC per column; the second shape again on new data (stale
  // partial sums or registers from the previous layers must not leak); and a wide layer whose
  // loads hide behind the stream.
  const std::vector<LayerShape> shapes = {{"", 3, 4, 7},  {"", 7, 10, 6}, {"", 5, 5, 2},
                                          {"", 1, 1, 11}, {"", 7, 10, 6}, {"", 6, 8, 40}};
  const Sets sets = {{"rows", "3"},       {"cols", "4"},      {"pipeline_stages", "1"},
                     {"acc_width", "20"}, {"in_depth", "80"}, {"wt_depth", "48"},
                     {"out_depth", "90"}};
  const auto cycles = run_layers("tpu", sets, shapes, 2026);
  REQUIRE(cycles.size() == shapes.size());
  double macs = 0, busy = 0;
  for (std::size_t n = 0; n < shapes.size(); ++n) {
    const double share = peak_share(shapes[n], cycles[n], 12);
    WARN("tpu 3x4, C=" << shapes[n].C << " K=" << shapes[n].K << " X=" << shapes[n].X << ": "
                       << cycles[n] << " cycles, " << 100 * share << "% of peak MACs");
    macs += static_cast<double>(shapes[n].C) * shapes[n].K * shapes[n].X;
    busy += static_cast<double>(cycles[n]);
  }
  // 1920 MACs on 12 PEs in 4 tiles: the loads hide behind the stream (accelerator.h).
  CHECK(peak_share(shapes[5], cycles[5], 12) > 0.85);
  WARN("tpu 3x4: " << macs << " MACs in " << busy << " cycles, " << 100 * macs / (busy * 12)
                   << "% of peak");
}

// The other preset: broadcast inputs and an adder tree (swap_to_load 0), unsigned 5 x 4-bit
// operands and a 10-bit accumulator that wraps while partial sums accumulate across tiles.
TEST_CASE("accelerator: the tree preset, unsigned and wrapping, runs three layers (Verilator)") {
  const Sets sets = {{"rows", "4"},       {"cols", "2"},         {"signed", "false"},
                     {"data_width", "5"}, {"weight_width", "4"}, {"acc_width", "10"},
                     {"in_depth", "32"},  {"wt_depth", "24"},    {"out_depth", "20"}};
  const std::vector<LayerShape> shapes = {{"", 9, 3, 5}, {"", 4, 2, 1}, {"", 12, 4, 3}};
  const auto cycles = run_layers("tree", sets, shapes, 7);
  CHECK(cycles.size() == shapes.size());
}
