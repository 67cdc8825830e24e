// The cost of a mapping, as Timeloop reports it: counts per instance of each level.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <scheduler/problem.h>

namespace hcl::sched {

// Timeloop: Timeloop v0.4 counting (docs/cost-model.md), exact.
// Interstellar: the seed tool's energy formulas (see interstellar.h; evaluate() rejects it).
// Hcl: what the generated accelerator does (docs/cost-model.md, "hcl mode"): Timeloop's counts
// without halo reuse, two tiles in double-buffered levels, and the cycles of the sequential tile
// machine (Arch::machine) instead of Timeloop's.
enum class Mode { Timeloop, Interstellar, Hcl };

// Whether a tile that slides along its innermost relevant loop keeps its overlap with the
// previous tile (Timeloop's halo credit) or is fetched whole again (hcl: the machine cannot
// shift a window). The model, its lower bounds and the search's order classes all read this.
constexpr bool credits_halo(Mode mode) { return mode != Mode::Hcl; }

struct TensorCounts {
  std::int64_t utilized_capacity = 0;
  std::int64_t utilized_instances = 0;
  std::int64_t reads = 0;
  std::int64_t fills = 0;
  std::int64_t updates = 0;
  double energy_pj = 0; // over all utilized instances (Timeloop's "Energy (total)")
};

struct LevelResult {
  std::string name;
  std::int64_t instances = 0;
  std::array<std::optional<TensorCounts>, kMaxTensors> tensors; // empty = bypassed
  double leak_energy_pj = 0;                                    // leakage x cycles x instances
  std::int64_t bandwidth_cycles = 0; // cycles this level's ports need (0 = unlimited)
};

// Lower bounds any mapping of the problem on the architecture must respect
// (docs/cost-model.md, "Bounds shown beside a cost").
struct Bounds {
  std::int64_t compute_cycles = 0;           // ceil(MACs / PEs)
  std::int64_t compulsory_backing_words = 0; // |W| + |I| + |O|: every word crosses once
};

struct Evaluation {
  std::int64_t macs = 0;
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0; // ceil(MACs / utilized MACs), no stalls
  double utilization = 0;          // MACs / (cycles x PEs)
  double energy_pj = 0;            // storage + MAC + leakage
  double mac_energy_pj = 0;
  std::int64_t backing_words = 0; // reads + updates at the backing store, all instances
  Bounds bounds;
  std::vector<LevelResult> levels; // innermost first
};

} // namespace hcl::sched
