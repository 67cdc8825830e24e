#include <flows/errors.h>
#include <flows/synth.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using Catch::Contains;

namespace {
const fs::path data_dir = fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data";

// A cache of the test's own, empty: every test here runs Yosys.
hcl::flows::SynthOptions fresh(hcl::flows::SynthOptions o = {}) {
  o.cache_dir = hcl::test::scratch_dir("synth-cache");
  fs::remove_all(o.cache_dir);
  return o;
}

double hierarchy_sum(const hcl::flows::SynthReport &r) {
  double sum = 0;
  for (const auto &[name, m] : r.modules) {
    sum += m.area_um2 * static_cast<double>(m.instances);
  }
  return sum;
}
} // namespace

TEST_CASE("synth of an 8-bit adder gives a plausible cell count and area") {
  const auto r = hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", fresh());
  REQUIRE(r.modules.size() == 1);
  const auto &m = r.modules.at("adder8");
  CHECK(m.instances == 1);
  std::uint64_t cells = 0;
  for (const auto &[c, n] : m.cells) {
    cells += n;
  }
  // A ripple-carry 8-bit adder is 8 full adders: ~2 XOR + ~3 other gates each. ABC lands
  // between 25 and 60 cells; with NanGate X1 areas of 0.5-1.9 um^2 that is 25-90 um^2.
  CHECK(cells >= 25);
  CHECK(cells <= 60);
  CHECK(m.area_um2 > 25.0);
  CHECK(m.area_um2 < 90.0);
  CHECK(m.cells.count("DFF_X1") == 0);
  // Yosys's own `stat -liberty` sum agrees with cells x library areas.
  CHECK(r.yosys_module_area_um2.at("adder8") == Approx(m.area_um2).epsilon(1e-6));
  CHECK(r.total_area_um2 == Approx(m.area_um2));
}

TEST_CASE("hierarchical synth: per-module areas x instances sum to the total and match yosys") {
  const auto r = hcl::flows::synthesize({data_dir / "adder_tree.v"}, "adder_tree", fresh());
  INFO(hcl::flows::synth_report_table(r));
  REQUIRE(r.modules.count("add_n(W=8)") == 1);
  REQUIRE(r.modules.count("add_n(W=9)") == 1);
  CHECK(r.modules.at("add_n(W=8)").instances == 4);
  CHECK(r.modules.at("add_n(W=9)").instances == 1);
  CHECK(r.modules.at("add_pair").instances == 2);
  CHECK(r.modules.at("adder_tree").instances == 1);
  // The top holds the 10 output flops (and the XORs feeding fin).
  CHECK(r.modules.at("adder_tree").cells.at("DFF_X1") == 10);
  CHECK(hierarchy_sum(r) == Approx(r.total_area_um2).epsilon(1e-9));
  // Yosys multiplies by the hierarchy too (`stat -top`); both computations must agree.
  CHECK(r.yosys_total_area_um2 == Approx(r.total_area_um2).epsilon(1e-6));
  for (const auto &[name, area] : r.yosys_module_area_um2) {
    INFO(name);
    REQUIRE(r.modules.count(name) == 1);
    CHECK(area == Approx(r.modules.at(name).area_um2).epsilon(1e-6));
  }
}

TEST_CASE("flat synth agrees with hierarchical synth within 15%") {
  hcl::flows::SynthOptions flat;
  flat.flat = true;
  const auto h = hcl::flows::synthesize({data_dir / "adder_tree.v"}, "adder_tree", fresh());
  const auto f = hcl::flows::synthesize({data_dir / "adder_tree.v"}, "adder_tree", fresh(flat));
  CHECK(f.modules.size() == 1);
  // Flattening lets ABC optimize across module boundaries, so it may be somewhat smaller.
  CHECK(f.total_area_um2 == Approx(h.total_area_um2).epsilon(0.15));
}

TEST_CASE("large memories become SRAM macro lines, small ones stay flip-flops") {
  const auto r = hcl::flows::synthesize({data_dir / "sram_user.v"}, "sram_user", fresh());
  INFO(hcl::flows::synth_report_table(r));
  const std::string macro = "hcl_sram_1024x16_1r1w";
  REQUIRE(r.modules.count(macro) == 1);
  const auto &m = r.modules.at(macro);
  CHECK(m.sram_macro);
  CHECK(m.instances == 1);
  const hcl::flows::SramModel model;
  CHECK(m.area_um2 == Approx(model.area(16, 1024, 2)));
  // 0.5*16384 + 2*1024 + 10*16*2 + 500*2 = 11,560 um^2.
  CHECK(m.area_um2 == Approx(11560.0));
  // The 16-bit register file is synthesized: 16 storage flops plus the logic around it.
  const auto &top = r.modules.at("sram_user");
  CHECK(top.cells.at("DFF_X1") >= 16);
  CHECK(top.cells.at("DFF_X1") < 200);
  CHECK(r.total_area_um2 == Approx(m.area_um2 + top.area_um2));
}

TEST_CASE("a design's own SRAM model keeps its name, the macro goes inside it") {
  const auto r =
      hcl::flows::synthesize({data_dir / "sram_model_user.v"}, "sram_model_user", fresh());
  INFO(hcl::flows::synth_report_table(r));
  const std::string macro = "hcl_sram_1024x16_1r1w_macro";
  REQUIRE(r.modules.count(macro) == 1);
  CHECK(r.modules.at(macro).sram_macro);
  CHECK(r.modules.at(macro).instances == 1);
  CHECK(r.modules.at(macro).area_um2 == Approx(hcl::flows::SramModel{}.area(16, 1024, 2)));
  REQUIRE(r.modules.count("hcl_sram_1024x16_1r1w") == 1);
  CHECK_FALSE(r.modules.at("hcl_sram_1024x16_1r1w").sram_macro);
  // The model holds nothing but the macro: 16 Kib of flip-flops would be far larger.
  CHECK(r.total_area_um2 < 1.5 * r.modules.at(macro).area_um2);
}

TEST_CASE("synth JSON has the documented shape") {
  const auto r = hcl::flows::synthesize({data_dir / "adder_tree.v"}, "adder_tree", fresh());
  const auto j = nlohmann::json::parse(hcl::flows::synth_report_json(r));
  CHECK(j.size() == 3);
  CHECK(j.at("top") == "adder_tree");
  CHECK(j.at("total_area_um2").get<double>() == Approx(r.total_area_um2));
  double sum = 0;
  for (const auto &[name, m] : j.at("modules").items()) {
    CHECK(m.size() == 3);
    sum += m.at("instances").get<double>() * m.at("area_um2").get<double>();
    for (const auto &[cell, n] : m.at("cells").items()) {
      CHECK(n.get<int>() > 0);
    }
  }
  CHECK(sum == Approx(j.at("total_area_um2").get<double>()));
}

TEST_CASE("the shipped liberty has the NanGate X1 cells ABC needs") {
  const auto areas = hcl::flows::read_liberty_areas(hcl::flows::default_liberty());
  for (const char *cell : {"INV_X1", "BUF_X1", "NAND2_X1", "NOR2_X1", "AND2_X1", "OR2_X1",
                           "XOR2_X1", "XNOR2_X1", "AOI21_X1", "OAI21_X1", "MUX2_X1", "DFF_X1"}) {
    INFO(cell);
    REQUIRE(areas.count(cell) == 1);
    // Every NanGate cell is 1.4 um high on a 0.19 um site grid.
    const double sites = areas.at(cell) / (1.4 * 0.19);
    CHECK(std::abs(sites - std::round(sites)) < 1e-6);
  }
  CHECK(areas.at("INV_X1") == Approx(0.532));
  CHECK(areas.at("DFF_X1") == Approx(4.522));
}

TEST_CASE("synth with the osu018 library") {
  fs::path lib;
  try {
    lib = hcl::flows::resolve_liberty("osu018");
  } catch (const hcl::flows::UsageError &e) {
    CHECK_THAT(e.what(), Contains("qflow-tech-osu018"));
    WARN("osu018 liberty not installed; skipped: " << e.what());
    return;
  }
  hcl::flows::SynthOptions opts;
  opts.liberty = lib;
  const auto r = hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", fresh(opts));
  const auto nangate = hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", fresh());
  // 0.18 um cells are roughly (180/45)^2 = 16x larger than 45 nm ones; allow a wide band.
  CHECK(r.total_area_um2 > 5 * nangate.total_area_um2);
  CHECK(r.total_area_um2 < 40 * nangate.total_area_um2);
  CHECK(r.yosys_module_area_um2.at("adder8") == Approx(r.total_area_um2).epsilon(1e-6));
}

TEST_CASE("synth errors: missing yosys, bad top, bad liberty") {
  CHECK_THROWS_WITH(hcl::flows::synthesize({data_dir / "adder8.v"}, "no_such_top", fresh()),
                    Contains("yosys failed") && Contains("no_such_top"));
  CHECK_THROWS_WITH(hcl::flows::resolve_liberty("/nonexistent.lib"), Contains("does not exist"));
  ::setenv("HCL_YOSYS", "/nonexistent/yosys", 1);
  CHECK_THROWS_WITH(hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", fresh()),
                    Contains("apt-get install yosys"));
  ::unsetenv("HCL_YOSYS");
}

TEST_CASE("synth refuses script-breaking names before Yosys runs") {
  // A newline would start a new script line, and Yosys runs a line starting with '!' in a shell.
  // HCL_YOSYS points nowhere: a check that let a value through would fail with ToolMissing.
  ::setenv("HCL_YOSYS", "/nonexistent/yosys", 1);
  const fs::path adder = data_dir / "adder8.v";
  CHECK_THROWS_WITH(hcl::flows::synthesize({adder}, "adder8\n!touch x", fresh()),
                    Contains("--top \"adder8\\n!touch x\" is not a Verilog identifier"));
  hcl::flows::SynthOptions o;
  o.top_parameters = {{"W\n!ls", "8"}};
  CHECK_THROWS_WITH(hcl::flows::synthesize({adder}, "adder8", fresh(o)),
                    Contains("--param name \"W\\n!ls\" is not a Verilog identifier"));
  o.top_parameters = {{"W", "8\n!ls"}};
  CHECK_THROWS_WITH(hcl::flows::synthesize({adder}, "adder8", fresh(o)),
                    Contains("--param W value \"8\\n!ls\" is not a number"));
  CHECK_THROWS_WITH(hcl::flows::synthesize({"/tmp/a\n!touch x\n.v"}, "adder8", fresh()),
                    Contains("Verilog file \"/tmp/a\\n!touch x\\n.v\": a path given to yosys"));
  ::unsetenv("HCL_YOSYS");
}

TEST_CASE("synth: the same inputs again give the cached report, a changed source runs Yosys") {
  const fs::path dir = hcl::test::scratch_dir("synth-reuse");
  fs::remove_all(dir);
  fs::create_directories(dir);
  hcl::flows::SynthOptions o;
  o.cache_dir = dir / "cache";
  fs::copy_file(data_dir / "adder_tree.v", dir / "adder_tree.v");
  const auto first = hcl::flows::synthesize({dir / "adder_tree.v"}, "adder_tree", o);
  CHECK_FALSE(first.cache_hit);
  CHECK(first.yosys_seconds > 0);
  const auto again = hcl::flows::synthesize({dir / "adder_tree.v"}, "adder_tree", o);
  CHECK(again.cache_hit);
  CHECK(again.yosys_seconds == 0);
  CHECK(again.total_area_um2 == first.total_area_um2);
  CHECK(again.yosys_total_area_um2 == first.yosys_total_area_um2);
  REQUIRE(again.modules.size() == first.modules.size());
  for (const auto &[name, m] : first.modules) {
    CHECK(again.modules.at(name).cells == m.cells);
    CHECK(again.modules.at(name).instances == m.instances);
  }
  CHECK(hcl::flows::synth_report_json(again) == hcl::flows::synth_report_json(first));
  // Another top-level parameter, or an edit of the source, is another design.
  hcl::flows::SynthOptions flat = o;
  flat.flat = true;
  CHECK_FALSE(hcl::flows::synthesize({dir / "adder_tree.v"}, "adder_tree", flat).cache_hit);
  std::ofstream(dir / "adder_tree.v", std::ios::app) << "// edited\n";
  CHECK_FALSE(hcl::flows::synthesize({dir / "adder_tree.v"}, "adder_tree", o).cache_hit);
  // An entry this build cannot read is not trusted: Yosys runs again.
  for (const auto &e : fs::directory_iterator(o.cache_dir))
    std::ofstream(e.path()) << "{ not json";
  CHECK_FALSE(hcl::flows::synthesize({dir / "adder_tree.v"}, "adder_tree", o).cache_hit);
}

TEST_CASE("on_pass sees the passes Yosys runs, in order, and the area is the same as without it") {
  std::vector<std::string> passes;
  auto o = fresh();
  o.on_pass = [&](const std::string &p) { passes.push_back(p); };
  const auto watched = hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", o);
  const auto quiet = hcl::flows::synthesize({data_dir / "adder8.v"}, "adder8", fresh());
  CHECK(watched.total_area_um2 == Approx(quiet.total_area_um2));
  const auto at = [&](const std::string &what) {
    for (std::size_t i = 0; i < passes.size(); ++i)
      if (passes[i].find(what) != std::string::npos)
        return i;
    FAIL("no pass header with '" << what << "' among " << passes.size());
    return passes.size();
  };
  const auto hierarchy = at("Executing HIERARCHY pass"), abc = at("Executing ABC pass");
  CHECK(hierarchy < abc);
  for (const auto &p : passes) {
    CHECK(p.back() != '.');
    CHECK(p.find('\n') == std::string::npos);
  }
}
