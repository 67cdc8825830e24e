// Generators benchmark: a 16x16 int8 TPU-like array (`hcl generate array --preset tpu`).
// Prints lint time, Verilator build time and simulated cycles per second, and Yosys area with
// hcl's liberty file against a hand-written reference with the same behaviour
// (bench/reference/tpu_ref_16x16.v); the target is area ratio <= 1.0. Before comparing areas
// it co-simulates both designs on the same random stimulus, so the ratio compares equal
// hardware.
#include <generators/generate.h>

#include <flows/lint.h>
#include <flows/sim.h>
#include <flows/synth.h>

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
} // namespace

int main(int argc, char **argv) {
  const int n = 16;
  const std::uint64_t cycles = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  try {
    const fs::path out = fs::temp_directory_path() / "hcl-bench-generators-tpu";
    auto t0 = Clock::now();
    const auto g = hcl::gen::generate(
        {"array", "tpu", {{"rows", std::to_string(n)}, {"cols", std::to_string(n)}}});
    std::vector<fs::path> rtl;
    for (const auto &f : hcl::gen::write_generated(g, out))
      if (f.extension() == ".v")
        rtl.push_back(f);
    const std::string top = g.params["top"];
    fmt::print("generate {}x{} tpu: {:.3f} s, top {}\n", n, n, since(t0), top);

    t0 = Clock::now();
    const auto lint = hcl::flows::lint(rtl, top);
    fmt::print("lint (verilator --lint-only -Wall): {:.2f} s, {}\n", since(t0),
               lint.clean() ? "clean" : fmt::format("{} findings", lint.diagnostics.size()));

    hcl::flows::SimOptions so;
    so.clock = "clock";
    so.reset = "reset";
    hcl::flows::Simulator sim(rtl, top, so);
    const fs::path ref_file = fs::path(HCL_SOURCE_DIR) / "bench/reference/tpu_ref_16x16.v";
    hcl::flows::Simulator ref({ref_file}, "tpu_ref_16x16", so);
    fmt::print("verilator build: {:.1f} s{} (reference {:.1f} s{})\n", sim.model().build_seconds,
               sim.cache_hit() ? " (cached)" : "", ref.model().build_seconds,
               ref.cache_hit() ? " (cached)" : "");

    // Equivalence on random stimulus: loads, swaps and streaming all mixed.
    std::mt19937_64 rng(1);
    sim.reset(2);
    ref.reset(2);
    std::vector<hcl::flows::PortId> xs, ws, outs;
    for (int i = 0; i < n; ++i) {
      xs.push_back(sim.port(fmt::format("x_{}", i)));
      ws.push_back(sim.port(fmt::format("w_{}", i)));
      outs.push_back(sim.port(fmt::format("out_{}", i)));
    }
    const auto load = sim.port("load"), swap = sim.port("swap"), en = sim.port("en"),
               valid = sim.port("out_valid");
    std::uint64_t mismatches = 0;
    const std::uint64_t equiv_cycles = 3000;
    for (std::uint64_t c = 0; c < equiv_cycles; ++c) {
      std::vector<std::uint32_t> xw(4, 0), ww(4, 0);
      for (int i = 0; i < n; ++i) {
        const std::uint64_t x = rng() & 0xff, w = rng() & 0xff;
        sim.poke(xs[static_cast<std::size_t>(i)], x);
        sim.poke(ws[static_cast<std::size_t>(i)], w);
        xw[static_cast<std::size_t>(i / 4)] |= static_cast<std::uint32_t>(x << (8 * (i % 4)));
        ww[static_cast<std::size_t>(i / 4)] |= static_cast<std::uint32_t>(w << (8 * (i % 4)));
      }
      const bool l = rng() % 4 == 0, s = rng() % 40 == 0, e = rng() % 3 != 0;
      sim.poke(load, l);
      sim.poke(swap, s);
      sim.poke(en, e);
      ref.poke_words("x_in", xw);
      ref.poke_words("w_in", ww);
      ref.poke("load", l);
      ref.poke("swap", s);
      ref.poke("en", e);
      sim.step();
      ref.step();
      if (sim.peek(valid) != ref.peek("out_valid"))
        ++mismatches;
      if (c > 64) { // once every register has been written
        const auto ro = ref.peek_words("out");
        for (int i = 0; i < n; ++i)
          if (sim.peek(outs[static_cast<std::size_t>(i)]) != ro[static_cast<std::size_t>(i)])
            ++mismatches;
      }
    }
    fmt::print("equivalence vs reference: {} cycles, {} mismatches\n", equiv_cycles, mismatches);

    t0 = Clock::now();
    for (std::uint64_t c = 0; c < cycles; ++c) {
      for (int i = 0; i < n; ++i)
        sim.poke(xs[static_cast<std::size_t>(i)], (c * 7 + static_cast<std::uint64_t>(i)) & 0xff);
      sim.poke(en, 1);
      sim.step();
    }
    const double sim_s = since(t0);
    fmt::print("verilator: {} cycles in {:.2f} s = {:.0f} cycles/s (16 pokes + 1 step per cycle)\n",
               cycles, sim_s, static_cast<double>(cycles) / sim_s);
    const auto ref_x = ref.port("x_in"), ref_en = ref.port("en");
    t0 = Clock::now();
    for (std::uint64_t c = 0; c < cycles; ++c) {
      std::vector<std::uint32_t> xw(4, 0);
      for (int i = 0; i < n; ++i)
        xw[static_cast<std::size_t>(i / 4)] |= static_cast<std::uint32_t>(
            ((c * 7 + static_cast<std::uint64_t>(i)) & 0xff) << (8 * (i % 4)));
      ref.poke_words(ref_x, xw);
      ref.poke(ref_en, 1);
      ref.step();
    }
    const double ref_s = since(t0);
    fmt::print("verilator, reference: {:.0f} cycles/s (one 128-bit poke + 1 step per cycle)\n",
               static_cast<double>(cycles) / ref_s);

    const auto ours = hcl::flows::synthesize(rtl, top);
    const auto theirs = hcl::flows::synthesize({ref_file}, "tpu_ref_16x16");
    fmt::print("yosys area ({}): generated {:.0f} um^2 ({:.1f} s), hand-written reference "
               "{:.0f} um^2 ({:.1f} s)\n",
               ours.liberty.filename().string(), ours.total_area_um2, ours.yosys_seconds,
               theirs.total_area_um2, theirs.yosys_seconds);
    const double ratio = ours.total_area_um2 / theirs.total_area_um2;
    fmt::print("area ratio generated/reference: {:.3f} (target <= 1.0: {})\n", ratio,
               ratio <= 1.0 ? "met" : "NOT met");
    fmt::print("{}", hcl::flows::synth_report_table(ours));

    // For context: the other presets at the same size (no reference to compare with).
    for (const char *preset : {"eyeriss", "tree", "output-stationary"}) {
      const auto gp = hcl::gen::generate(
          {"array", preset, {{"rows", std::to_string(n)}, {"cols", std::to_string(n)}}});
      std::vector<fs::path> files;
      for (const auto &f : hcl::gen::write_generated(gp, out.string() + "-" + preset))
        if (f.extension() == ".v")
          files.push_back(f);
      const auto rep = hcl::flows::synthesize(files, gp.params["top"]);
      fmt::print("preset {:<18} {}x{}: {:.0f} um^2 ({:.0f} um^2 per PE), latency {}\n", preset, n,
                 n, rep.total_area_um2, rep.total_area_um2 / (n * n),
                 gp.params["derived"]["latency"].get<int>());
    }
    return mismatches == 0 ? 0 : 1;
  } catch (const std::exception &e) {
    fmt::print(stderr, "bench_generators_tpu: {}\n", e.what());
    return 2;
  }
}
