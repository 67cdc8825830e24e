#include "machine_cycles.h"

#include <algorithm>

namespace hcl::sched {

namespace {

// What one event moves: prefetched during the previous run, or after it (sequentially).
struct EventCost {
  std::int64_t prefetch = 0, sequential = 0;
};

// The transfers of an event whose outermost stepping loop is `j`; `first_touch`: the
// read-write tiles start at zero; `clean_at`: the pairs changing first at this loop position
// hold no old tile yet (the first change of a prefetched read-write pair writes nothing back).
EventCost event_cost(const MachinePair *pairs, int n, int j, bool first_touch, int clean_at) {
  EventCost c;
  for (int i = 0; i < n; ++i) {
    const MachinePair &p = pairs[i];
    if (p.refetch < 0 || p.refetch > j) {
      continue;
    }
    std::int64_t moved = 0;
    if (p.read_write) {
      if (!(p.prefetched && p.refetch == clean_at)) {
        moved += p.writeback;
      }
      if (!first_touch) {
        moved += p.fill;
      }
    } else {
      moved = p.fill;
    }
    (p.prefetched ? c.prefetch : c.sequential) += moved;
  }
  return c;
}

} // namespace

std::int64_t prefetch_machine_cycles(const MachineTiming &mt, const MachineNest &nest,
                                     const MachinePair *pairs, int n_pairs, std::int64_t steps) {
  int kmin = nest.loops;
  for (int i = 0; i < n_pairs; ++i) {
    if (pairs[i].refetch >= 0) {
      kmin = std::min(kmin, pairs[i].refetch);
    }
  }
  std::int64_t events = 1;
  for (int j = kmin; j < nest.loops; ++j) {
    events *= nest.factor[j];
  }
  const std::int64_t run = steps / events + mt.drain;
  // A run and the prefetch for the next event start together; the machine swaps when both end.
  const auto boundary = [&](const EventCost &c) {
    return (c.prefetch > 0 ? std::max(run, mt.prefetch_lag + c.prefetch) : run) + c.sequential;
  };
  std::int64_t cycles = mt.start + run;
  for (int i = 0; i < n_pairs; ++i) {
    const MachinePair &p = pairs[i];
    if (!p.read_write) {
      cycles += p.fill; // the start event: every read-only tile, sequentially
    } else { // the end: the current tile, and the other half's when the tile ever changed
      cycles += p.writeback * (p.prefetched && p.refetch >= 0 ? 2 : 1);
    }
  }
  // Outermost first, so the products of the factors outside j are running products.
  std::int64_t outer = 1, outer_rw = 1;
  for (int j = nest.loops - 1; j >= kmin; --j) {
    // Events whose outermost stepping loop is j, and those among them that are first touches
    // of the read-write tiles (j relevant, every irrelevant loop outside it at 0).
    const std::int64_t all = (nest.factor[j] - 1) * outer;
    const std::int64_t touch = nest.rw_relevant[j] ? (nest.factor[j] - 1) * outer_rw : 0;
    const EventCost warm = event_cost(pairs, n_pairs, j, false, -1);
    const EventCost cold = event_cost(pairs, n_pairs, j, true, -1);
    cycles += (all - touch) * boundary(warm) + touch * boundary(cold);
    if (touch >
        0) { // the very first step of loop j: nothing of a pair triggered by j to write back
      cycles += boundary(event_cost(pairs, n_pairs, j, true, j)) - boundary(cold);
    }
    outer *= nest.factor[j];
    outer_rw *= nest.rw_relevant[j] ? nest.factor[j] : 1;
  }
  return cycles;
}

} // namespace hcl::sched
