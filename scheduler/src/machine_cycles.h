// Hcl mode's cycles when some on-chip level is double-buffered (docs/cost-model.md, "hcl
// mode", "Double buffering"): the sequential tile machine, except that the tiles of
// double-buffered levels are prefetched during the run before the event that needs them.
#pragma once

#include <scheduler/arch.h>

#include <cstdint>

namespace hcl::sched {

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
