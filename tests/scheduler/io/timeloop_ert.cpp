#include <scheduler/io/timeloop_ert.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

// The legacy c5 exercise's levels: RegisterFile, GlobalBuffer, MainMemory, MACC compute.
TimeloopArch c5_legacy() {
  TimeloopArch ta;
  ta.arch = tlcase::arch_with({tlcase::regfile("RegisterFile"), tlcase::sram("GlobalBuffer", 8192),
                               tlcase::dram("MainMemory")});
  ta.compute_name = "MACC";
  return ta;
}

// Energies of Timeloop's legacy ERT for that arch (ref_legacy_cp/timeloop-model.ERT_summary),
// with the forms Accelergy writes: instance ranges, `average_energy`, `fill` for `write`.
const char *kErt = R"(ERT_summary:
  version: '0.4'
  table_summary:
    - name: System_top_level.MainMemory[1..1]
      actions:
        - {name: read, energy: 2048.0}
        - {name: write, energy: 2048.0}
    - name: System_top_level.GlobalBuffer[1..16]
      actions:
        - {name: update, energy: 30.878292}
        - {name: read, energy: 43.353054}
        - {name: write, energy: 30.878292}
        - {name: leak, energy: 0.007972}
    - name: System.Chip.PE.RegisterFile[0..15]
      actions:
        - {name: read, average_energy: 0.42564}
        - {name: fill, energy: 0.5}
    - name: System_top_level.MACC[1..16]
      actions:
        - {name: compute, energy: 0.845}
)";

} // namespace

TEST_CASE("timeloop ERT: per-access energies by component name, with Accelergy's fallbacks") {
  TimeloopArch ta = c5_legacy();
  apply_timeloop_ert(load_yaml_string(kErt, "ert.yaml"), ta);
  const auto &rf = ta.arch.levels[0], &gb = ta.arch.levels[1], &dram = ta.arch.levels[2];
  CHECK(gb.read_energy_pj == 43.353054);
  CHECK(gb.update_energy_pj == 30.878292);
  CHECK(gb.leak_energy_pj == 0.007972);
  CHECK(rf.read_energy_pj == 0.42564); // average_energy when there is no energy
  CHECK(rf.write_energy_pj == 0.5);    // fill stands for write
  CHECK(rf.update_energy_pj == 0.5);   // update falls back to write
  CHECK(dram.read_energy_pj == 2048.0);
  CHECK(ta.arch.mac_energy_pj == 0.845);
}

TEST_CASE("timeloop ERT: malformed tables name the file, line and key") {
  TimeloopArch ta = c5_legacy();
  CHECK_THROWS_WITH(apply_timeloop_ert(load_yaml_string("ART_summary: {}\n", "a.yaml"), ta),
                    Catch::Contains("a.yaml:1") && Catch::Contains("ERT_summary"));
  CHECK_THROWS_WITH(
      apply_timeloop_ert(load_yaml_string("ERT_summary:\n  version: 1\n  table_summary:\n"
                                          "    - [not, a, map]\n",
                                          "b.yaml"),
                         ta),
      Catch::Contains("b.yaml:4") && Catch::Contains("an ERT entry"));
  CHECK_THROWS_WITH(
      apply_timeloop_ert(load_yaml_string("ERT_summary:\n  version: 1\n  table_summary:\n"
                                          "    - name: a.MACC\n      actions:\n"
                                          "        - {name: compute}\n",
                                          "c.yaml"),
                         ta),
      Catch::Contains("c.yaml:6") && Catch::Contains("'energy' (or 'average_energy')"));
}
