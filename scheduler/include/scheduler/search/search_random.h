// Random sampling of the search space (space.h), like Timeloop's default random mapper: each
// sample takes a uniform spatial choice and keep set, sends every prime factor of what is left
// of a dimension to a uniformly chosen level, and shuffles each level's loops; samples that
// break a capacity, constraint or validity rule are dropped. It stops after `patience`
// consecutive valid samples without improvement (Timeloop's victory condition) or after
// `max_samples`. Deterministic for a given seed.
//
// Used as the baseline of bench/search_resnet50.cpp and, with a fixed seed, to give the exact
// search (search.h) a good first incumbent so it prunes from the start.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/model/model.h>
#include <scheduler/problem.h>
#include <scheduler/search/search.h>
#include <scheduler/search/space.h>
#include <scheduler/stop.h>

namespace hcl::sched {

struct RandomSearchOptions {
  Objective objective = Objective::Energy;
  Mode mode = Mode::Hcl;
  SpaceOptions space;
  int patience = 500;
  std::int64_t max_samples = 2'000'000;
  std::uint32_t seed = 1;
  StopToken stop; // ends sampling and climbing early; each returns what it has
};

struct RandomSearchResult {
  bool found = false;
  Mapping mapping;
  double objective = std::numeric_limits<double>::infinity();
  std::int64_t samples = 0, valid = 0;
  double seconds = 0;
};

RandomSearchResult random_search(const Problem &problem, const Arch &arch,
                                 const RandomSearchOptions &options);

// The same, over precomputed spatial and keep choices (what search() already has).
RandomSearchResult
random_search(const Problem &problem, const Arch &arch, const RandomSearchOptions &options,
              const std::vector<SpatialChoice> &spatial,
              const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps);

// Hill climbing from `start` (a valid mapping with one of `spatial` and `keeps`): repeatedly
// moves to the first better neighbour until none is better or `max_evaluations` is spent.
// Neighbours: one prime factor of a temporal loop moved to another level (as its innermost or
// outermost loop) or between a level's temporal loops and its spatial axes, two loops of a
// level swapped, another keep assignment. A neighbour counts only when its spatial loops are
// one of `spatial` and it passes the checks of a random sample (validate.h, constraints), so
// the result stays in the space. Deterministic.
struct LocalSearchResult {
  Mapping mapping;
  double objective = std::numeric_limits<double>::infinity();
  std::int64_t evaluations = 0;
};
LocalSearchResult local_search(const Problem &problem, const Arch &arch,
                               const RandomSearchOptions &options, const Mapping &start,
                               const std::vector<SpatialChoice> &spatial,
                               const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps,
                               std::int64_t max_evaluations = 50'000,
                               const std::function<bool()> &give_up = {});

// The exact search's first incumbents (search.h): `restarts` short seeded random samplings
// (seed i + 1 for start i, options.patience, 20,000 samples at most), each one's best polished
// by local_search. Every odd start i samples inside the (spatial, keep) index pair
// preferred[i / 2] when there is one (falling back to the whole space if 2,000 samples find
// nothing valid there). Runs on `threads` threads; the result, one entry per start in seed
// order, does not depend on them. Starts after the first one that finds nothing are left
// empty. Once `stop()` is true and some start has finished, no new start begins;
// running climbs then end where they are.
struct IncumbentStart {
  RandomSearchResult random;
  LocalSearchResult local;
};
std::vector<IncumbentStart>
incumbent_starts(const Problem &problem, const Arch &arch, const RandomSearchOptions &options,
                 const std::vector<SpatialChoice> &spatial,
                 const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps,
                 const std::vector<std::pair<std::size_t, std::size_t>> &preferred,
                 std::size_t restarts, int threads, const std::function<bool()> &stop);

} // namespace hcl::sched
