#include <scheduler/model/area.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/search/explore.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "scratch_dir.h"

using namespace hcl::sched;

namespace {

const std::string kArchDir = HCL_SOURCE_DIR "/examples/arch/";

std::string arch_file(const std::string &text) {
  const auto path = (hcl::test::scratch_dir("area") / "a.arch.yaml").string();
  std::ofstream(path) << text;
  return path;
}

SpecError spec_error(const std::string &text) {
  try {
    load_arch_yaml(arch_file(text));
  } catch (const SpecError &e) {
    return e;
  }
  FAIL("expected a SpecError");
  throw;
}

// Three levels with explicit areas; `rf_area` is spliced into the RF entry.
std::string explicit_arch(const std::string &rf_area, const std::string &mac = "area_um2: 500") {
  return "arch:\n"
         "  name: t\n"
         "  mac: {energy_pj: 1, " +
         mac +
         "}\n"
         "  levels:\n"
         "    - {name: DRAM, kind: dram, energy: 200}\n"
         "    - {name: Buf, kind: sram, size: 1 KB, energy: 2, area_um2: 3000,\n"
         "       mesh: {x: 4, y: 2}}\n"
         "    - {name: RF, kind: regfile, size_words: 16, energy: 0.1" +
         rf_area + "}\n";
}

} // namespace

TEST_CASE("area: the built-in table reproduces the figures it cites") {
  // Accelergy 40 nm, Timeloop exercises' ART: SRAM 32768 x 64 bit = 707,084 um^2 (CACTI),
  // regfile 64 x 8 bit = 887.84 um^2, 8-bit intmac = 332.25 um^2 (Aladdin table); Aladdin
  // register 5.98 um^2 per bit (hwcomponents-library aladdin.py).
  CHECK(accelergy40_level_area_um2(MemKind::SRAM, 32768, 64) == Approx(707084.0));
  CHECK(accelergy40_level_area_um2(MemKind::RegFile, 64, 8) == Approx(887.84));
  CHECK(accelergy40_level_area_um2(MemKind::Register, 1, 16) == Approx(5.98 * 16));
  CHECK(accelergy40_level_area_um2(MemKind::DRAM, 1 << 20, 16) == 0);
  CHECK(accelergy40_mac_area_um2(8) == Approx(332.25));
  CHECK(accelergy40_mac_area_um2(16) == Approx(332.25 * 4)); // quadratic in width
}

TEST_CASE("area: the Interstellar baseline's total, by hand from the table") {
  const Arch a = load_arch_yaml(kArchDir + "interstellar_baseline.yaml");
  REQUIRE(a.has_area);
  const AreaReport r = arch_area(a);
  // RF: 512 B = 4096 bits x 887.84/512 = 7,102.72 um^2 per PE, 256 PEs.
  CHECK(a.levels[0].area_um2 == Approx(7102.72));
  CHECK(r.level_um2[0] == Approx(7102.72 * 256));
  // GlobalBuffer: 128 KB = 1,048,576 bits = half of the cited 2,097,152-bit SRAM.
  CHECK(r.level_um2[1] == Approx(707084.0 / 2));
  CHECK(r.level_um2[2] == 0); // DRAM is off chip
  // 256 16-bit MACs at 332.25 x (16/8)^2 = 1,329 um^2.
  CHECK(r.mac_um2 == Approx(1329.0 * 256));
  CHECK(r.total_um2 == Approx(1818296.32 + 353542.0 + 340224.0));
  const auto j = area_json(a, r);
  CHECK(j["levels"][0]["name"] == "DRAM");
  CHECK(j["levels"][2]["instances"] == 256);
}

TEST_CASE("area: partitioned levels and explicit overrides") {
  const Arch e = load_arch_yaml(kArchDir + "eyeriss_like.yaml");
  REQUIRE(e.has_area);
  // WeightsSpad: 224 16-bit words in each of 168 PEs.
  const auto w = std::find_if(e.levels.begin(), e.levels.end(),
                              [](const Level &l) { return l.name == "WeightsSpad"; });
  REQUIRE(w != e.levels.end());
  CHECK(w->area_um2 == Approx(224 * 16 * 887.84 / 512));

  const Arch a = load_arch_yaml(arch_file(explicit_arch(", area_um2: 40")));
  REQUIRE(a.has_area);
  const AreaReport r = arch_area(a);
  CHECK(r.total_um2 == Approx(40 * 8 + 3000 + 500 * 8));
  // The table fills in what is not explicit; explicit values win.
  const Arch t = load_arch_yaml(arch_file(
      "arch:\n  name: t\n  area_table: accelergy_40nm\n  mac: {bits: 8}\n  levels:\n"
      "    - {name: DRAM, kind: dram}\n    - {name: Buf, kind: sram, size: 1 KB, area_um2: 10}\n"));
  CHECK(arch_area(t).total_um2 == Approx(10 + 332.25));
}

TEST_CASE("area: written explicitly and read back") {
  const Arch a = load_arch_yaml(kArchDir + "tpu_like.yaml");
  const std::string text = arch_to_yaml(a);
  CHECK(text.find("area_um2") != std::string::npos);
  const Arch b = load_arch_yaml(arch_file(text));
  REQUIRE(b.has_area);
  CHECK(arch_area(b).total_um2 == Approx(arch_area(a).total_um2));
  // No area model: nothing written, and nothing to report.
  const Arch none = load_arch_yaml(arch_file("arch:\n  name: t\n  levels:\n"
                                             "    - {name: DRAM, kind: dram}\n"
                                             "    - {name: Buf, kind: sram, size: 1 KB}\n"));
  CHECK_FALSE(none.has_area);
  CHECK(arch_to_yaml(none).find("area_um2") == std::string::npos);
  CHECK_THROWS_WITH(arch_area(none), Catch::Contains("has no area model"));
}

TEST_CASE("area: resizing a level scales its area with the size") {
  const Arch a = load_arch_yaml(kArchDir + "interstellar_baseline.yaml");
  const Arch b = resize_level(a, 0, 64);
  CHECK(b.levels[0].area_um2 == Approx(a.levels[0].area_um2 / 8));
  CHECK(b.levels[0].area_um2 == Approx(accelergy40_level_area_um2(MemKind::RegFile, 32, 16)));
}

TEST_CASE("area: strict validation names file, line and key") {
  SECTION("a level without area when others have one") {
    const auto e = spec_error(explicit_arch(""));
    CHECK(e.line() == 8);
    CHECK(e.key() == "area_um2");
    CHECK_THAT(e.what(), Catch::Contains("level 'RF' has no area_um2") &&
                             Catch::Contains("area_table: accelergy_40nm"));
  }
  SECTION("a mac without area") {
    const auto e = spec_error(explicit_arch(", area_um2: 40", "bits: 16"));
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("the mac has no area_um2"));
  }
  SECTION("an unknown table") {
    const auto e = spec_error("arch:\n  name: t\n  area_table: cacti\n  levels:\n"
                              "    - {name: DRAM, kind: dram}\n");
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("none") && Catch::Contains("accelergy_40nm"));
  }
  SECTION("a negative area") {
    const auto e = spec_error(explicit_arch(", area_um2: -4"));
    CHECK(e.line() == 8);
    CHECK(e.key() == "area_um2");
  }
  SECTION("area on a partitioned group") {
    const auto e = spec_error("arch:\n  name: t\n  levels:\n    - {name: DRAM, kind: dram}\n"
                              "    - name: PE\n      kind: regfile\n      area_um2: 5\n"
                              "      partitioned:\n        - {tensor: Weights, size_words: 4}\n");
    CHECK(e.line() == 7);
    CHECK_THAT(e.what(), Catch::Contains("give area_um2 in each partition entry"));
  }
}
