// The schedule-driven accelerator's config, register map and timing constants, and its RTL
// through Verilator's linter. Running layers on it is tested against the cost model and a
// reference convolution in tests/flows/nest_cosim.cpp (the mapping comes from the scheduler).
#include <generators/nest_accelerator.h>
#include <generators/require.h>

#include <flows/design_flows.h>

#include <catch2/catch.hpp>

#include <set>
#include <tuple>

using namespace hcl::gen;

TEST_CASE("nest_accelerator: config validation names the key") {
  NestAcceleratorConfig c;
  c.preset = "eyeriss";
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("preset: must be tpu or tree"));
  c = NestAcceleratorConfig{};
  c.rows = 0;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("rows: must be in [1, 64]"));
  c = NestAcceleratorConfig{};
  c.dram_latency = 0;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("dram_latency: must be in [1, 64] (got 0)"));
  c = NestAcceleratorConfig{};
  c.dram_width = 65;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("dram_width: must be in [1, 64]"));
  c = NestAcceleratorConfig{};
  c.loops = 17;
  CHECK_THROWS_WITH(c.validate(), Catch::StartsWith("loops: must be in [1, 16] (got 17)"));
  c = NestAcceleratorConfig{};
  c.acc_width = 4;
  CHECK_THROWS_AS(c.validate(), ConfigError);
  CHECK_THROWS_WITH(NestAcceleratorConfig{}.set("depth", "4"),
                    Catch::StartsWith("depth: unknown nest accelerator parameter; valid: preset"));
  NestAcceleratorConfig s;
  s.set("dram_latency", "5");
  s.set("preset", "tree");
  CHECK(s.dram_latency == 5);
  CHECK(s.preset == "tree");
}

TEST_CASE("nest_accelerator: register map, widths and timing follow the config") {
  NestAcceleratorConfig c;
  c.loops = 3;
  c.in_depth = 100; // 7 address bits
  c.out_depth = 16; // 4
  const NestAcceleratorPlan p = plan_nest_accelerator(c);
  // 3 bounds, 5 generators x (3 strides + base), 3 triggers, 3 double-buffering enables,
  // 2 masks, 2 lane counts, 2 walkers x 5 coordinates x 3, the weight walker's 2 x 2.
  CHECK(p.registers() == 3 + 5 * 4 + 3 + 3 + 2 + 2 + 30 + 4);
  CHECK(std::set<std::string>(p.reg_names.begin(), p.reg_names.end()).size() == p.reg_names.size());
  CHECK(p.reg("bound_2") == 2);
  CHECK(p.reg("base_in_addr") == 3 + 3);
  CHECK(p.reg_widths[static_cast<std::size_t>(p.reg("stride_in_addr_0"))] == 7);
  CHECK(p.reg_widths[static_cast<std::size_t>(p.reg("stride_out_addr_1"))] == 4);
  CHECK(p.reg_widths[static_cast<std::size_t>(p.reg("sstr_wt_1"))] == c.dram_addr_width);
  CHECK(p.reg_widths[static_cast<std::size_t>(p.reg("first_out"))] == 3);
  CHECK(p.cfg_data_width == c.dram_addr_width);
  CHECK_THROWS_AS(p.reg("bound_3"), std::out_of_range);
  // Timing: the array's latency plus the Inputs read; fills wait for the memory port.
  CHECK(p.timing.drain == p.array_plan.latency + 1);
  CHECK(p.timing.fill_tail == c.dram_latency);
  CHECK(p.timing.writeback_tail == 1);
  const auto j = c.to_json();
  CHECK(j["generator"] == "nest_accelerator");
  CHECK(j["derived"]["counters"]["out_updates"] == kCntOutUpdates);
  CHECK(j["derived"]["timing"]["drain"] == p.timing.drain);
}

TEST_CASE("nest_accelerator: both presets, with and without double buffering, 1 to 3 port lanes, "
          "lint clean "
          "(Verilator -Wall)") {
  for (const auto &[preset, in_double, out_double, wt_double, width] :
       {std::tuple{"tpu", false, false, false, 1}, std::tuple{"tree", false, false, true, 2},
        std::tuple{"tpu", true, true, true, 3}, std::tuple{"tree", true, false, false, 1},
        std::tuple{"tpu", false, true, false, 2}, std::tuple{"tpu", false, false, true, 1}}) {
    NestAcceleratorConfig c;
    c.preset = preset;
    c.in_double = in_double;
    c.out_double = out_double;
    c.wt_double = wt_double;
    c.dram_width = width;
    c.rows = 3;
    c.cols = 2;
    c.in_depth = 40;
    c.out_depth = 12;
    c.loops = 4;
    c.dram_latency = 3;
    const auto r = hcl::flows::lint(hcl::elaborate(NestAccelerator{c}));
    INFO(preset << " in_double " << in_double << " out_double " << out_double << " wt_double "
                << wt_double << " dram_width " << width << ": " << r.log);
    CHECK(r.diagnostics.empty());
  }
}

TEST_CASE("nest_accelerator: every key of the help text is one set() takes and to_json() writes") {
  const std::string names = NestAcceleratorConfig::key_names();
  const auto params = NestAcceleratorConfig{}.to_json()["params"];
  int keys = 0;
  std::size_t pos = 0;
  while (pos < names.size()) {
    const std::size_t end = std::min(names.find(", ", pos), names.size());
    const std::string item = names.substr(pos, end - pos);
    const std::string key = item.substr(0, item.find(' '));
    const bool is_bool = item.find("(true|false)") != std::string::npos;
    NestAcceleratorConfig c;
    INFO(key);
    CHECK_NOTHROW(c.set(key, key == "preset" ? "tree" : is_bool ? "true" : "3"));
    CHECK(params.contains(key));
    ++keys;
    pos = end + 2;
  }
  CHECK(keys == static_cast<int>(params.size()));
  NestAcceleratorConfig c;
  CHECK_THROWS_WITH(c.set("bogus", "1"), Catch::Contains("valid: " + names));
}
