// The schedule-driven accelerator against two outside references at once: a plain C++
// convolution for every output, and the cost model's hcl mode for every counter and the
// cycles. Several layers run on ONE generated design (one Verilator build).
#include <flows/design_flows.h>
#include <flows/nest_cosim.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/model/model.h>
#include <scheduler/search/search.h>
#include <scheduler/search/search_random.h>

#include "nest_mapping.h"

#include <catch2/catch.hpp>

#include <set>

#include <fmt/core.h>

using namespace hcl::flows;
namespace sched = hcl::sched;
namespace gen = hcl::gen;

namespace {

sched::Arch load_arch(const char *file) {
  return sched::load_arch_yaml(std::string(HCL_SOURCE_DIR) + "/tests/flows/data/" + file);
}
sched::Arch test_arch() { return load_arch("flow_tpu_4x4.arch.yaml"); }

sched::Problem conv(const std::string &name, std::int64_t C, std::int64_t K, std::int64_t P,
                    std::int64_t Q, std::int64_t R, std::int64_t S, std::int64_t stride = 1,
                    std::int64_t N = 1) {
  sched::ConvShape s;
  s.name = name;
  s.N = N;
  s.C = C;
  s.K = K;
  s.P = P;
  s.Q = Q;
  s.R = R;
  s.S = S;
  s.stride_h = s.stride_w = stride;
  return sched::make_conv2d(s);
}

// The arch as the accelerator builds it (banked buffers, its memory port), as `hcl flow`
// searches it: a schedule found there always fits the generated buffers.
// `arch` is the one nest_dataflow_arch gave for `dataflow`.
sched::Arch as_built(const sched::Arch &arch, const std::string &dataflow = "C|K") {
  return nest_timed_arch(arch, nest_accelerator_config(arch, {}, nullptr, dataflow));
}

// relax: a loop of the dataflow is 1 (a depthwise layer): searched without the axis
// requirement, as `hcl flow` searches such a layer again.
sched::Mapping best_mapping(const sched::Problem &p, const sched::Arch &arch,
                            const std::string &dataflow = "C|K", bool relax = false) {
  sched::SearchOptions o;
  o.space = nest_space(p, arch);
  if (relax)
    o.space.dataflow_x = o.space.dataflow_y = -1;
  o.time_limit_s = 5;
  const auto r = sched::search(p, as_built(arch, dataflow), o);
  REQUIRE(r.found);
  return r.mapping;
}

struct Case {
  sched::Problem problem;
  sched::Mapping mapping;
  NestLayer layer;
};

Case make_case(const sched::Problem &p, const sched::Mapping &m, const sched::Arch &arch) {
  return {p, m, analyse_nest_layer(p, arch, m)};
}

// One design for all the cases, as `hcl flow` builds it.
struct Bench {
  gen::NestAcceleratorConfig cfg;
  sched::Arch arch; // with the design's timing, for the model's cycles
  Simulator sim;
  // port_words > 0: a memory port of that many lanes instead of the arch's. `a` is the arch
  // nest_dataflow_arch gave for `dataflow`.
  Bench(const sched::Arch &a, const std::vector<Case> &cases, int port_words = 0,
        const std::string &dataflow = "C|K")
      : cfg(config_for(a, cases, port_words, dataflow)), arch(nest_timed_arch(a, cfg)),
        sim(simulate(hcl::elaborate(gen::NestAccelerator{cfg}))) {}
  // The buffers as deep as the arch's levels allow and room for 8 loops, whatever the cases:
  // every test on one arch then shares one design (one Verilator build, then the cache).
  static gen::NestAcceleratorConfig config_for(const sched::Arch &a, const std::vector<Case> &cases,
                                               int port_words, const std::string &dataflow) {
    std::vector<NestLayer> layers;
    for (const auto &c : cases)
      layers.push_back(c.layer);
    gen::NestAcceleratorConfig cfg = nest_accelerator_config(a, layers, nullptr, dataflow);
    const auto &in = a.levels[static_cast<std::size_t>(cases.front().layer.in_level)];
    const auto &out = a.levels[static_cast<std::size_t>(cases.front().layer.out_level)];
    cfg.in_depth = std::max(cfg.in_depth, static_cast<int>(in.size_words / cfg.rows));
    cfg.out_depth = std::max(cfg.out_depth, static_cast<int>(out.size_words / cfg.cols));
    cfg.loops = std::max(cfg.loops, 8);
    cfg.counter_width = std::max(cfg.counter_width, 12);
    cfg.dram_addr_width = std::max(cfg.dram_addr_width, 16);
    if (port_words > 0)
      cfg.dram_width = port_words;
    return cfg;
  }
  NestCheck run(const Case &c, std::uint64_t seed) { return run(c, seed, arch); }
  // A case scheduled on another variant of the arch: the model sees that variant, as built.
  NestCheck run(const Case &c, std::uint64_t seed, const sched::Arch &model) {
    return check_nest_layer(sim, cfg, model, c.problem, c.mapping, c.layer,
                            configure_nest_layer(cfg, c.layer), 2'000'000, seed);
  }
};

void check_case(const NestCheck &k) {
  INFO("layer " << k.run.layer);
  CHECK(k.run.finished);
  CHECK(k.run.mismatches == 0);
  if (k.run.mismatches)
    INFO(k.run.first_mismatch);
  CHECK(k.run.outputs_checked > 0);
  for (const auto &c : k.counts) {
    INFO(fmt::format("{} {} {}: rtl {} model {}", c.level, c.tensor, c.kind, c.rtl, c.model));
    CHECK(c.rtl == c.model);
  }
  INFO(fmt::format("cycles: rtl {} model {}", k.run.measured_cycles, k.predicted));
  CHECK(cycles_within(k.run.measured_cycles, k.predicted));
  CHECK(k.passed);
  // Equal counts priced by the arch give the model's energy (leakage aside, which follows the
  // cycles).
  if (k.run.measured_cycles == k.predicted)
    CHECK(k.measured_energy_pj == Approx(k.predicted_energy_pj).epsilon(1e-12));
  CHECK(k.measured_energy_pj > 0);
}

// A random valid mapping of the accelerator's space in which every on-chip level may keep or
// bypass Inputs and Outputs; the ones the accelerator refuses (a tensor kept twice on chip)
// are drawn again.
sched::Mapping random_mapping(const sched::Problem &p, const sched::Arch &arch, std::uint32_t &seed,
                              const std::string &dataflow = "C|K") {
  for (int tries = 0; tries < 200; ++tries) {
    sched::RandomSearchOptions o;
    o.space = nest_space(p, arch);
    for (auto &lc : o.space.constraints)
      lc.keep[kInputs] = lc.keep[kOutputs] = 0;
    o.patience = 1;
    o.max_samples = 5000;
    o.seed = seed++;
    const auto r = sched::random_search(p, as_built(arch, dataflow), o);
    if (!r.found)
      continue;
    try {
      (void)analyse_nest_layer(p, arch, r.mapping);
      return r.mapping;
    } catch (const std::invalid_argument &) {
    }
  }
  FAIL("no random mapping the accelerator runs for " << p.name);
  return {};
}

} // namespace

TEST_CASE("nest_cosim: six layer kinds on one generated accelerator, bit-exact, counts equal") {
  const sched::Arch arch = test_arch();
  std::vector<Case> cases;
  for (auto p : {conv("conv3x3", 3, 8, 6, 6, 3, 3), conv("conv5x5_s2", 2, 4, 3, 3, 5, 5, 2),
                 conv("conv1x1", 8, 6, 5, 5, 1, 1), sched::make_gemm("fc", 1, 10, 20),
                 conv("odd", 6, 6, 3, 5, 2, 3)})
    cases.push_back(make_case(p, best_mapping(p, arch), arch));
  // Depthwise: C = K = 1 per group, so neither array axis has a loop to unroll; the layer
  // runs on one PE of the same design, as `hcl flow` schedules it.
  sched::ConvShape dw;
  dw.name = "depthwise";
  dw.C = dw.K = dw.groups = 4;
  dw.P = dw.Q = 4;
  dw.R = dw.S = 3;
  const sched::Problem depthwise = sched::make_conv2d(dw);
  cases.push_back(make_case(depthwise, best_mapping(depthwise, arch, "C|K", true), arch));
  Bench b(arch, cases);
  std::uint64_t seed = 1;
  for (const auto &c : cases)
    check_case(b.run(c, seed++));
}

TEST_CASE("nest_cosim: memory ports of 1 and 3 lanes on a 4 x 4 array move the same words, in "
          "the beats the model counts") {
  const sched::Arch arch = test_arch();
  std::vector<Case> cases;
  for (auto p : {conv("conv3x3", 3, 8, 6, 6, 3, 3), conv("conv1x1", 8, 6, 5, 5, 1, 1),
                 sched::make_gemm("fc", 1, 10, 20)})
    cases.push_back(make_case(p, best_mapping(p, arch), arch));
  Bench one(arch, cases, 1), three(arch, cases, 3);
  REQUIRE(one.cfg.dram_width == 1);
  REQUIRE(three.cfg.dram_width == 3); // 4 lanes in beats of 3: 2 beats per row
  int faster = 0;
  std::uint64_t seed = 21;
  for (const auto &c : cases) {
    const NestCheck a = one.run(c, seed), b = three.run(c, seed);
    ++seed;
    check_case(a);
    check_case(b);
    INFO(c.layer.name << ": 1 lane " << a.run.measured_cycles << ", 3 lanes "
                      << b.run.measured_cycles);
    CHECK(a.run.measured_cycles == a.predicted);
    CHECK(b.run.measured_cycles == b.predicted);
    for (std::size_t i = 0; i < a.counts.size(); ++i)
      CHECK(a.counts[i].rtl == b.counts[i].rtl); // the port changes the time, not the words
    faster += b.run.measured_cycles < a.run.measured_cycles;
  }
  CHECK(faster == static_cast<int>(cases.size()));
}

TEST_CASE("nest_cosim: double-buffered weight registers load the next weights during the run, "
          "as the model says") {
  sched::Arch arch = test_arch();
  arch.levels[0].double_buffered = true; // WeightReg: an active and a shadow word per PE
  arch.levels[0].size_words = 2;
  std::vector<Case> cases;
  for (auto p : {conv("conv3x3", 3, 8, 6, 6, 3, 3), conv("conv5x5_s2", 2, 4, 3, 3, 5, 5, 2),
                 sched::make_gemm("fc", 1, 10, 20)})
    cases.push_back(make_case(p, best_mapping(p, arch), arch));
  Bench b(arch, cases);
  REQUIRE(b.cfg.wt_double);
  sched::Arch single = b.arch;
  single.levels[0].double_buffered = false;
  int faster = 0;
  std::uint64_t seed = 31;
  for (const auto &c : cases) {
    REQUIRE(c.layer.wt_double);
    const NestCheck k = b.run(c, seed++);
    check_case(k);
    INFO(c.layer.name << ": measured " << k.run.measured_cycles << " predicted " << k.predicted);
    CHECK(k.run.measured_cycles == k.predicted);
    faster += static_cast<std::int64_t>(k.run.measured_cycles) <
              sched::evaluate(c.problem, single, c.mapping, sched::Mode::Hcl).cycles;
  }
  CHECK(faster >= 2); // layers whose weights change mid-layer gain the weight loads
}

TEST_CASE("nest_cosim: the 16 x 16 array of examples/arch/tpu_like.yaml, scaled-down layers") {
  const sched::Arch arch =
      sched::load_arch_yaml(std::string(HCL_SOURCE_DIR) + "/examples/arch/tpu_like.yaml");
  std::vector<Case> cases;
  for (auto p : {conv("conv3x3", 16, 32, 4, 4, 3, 3), sched::make_gemm("fc", 1, 48, 64)})
    cases.push_back(make_case(p, best_mapping(p, arch), arch));
  Bench b(arch, cases);
  REQUIRE(b.cfg.rows == 16);
  REQUIRE(b.cfg.cols == 16);
  REQUIRE(b.cfg.dram_width == 8); // the arch's DRAM bandwidth, words per cycle
  std::uint64_t seed = 11;
  for (const auto &c : cases)
    check_case(b.run(c, seed++));
}

TEST_CASE("nest_cosim: 20 random schedules (factors, orders, bypass, double buffering) run as "
          "the model says") {
  const sched::Arch arch = load_arch("nest_two_buffers.arch.yaml");
  // Every other draw on a variant whose PE weight registers are double-buffered: the design
  // gets shadow registers, and the other draws run on it with db_wt off.
  sched::Arch wdb = arch;
  wdb.levels[0].double_buffered = true;
  wdb.levels[0].size_words = 2;
  std::vector<Case> cases;
  std::uint32_t seed = 1;
  const sched::Problem layers[] = {conv("a", 6, 4, 4, 3, 3, 2, 1, 2),
                                   conv("b", 3, 2, 3, 3, 2, 2, 2), conv("c", 6, 6, 2, 5, 1, 3),
                                   sched::make_gemm("d", 3, 4, 9)};
  for (int i = 0; i < 20; ++i) {
    const auto &p = layers[i % 4];
    sched::Problem named = p;
    named.name = fmt::format("{}{}", p.name, i);
    const sched::Arch &a = i % 2 ? wdb : arch;
    cases.push_back(make_case(named, random_mapping(p, a, seed), a));
  }
  // The draws cover both bypass choices for both tensors.
  std::set<std::pair<int, int>> keeps;
  for (const auto &c : cases)
    keeps.insert({c.layer.in_level, c.layer.out_level});
  CHECK(keeps.size() >= 3);
  // ... and so prefetching on and off for both tensors (GlobalBuffer is double-buffered).
  std::set<std::tuple<bool, bool, bool>> doubles;
  for (const auto &c : cases)
    doubles.insert({c.layer.in_double, c.layer.out_double, c.layer.wt_double});
  CHECK(doubles.size() >= 5);
  Bench b(arch, cases);
  REQUIRE(b.cfg.in_double);
  REQUIRE(b.cfg.out_double);
  REQUIRE(b.cfg.wt_double);
  const sched::Arch wdb_built = nest_timed_arch(wdb, b.cfg);
  // Prefetching must pay: measured below what the same schedule takes single-buffered.
  sched::Arch single = b.arch;
  for (auto &lv : single.levels)
    lv.double_buffered = false;
  int faster = 0;
  for (const auto &c : cases) {
    const NestCheck k = b.run(c, seed++, c.layer.wt_double ? wdb_built : b.arch);
    check_case(k);
    if (c.layer.in_double || c.layer.out_double || c.layer.wt_double)
      faster += static_cast<std::int64_t>(k.run.measured_cycles) <
                sched::evaluate(c.problem, single, c.mapping, sched::Mode::Hcl).cycles;
    INFO(c.layer.name << ": measured " << k.run.measured_cycles << " predicted " << k.predicted);
    CHECK(k.run.measured_cycles == k.predicted); // the machine is deterministic: exact
  }
  CHECK(faster >= 3);
}

TEST_CASE("nest_cosim: the C dataflow, one adder tree over the 6 PEs: a strided conv, a "
          "depthwise layer and 10 random schedules on one design, as the model says") {
  const std::string df = "C";
  const sched::Arch arch = nest_dataflow_arch(load_arch("nest_two_buffers.arch.yaml"), df);
  const auto &mesh = arch.levels[static_cast<std::size_t>(nest_roles(arch).mesh)];
  REQUIRE(mesh.fanout_x == 6); // the 3 x 2 mesh as one column of 6
  REQUIRE(mesh.fanout_y == 1);
  sched::ConvShape dw;
  dw.name = "depthwise";
  dw.C = dw.K = dw.groups = 8;
  dw.P = dw.Q = 4;
  dw.R = dw.S = 3;
  std::vector<Case> cases;
  for (const auto &p :
       {conv("conv3x3", 16, 4, 4, 4, 3, 3), conv("conv5x5_s2", 5, 3, 3, 3, 5, 5, 2)})
    cases.push_back(make_case(p, best_mapping(p, arch, df), arch));
  const sched::Problem depthwise = sched::make_conv2d(dw);
  cases.push_back(make_case(depthwise, best_mapping(depthwise, arch, df, true), arch));
  std::uint32_t seed = 101;
  const sched::Problem layers[] = {conv("a", 12, 3, 4, 3, 3, 2, 1, 2),
                                   conv("b", 20, 2, 3, 3, 2, 2, 2),
                                   sched::make_gemm("c", 3, 4, 24)};
  for (int i = 0; i < 10; ++i) {
    sched::Problem named = layers[i % 3];
    named.name = fmt::format("{}{}", named.name, i);
    cases.push_back(make_case(named, random_mapping(named, arch, seed, df), arch));
  }
  Bench b(arch, cases, 0, df);
  REQUIRE(b.cfg.preset == "tree");
  REQUIRE(b.cfg.rows == 6);
  REQUIRE(b.cfg.cols == 1);
  std::set<std::int64_t> lanes;
  for (const auto &c : cases) {
    lanes.insert(c.layer.c_lanes);
    const NestCheck k = b.run(c, seed++);
    check_case(k);
    INFO(c.layer.name << ": measured " << k.run.measured_cycles << " predicted " << k.predicted);
    CHECK(k.run.measured_cycles == k.predicted);
  }
  CHECK(lanes.size() >= 3); // the draws use the tree partly as well as whole
}

TEST_CASE("nest_cosim: swapping two loops of one level changes fills, the same in RTL and model") {
  const sched::Arch arch = test_arch();
  const sched::Problem p = conv("swap", 4, 8, 4, 4, 3, 3);
  // With P inner the Inputs tile is refetched at every P step; with K inner it stays while K
  // steps (K does not move the inputs): half the fills.
  const sched::Mapping m = hcl::test::p_then_k(p);
  const int K = p.dim_index("K"), P = p.dim_index("P");
  sched::Mapping swapped = m;
  swapped.levels[3].temporal = {{K, 2}, {P, 4}};
  const Case a = make_case(p, m, arch), b2 = make_case(p, swapped, arch);
  Bench b(arch, {a, b2});
  const NestCheck x = b.run(a, 7), y = b.run(b2, 7);
  check_case(x);
  check_case(y);
  const auto count = [](const NestCheck &k, const char *tensor, const char *kind, bool rtl) {
    for (const auto &c : k.counts)
      if (c.tensor == tensor && c.kind == std::string(kind) && c.level != "DRAM")
        return rtl ? c.rtl : c.model;
    return std::uint64_t{0};
  };
  for (bool rtl : {true, false})
    CHECK(count(x, "Inputs", "fills", rtl) == 2 * count(y, "Inputs", "fills", rtl));
  CHECK(count(x, "Inputs", "fills", true) - count(y, "Inputs", "fills", true) ==
        count(x, "Inputs", "fills", false) - count(y, "Inputs", "fills", false));
}

TEST_CASE("nest_cosim: a wrong model rule is caught, naming level, tensor and both numbers") {
  // Timeloop's sliding-window credit (halo reuse between steps of the innermost relevant loop)
  // is not what the hardware does: the Inputs tile is refetched whole.
  const sched::Arch arch = test_arch();
  const sched::Problem p = conv("halo", 4, 8, 4, 4, 3, 3);
  const Case c = make_case(p, hcl::test::p_then_k(p), arch);
  Bench b(arch, {c});
  const NestCheck ok = b.run(c, 3);
  check_case(ok);
  const auto timeloop = sched::evaluate(p, b.arch, c.mapping, sched::Mode::Timeloop);
  const auto wrong = compare_counts(ok.run.counts, timeloop, arch, c.layer);
  CHECK_FALSE(counts_equal(wrong));
  const std::string report = describe_mismatches(wrong);
  INFO(report);
  CHECK_THAT(report, Catch::Contains("UnifiedBuffer Inputs fills: RTL "));
  CHECK_THAT(report, Catch::Contains("model "));
  // And a broken counter: one RTL count off by one is named the same way.
  NestCounts broken = ok.run.counts;
  broken[gen::kCntOutUpdates] += 1;
  const auto off = compare_counts(broken, sched::evaluate(p, b.arch, c.mapping, sched::Mode::Hcl),
                                  arch, c.layer);
  // The energy from the counters sees the extra accesses: 1,000 more DRAM reads cost 1,000
  // DRAM reads more.
  NestRun more = ok.run;
  more.counts[gen::kCntInSrcReads] += 1000;
  const NestCheck priced = judge_nest_run(more, b.arch, p, c.mapping, c.layer);
  const auto &dram = b.arch.levels.back();
  CHECK(priced.measured_energy_pj - ok.measured_energy_pj ==
        Approx(1000 * dram.read_energy_pj / dram.block_size).epsilon(0.01));
  CHECK(priced.predicted_energy_pj == Approx(ok.predicted_energy_pj));
  CHECK_THAT(
      describe_mismatches(off),
      Catch::Equals(fmt::format("Accumulators Outputs updates: RTL {}, model {}",
                                broken[gen::kCntOutUpdates], broken[gen::kCntOutUpdates] - 1)));
}
