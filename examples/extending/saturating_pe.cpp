// The worked recipe of docs/extending.md, "A new generator": a PE variant whose accumulator
// saturates instead of wrapping. The part between the recipe markers is quoted verbatim in
// the guide (a test checks that), and main() is the recipe's test: it lints the Verilog and
// checks the simulated PE against a C++ reference. Usage: example_saturating_pe [seed]
#include <flows/design_flows.h>
#include <generators/require.h>
#include <hcl/hcl.h>

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <random>
#include <string>

// [recipe]
namespace {

// One config object per generator: its keys, their checks and the derived values.
struct SatPeConfig {
  int data_width = 8;
  int acc_width = 18;
  void validate() const {
    hcl::gen::require(data_width >= 1 && data_width <= 16, "data_width", "must be in [1, 16]");
    hcl::gen::require(acc_width >= 2 * data_width && acc_width <= 32, "acc_width",
                      "must hold one product (2 x data_width) and be at most 32");
  }
  std::uint64_t acc_max() const { return (std::uint64_t{1} << acc_width) - 1; }
};

// The generator: a name that says its parameters (identical configs share one module) and a
// body that builds the hardware.
struct SatPe {
  SatPeConfig cfg;
  std::string name() const { return fmt::format("sat_pe_d{}_a{}", cfg.data_width, cfg.acc_width); }
  void body() const {
    using namespace hcl;
    cfg.validate();
    auto en = Input("en", Bool());
    auto clear = Input("clear", Bool());
    auto x = Input("x", UInt(cfg.data_width));
    auto w = Input("w", UInt(cfg.data_width));
    auto acc = RegInit(UInt(cfg.acc_width), 0, "acc");
    // Widths grow (acc + x * w has one bit more than acc), so the clamp is explicit.
    const Signal sum = (acc + x * w).named("sum");
    const Signal top = UInt::lit(cfg.acc_max(), cfg.acc_width);
    const auto hi = static_cast<unsigned>(cfg.acc_width - 1);
    when(clear, [&] { acc <<= 0; }).elsewhen(en, [&] {
      acc <<= Mux(sum > top, top, sum.bits(hi, 0));
    });
    Output("acc", UInt(cfg.acc_width)) <<= acc;
  }
};

} // namespace
// [/recipe]

int main(int argc, char **argv) {
  try {
    const SatPeConfig cfg;
    const hcl::Design design = hcl::elaborate(SatPe{cfg});
    const auto lint = hcl::flows::lint(design);
    if (!lint.diagnostics.empty()) {
      std::fprintf(stderr, "lint: %s\n", lint.log.c_str());
      return 1;
    }
    hcl::flows::Simulator sim = hcl::flows::simulate(design);
    std::mt19937 rng(argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 1u);
    std::uniform_int_distribution<std::uint64_t> word(0, (1u << cfg.data_width) - 1);
    sim.reset();
    std::uint64_t ref = 0;
    int saturated = 0;
    for (int i = 0; i < 400; ++i) {
      const bool clear = i % 17 == 0;
      const std::uint64_t x = word(rng), w = word(rng);
      sim.poke("clear", clear);
      sim.poke("en", 1);
      sim.poke("x", x);
      sim.poke("w", w);
      sim.step();
      ref = clear ? 0 : std::min(ref + x * w, cfg.acc_max());
      saturated += ref == cfg.acc_max();
      if (sim.peek("acc") != ref) {
        std::fprintf(stderr, "cycle %d: acc %llu, reference %llu\n", i,
                     static_cast<unsigned long long>(sim.peek("acc")),
                     static_cast<unsigned long long>(ref));
        return 1;
      }
    }
    if (saturated == 0) {
      std::fprintf(stderr, "the run never saturated: the clamp was not exercised\n");
      return 1;
    }
    std::printf("PASS: %s, 400 cycles against the reference, %d saturated\n",
                design.top_module().name.c_str(), saturated);
    return 0;
  } catch (const std::invalid_argument &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
