// The auto-scheduler in `interstellar` mode: exact branch and bound over the seed tool's own
// mapping form (interstellar.h), with its energy formulas and its validity rules (capacity,
// half-full buffers, PEs), so results compare like for like with the tool's optimizer.
//
// Space: at each array level, the partitionings (the hint's where it gives them; otherwise any
// loops whose product fits parallel_count and reaches utilization_threshold of it), one
// para_loop_dim group per partitioned loop; blockings: a loop the hint partitions is walked as
// the tool walks it (its share at the hint's level in ceil(share / p) steps, so the factors
// may cover more than the extent; docs/interstellar.md), every other loop takes every
// exact-divisor split of its extent over the levels (the hint's blocking_size where given);
// orders: every order of each level's blocked loops (one per class of orders the formulas
// cannot tell apart; loops a level does not block get the tool's 6). One subproblem per
// partitioning and walk of the hinted loops, best root bound first.
//
// Bound: the energy of a level depends only on the blockings at it and above, its order and
// the partitionings, so with levels v..L-1 fixed their energies are exact; the levels below
// are bounded by the same formulas with all remaining blocking pushed to level 0 (each access
// count can only grow when blocking moves outward), except a level 0 with a MAC register,
// bounded by 0 until it is fixed.
#pragma once

#include <scheduler/interstellar/interstellar.h>
#include <scheduler/interstellar/interstellar_io.h>
#include <scheduler/search/search.h>

namespace hcl::sched::interstellar {

struct SearchOptions {
  const ScheduleHint *hint = nullptr; // fixes what it gives (blockings, partitionings)
  double time_limit_s = 0;            // 0 = none; stops once a mapping was found
  StopToken stop;                     // stops at once, with or without a mapping
};

struct SearchResult {
  bool found = false;
  MappingSpec mapping;
  Result result;
  double lower_bound = 0;
  bool optimal = false;
  double gap = 0;
  hcl::sched::SearchStats stats;
  bool interrupted = false; // stopped by the interrupt flag of SearchOptions::stop
};

// Single-threaded (the hinted spaces are small); deterministic.
SearchResult search(const Layer &layer, const ArchSpec &arch, const SearchOptions &options);

} // namespace hcl::sched::interstellar
