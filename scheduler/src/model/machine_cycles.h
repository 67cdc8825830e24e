// Hcl mode's tile machine (docs/cost-model.md, "hcl mode"): the per-pair transfer rules the
// model and its lower bound share, and the machine's cycles when some on-chip level is
// double-buffered ("Double buffering"), where the tiles of double-buffered levels are
// prefetched during the run before the event that needs them.
#pragma once

#include <scheduler/arch.h>

#include <algorithm>
#include <cstdint>

namespace hcl::sched {

// The cost rules of one (level, tensor) pair on the tile machine, shared by the model
// (Evaluator::hcl_cycles) and its lower bound (BoundModel), which stays admissible only while
// the two agree. A transfer of a tile is `beats` memory-port beats followed by its tail.
inline std::int64_t fill_cycles(const MachineTiming &mt, std::int64_t beats) {
  return beats + mt.fill_tail;
}
inline std::int64_t writeback_cycles(const MachineTiming &mt, std::int64_t beats) {
  return beats + mt.writeback_tail;
}

// A pair that brings `brought` tiles in over `positions` tile positions: a read-only tile is
// filled every time; a partial-sum tile is written back every time and filled except at its
// first touch of each position (it starts at 0 there).
inline std::int64_t pair_transfer_cycles(const MachineTiming &mt, bool read_write,
                                         std::int64_t brought, std::int64_t positions,
                                         std::int64_t beats) {
  const std::int64_t filled = read_write ? std::max<std::int64_t>(0, brought - positions) : brought;
  return filled * fill_cycles(mt, beats) + (read_write ? brought * writeback_cycles(mt, beats) : 0);
}

// One on-chip (level, tensor) pair, as the machine moves it.
struct MachinePair {
  int refetch = -1;           // nest position of the loop whose steps change the tile, -1: never
  bool read_write = false;    // partial sums: written back, not fetched at a first touch
  bool prefetched = false;    // its level is double-buffered
  std::int64_t fill = 0;      // one fill: memory-port beats from the parent + fill_tail
  std::int64_t writeback = 0; // one write-back: beats to the parent + writeback_tail
};

// The nest as the machine walks it: factors innermost first, and per loop whether the
// read-write tensor depends on it (its first touches).
struct MachineNest {
  int loops = 0;
  const std::int64_t *factor = nullptr;
  const char *rw_relevant = nullptr; // 0 or 1 per loop
};

std::int64_t prefetch_machine_cycles(const MachineTiming &mt, const MachineNest &nest,
                                     const MachinePair *pairs, int n_pairs, std::int64_t steps);

} // namespace hcl::sched
