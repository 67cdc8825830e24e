#include <flows/design_flows.h>

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <cstdint>
#include <random>

namespace {

// A small accumulator written with the hcl DSL (independent of tests/hcl).
struct Acc {
  int width = 12;
  std::string name() const { return "Acc" + std::to_string(width); }
  void body() const {
    using namespace hcl;
    auto en = Input("en", Bool());
    auto d = Input("d", UInt(8));
    auto total = Output("total", UInt(width));
    auto value = RegInit(UInt(width), 0, "value");
    when(en, [&] { value <<= value.add_wrap(d); });
    total <<= value;
  }
};

} // namespace

TEST_CASE("hcl design: co-simulation through the emitter matches a C++ model") {
  const auto design = hcl::elaborate(Acc{12});
  const auto opts = hcl::flows::sim_options_for(design);
  CHECK(opts.clock == "clock");
  auto sim = hcl::flows::simulate(design);
  sim.reset();
  std::mt19937 rng(3);
  std::uint32_t model = 0;
  for (int cycle = 0; cycle < 1000; ++cycle) {
    const bool en = rng() % 3 != 0;
    const std::uint32_t d = rng() & 0xff;
    sim.poke("en", en);
    sim.poke("d", d);
    sim.step();
    model = en ? (model + d) & 0xfff : model;
    INFO("cycle " << cycle);
    REQUIRE(sim.peek("total") == model);
  }
}

TEST_CASE("hcl design: lint is clean and synth reports an area") {
  const auto design = hcl::elaborate(Acc{12});
  const auto lint = hcl::flows::lint(design);
  INFO(lint.log);
  CHECK(lint.clean());
  const auto report = hcl::flows::synthesize(design);
  REQUIRE(report.modules.size() == 1);
  const auto &m = report.modules.begin()->second;
  // 12 flops of state plus a 12-bit adder.
  CHECK(m.cells.at("DFF_X1") == 12);
  CHECK(report.total_area_um2 > 12 * 4.522);
}
