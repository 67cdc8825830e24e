#include <scheduler/io/timeloop_art.h>

#include <scheduler/model/area.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "scratch_dir.h"
#include "support/timeloop_cases.h"

using namespace hcl::sched;
namespace fs = std::filesystem;

namespace {

std::string art_file(const std::string &text) {
  const auto path = (hcl::test::scratch_dir("art") / "art.yaml").string();
  std::ofstream(path) << text;
  return path;
}

// The legacy c5 exercise's architecture (inputs_legacy_v02/3levelspatial.arch.yaml): 16 PEs of
// RegisterFile + MACC below one GlobalBuffer, below MainMemory.
TimeloopArch c5_legacy() {
  TimeloopArch ta;
  ta.arch = tlcase::arch_with({tlcase::regfile("RegisterFile"), tlcase::sram("GlobalBuffer", 8192),
                               tlcase::dram("MainMemory")});
  ta.arch.levels[1].fanout_x = 16;
  ta.compute_name = "MACC";
  return ta;
}

// Timeloop's legacy ART for that arch (ref_legacy_cp/timeloop-model.ART_summary.yaml).
const char *kC5Art = "ART_summary:\n"
                     "  version: 0.3\n"
                     "  table_summary:\n"
                     "  - name: System.Chip.PE.RegisterFile[0..15]\n"
                     "    area: 887.84\n"
                     "    primitive_estimations: Aladdin_table\n"
                     "  - name: System.Chip.PE.MACC[0..15]\n"
                     "    area: 332.25\n"
                     "    primitive_estimations: Aladdin_table\n"
                     "  - name: System.Chip.GlobalBuffer\n"
                     "    area: 679274.0\n"
                     "    primitive_estimations: Cacti\n"
                     "  - name: System.MainMemory\n"
                     "    area: 1\n"
                     "    primitive_estimations: dummy_table\n";

} // namespace

TEST_CASE("timeloop ART: areas per instance add up to Timeloop's total topology area") {
  TimeloopArch ta = c5_legacy();
  apply_timeloop_art(art_file(kC5Art), ta);
  REQUIRE(ta.arch.has_area);
  CHECK(ta.arch.levels[0].area_um2 == 887.84);
  CHECK(ta.arch.mac_area_um2 == 332.25);
  // Timeloop's stats for this case (ref_legacy_cp/timeloop-model.stats.txt):
  // "Total topology area: 698796.44 um^2" = 679274 + 16 x 887.84 + 16 x 332.25 + 1.
  CHECK(arch_area(ta.arch).total_um2 == Approx(698796.44).epsilon(1e-9));
}

TEST_CASE("timeloop ART: the c5 legacy reference case through the file readers") {
  const fs::path dir =
      fs::path(HCL_REFERENCE_CASES) / "cases/timeloop/c5_conv1d_oc_ic_spatial16_cp_kp";
  if (!fs::exists(dir)) {
    WARN("HCL_REFERENCE_CASES has no cases/timeloop/c5_conv1d_oc_ic_spatial16_cp_kp; skipped");
    return;
  }
  const Problem p =
      load_timeloop_problem((dir / "inputs_legacy_v02/conv1d+oc+ic.prob.yaml").string());
  TimeloopArch ta =
      load_timeloop_arch((dir / "inputs_legacy_v02/3levelspatial.arch.yaml").string(), p);
  apply_timeloop_art((dir / "ref_legacy_cp/timeloop-model.ART_summary.yaml").string(), ta);
  std::ifstream stats(dir / "ref_legacy_cp/timeloop-model.stats.txt");
  std::stringstream ss;
  ss << stats.rdbuf();
  std::smatch m;
  const std::string text = ss.str();
  REQUIRE(std::regex_search(text, m, std::regex(R"(Total topology area: ([0-9.]+) um\^2)")));
  CHECK(arch_area(ta.arch).total_um2 == Approx(std::stod(m[1].str())).epsilon(1e-6));
}

TEST_CASE("timeloop ART: a level the table does not price is an error") {
  TimeloopArch ta = c5_legacy();
  std::string text = kC5Art;
  text.erase(text.find("  - name: System.Chip.GlobalBuffer"),
             text.find("  - name: System.MainMemory") -
                 text.find("  - name: System.Chip.GlobalBuffer"));
  try {
    apply_timeloop_art(art_file(text), ta);
    FAIL("expected a SpecError");
  } catch (const SpecError &e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("no entry for level 'GlobalBuffer'"));
  }
  TimeloopArch tb = c5_legacy();
  CHECK_THROWS_WITH(apply_timeloop_art(art_file("ART_summary:\n  version: 0.3\n  table_summary:\n"
                                                "  - {name: X, area: 1, size: 2}\n"),
                                       tb),
                    Catch::Contains("size") && Catch::Contains("primitive_estimations"));
}
