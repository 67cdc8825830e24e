// The auto-scheduler: exact branch and bound over the search space of space.h, minimizing
// energy, cycles or energy x delay under the closed-form model (model.h, modes timeloop/hcl).
//
// Structure: a seeded random sampling of the space (search_random.h) gives the first
// incumbent. Then the space splits into subproblems, one per (spatial choice, keep assignment);
// each is bounded at its root and the subproblems are visited in increasing root bound. Inside
// one, a depth-first search fixes the temporal factors of the backing store, then its loop
// order, then the level below, and so on; every node is bounded with BoundModel
// (lower_bound.h) and cut when the bound cannot beat the best mapping so far. Children are
// visited best bound first. Leaves are evaluated with the real Evaluator.
//
// Exactness: with no time limit the result is optimal within the space (up to a relative
// 1e-9 that absorbs floating-point rounding of the bound), `optimal` is true and `gap` 0.
// With a time limit that stops the search first, the result is the best mapping found, and
// `lower_bound` a value no mapping of the space beats (the smallest root bound of the
// subproblems not finished), so `gap` = (objective - lower_bound) / objective.
//
// Determinism: subproblems are searched in fixed batches of 32 (in their sorted order), every
// search in a batch starts from the incumbent of the batch's start, and results are merged in
// order, with ties kept by the earlier subproblem. The result (mapping, value and statistics)
// therefore does not depend on the number of threads. A time limit breaks this, by nature.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/model/lower_bound.h>
#include <scheduler/model/model.h>
#include <scheduler/problem.h>
#include <scheduler/search/space.h>
#include <scheduler/stop.h>

namespace hcl::sched {

enum class Objective { Energy, Cycles, Edp };

// "energy", "cycles", "edp"; throws std::invalid_argument naming the valid values.
Objective parse_objective(const std::string &name);
const char *objective_name(Objective objective);
double objective_value(const Evaluation &evaluation, Objective objective);
// The same combination for a lower bound (lower_bound.h).
double objective_value(const CostBound &bound, Objective objective);

// The pruning rule every search here shares: a lower bound `lower` proves that nothing it
// bounds beats the incumbent `best` when lower >= best up to a relative kBoundSlack, which
// absorbs floating-point rounding in the bounds. False while there is no incumbent (infinity).
inline constexpr double kBoundSlack = 1e-9;
bool cannot_beat(double lower, double best);

struct SearchStats {
  std::int64_t subproblems = 0;        // (spatial, keep) combinations, repeats (space.h) once
  std::int64_t subproblems_pruned = 0; // cut at their root bound without a search
  std::int64_t nodes = 0;              // partial mappings bounded
  std::int64_t pruned = 0;             // nodes cut by their bound
  std::int64_t evaluations = 0;        // complete mappings evaluated with the model
  std::int64_t capacity_cuts = 0;      // factor choices whose tile did not fit
  double seconds = 0;
};

class SearchCache; // network_schedule.h

struct SearchProgress {
  SearchStats stats;
  double best = 0;        // objective of the incumbent (0 when none yet)
  double lower_bound = 0; // smallest root bound of the subproblems not yet finished
  bool found = false;
};

struct SearchOptions {
  Objective objective = Objective::Energy;
  Mode mode = Mode::Hcl; // Timeloop or Hcl (Interstellar has its own search: search_interstellar.h)
  SpaceOptions space;
  int threads = 1;
  // A budget: once it is used up and a mapping was found, the search stops (0 = none).
  double time_limit_s = 0;
  // A hard stop (the caller's deadline or Ctrl-C): the search returns within milliseconds,
  // with or without a mapping, not proven optimal.
  StopToken stop;
  // Look only for mappings whose objective is strictly below this (padding.cpp passes the
  // best of the padded variants searched so far); nothing found = nothing beats it.
  double beat = std::numeric_limits<double>::infinity();
  // Resuming an earlier, time-limited run (network_schedule.cpp): that run found a mapping
  // of objective `beat` and reported lower_bound `resume_below`, so every subproblem whose
  // root bound is below it was searched to completion there (or cut) with an incumbent no
  // better than `beat`. Those subproblems are skipped. 0 = none. Ignored by padded searches
  // (their lower bound is over all variants) and when a time limit stops root bounding.
  double resume_below = 0;
  // When set, complete mappings it rejects are not in the space (padding.cpp: a padded
  // mapping's outermost step must be needed). Called from every search thread.
  std::function<bool(const Mapping &)> admit;
  // Called now and then (at most every 0.2 s) from one search thread at a time.
  std::function<void(const SearchProgress &)> progress;
  // Network searches (schedule_network, and allocate through it) reuse the proofs it keeps
  // and keep their own (network_schedule.h); nullptr = none. Not part of a search's inputs.
  SearchCache *cache = nullptr;
};

struct SearchResult {
  bool found = false; // false: no mapping of the space fits the architecture
  Mapping mapping;
  Evaluation evaluation;
  double objective = 0;
  double lower_bound = 0;
  bool optimal = false;
  double gap = 0;
  SearchStats stats;
  bool interrupted = false; // stopped by the interrupt flag of SearchOptions::stop
  // The bounds the mapping's factors multiply to: the problem's own, or padded ones when
  // SpaceOptions::max_pad > 0 and padding won (padding.h; `evaluation` follows its reporting
  // rule then).
  std::vector<std::int64_t> bounds;
};

// With options.space.max_pad > 0 the space includes padded bounds (padding.h).
SearchResult search(const Problem &problem, const Arch &arch, const SearchOptions &options);

// A value no mapping of `problem` on `arch` beats: every MAC's energy plus each used element
// crossing the backing store once, and ceil(MACs / PEs) cycles (docs/cost-model.md, "Bounds
// shown beside a cost"). Used where a search had no time to bound.
double objective_floor(const Problem &problem, const Arch &arch, Objective objective);

// The attainable single-buffer bound (Orojenesis; docs/cost-model.md, "Bounds shown beside a
// cost"): the least backing-store traffic (words read + updated) of any tiling through one
// buffer of `buffer_words` words, found with search() on a two-level hierarchy (backing store
// + that buffer, no bypass). When `time_limit_s` stops it, the search's lower bound is
// returned, so the value is always a lower bound (0 when `stop` ends it before any
// mapping). `arch_on_chip_words` gives the usual S: all
// on-chip capacity of an architecture (size x instances over every level but the backing
// store).
double single_buffer_traffic_bound(const Problem &problem, std::int64_t buffer_words,
                                   double time_limit_s = 2.0, const StopToken &stop = {});
std::int64_t arch_on_chip_words(const Arch &arch);

} // namespace hcl::sched
