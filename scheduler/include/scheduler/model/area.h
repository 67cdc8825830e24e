// The area model of an architecture: silicon area per level instance (a function of its size)
// and per MAC, and the total the resource allocation (allocate.h) keeps under a budget.
//
// Total = sum over levels of area_um2 x instances + MACs x mac_area_um2. The area of a level
// scales linearly with its size (area per bit is constant in the built-in table below), which
// is what resize_level (explore.h) assumes when it resizes a level.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>

namespace hcl::sched {

// The built-in area table ("area_table: accelergy_40nm" in an arch file): 40 nm figures of
// Accelergy's default estimators, as Timeloop reports them in the Timeloop/Accelergy exercises
// (Accelergy-Project/timeloop-accelergy-exercises, exercise "conv1d+oc+ic 3levelspatial",
// output timeloop-model.ART_summary.yaml, v0.4 reference run; the 2-level exercise's ART has
// the same figures, transcribed in tests/data/evaluate/art.yaml)
// and Aladdin's register (Shao et al., ISCA 2014, via Accelergy-Project/hwcomponents-library,
// library/aladdin.py):
//   sram      707,084 um^2 for 32768 x 64 bit (CACTI)          -> 0.33716 um^2 per bit
//   regfile   887.84 um^2 for 64 x 8 bit (Aladdin table)       -> 1.73406 um^2 per bit
//   register  5.98 um^2 per bit (Aladdin register)
//   dram      0 (off chip)
//   MAC       332.25 um^2 for an 8-bit intmac (Aladdin table), x (bits/8)^2 (the multiplier
//             dominates; hwcomponents-library scales Aladdin's multiplier area quadratically)
// Linear in bits is a first-order model: CACTI's periphery makes small SRAMs cost more per bit.
double accelergy40_area_um2_per_bit(MemKind kind);
double accelergy40_mac_area_um2(int bits);
// Area of one instance of a `kind` level holding `size_words` words of `word_bits` bits.
double accelergy40_level_area_um2(MemKind kind, std::int64_t size_words, int word_bits);

struct AreaReport {
  std::vector<double> level_um2; // per level, all instances, innermost first
  double mac_um2 = 0;            // all MACs
  double total_um2 = 0;
};

// Area of every level (x instances) and of the MACs. Throws std::invalid_argument when the
// arch has no area model (Arch::has_area is false).
AreaReport arch_area(const Arch &arch);

// {"total_um2", "mac_um2", "levels": [{"name", "size_words", "instances", "area_um2" (one
// instance), "total_um2"}]}, levels outermost first like the arch file.
nlohmann::json area_json(const Arch &arch, const AreaReport &report);

} // namespace hcl::sched
