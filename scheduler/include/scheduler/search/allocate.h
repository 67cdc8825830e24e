// Resource allocation: choose the size of on-chip levels from candidate lists, under an area
// budget (area.h), together with the schedules, minimizing the objective. One size set serves
// every layer of a network (the configurable-accelerator flow of the seed paper): the
// objective is the network's sum over layers of repeat x the layer's objective (total energy,
// total cycles, or the sum of per-layer energy x delay).
//
// Exact: every combination of candidate sizes within the budget gets an admissible lower
// bound, the smallest root bound of the search (search.h) summed over the layers; access
// energies and areas are rescaled as `hcl explore memory` does (resize_level, explore.h).
// Combinations are searched in increasing bound, and the allocation stops as soon as the next
// bound cannot beat the best network found. With a time limit, the lower bound is the least of
// the best value, the proven bounds of combinations whose search was stopped, and the bounds of
// combinations not searched, and `gap` = (objective - lower_bound) / objective.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>
#include <scheduler/model/area.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/search/search.h>

namespace hcl::sched {

struct SizeCandidates {
  std::string level;                    // an on-chip level (not the backing store)
  std::vector<std::int64_t> size_bytes; // whole words, at least one
};

// "RF=64B,128B,1KB" -> {"RF", {64, 128, 1024}}: bytes, or with B, K/KB, M/MB (K = 1024), as
// `--sizes` takes them (hcl schedule and hcl explore memory). Throws std::invalid_argument
// quoting the bad part and the valid form.
SizeCandidates parse_size_candidates(const std::string &spec);

// "RF=64 B, Buffer=1024 B": one size per level, as messages and tables print them.
std::string sizes_text(const std::vector<std::string> &levels,
                       const std::vector<std::int64_t> &size_bytes);

struct AllocationOptions {
  std::vector<SizeCandidates> sizes; // may be empty: then only the budget is checked
  double max_area_um2 = 0;           // 0 = no budget
};

struct AllocationPoint {
  std::vector<std::int64_t> size_bytes; // one per AllocationOptions::sizes entry
  double area_um2 = 0;                  // 0 when the arch has no area model
  bool within_budget = true;
  double lower_bound = 0; // root bound of the network objective (infinity: nothing fits)
  bool searched = false;
  bool out_of_time = false; // not searched: the time limit ran out first (its bound counts)
  bool found = false;       // the search found a schedule for every layer
  double objective = 0;     // when found
  bool optimal = false;     // the search proved every layer
};

struct AllocationResult {
  bool found = false; // some combination within the budget schedules every layer
  std::vector<std::string> levels;
  std::vector<std::int64_t> size_bytes; // the chosen size of each level
  Arch arch;                            // resized to the chosen sizes
  double area_um2 = 0, max_area_um2 = 0;
  NetworkSchedule schedule; // of the chosen sizes
  double objective = 0, lower_bound = 0, gap = 0;
  bool optimal = false;
  std::vector<AllocationPoint> points; // every combination, in the order of `sizes` (row-major)
  // pruned: cut by their bound; out_of_time: left when the time limit ran out.
  std::int64_t within_budget = 0, searched = 0, pruned = 0, out_of_time = 0;
  double seconds = 0;
};

// Throws std::invalid_argument for an unknown or repeated level, the backing store, an empty
// list, a size that is not a whole number of words, or a budget on an arch without an area
// model. `on_point` is called after each combination's search.
AllocationResult allocate(const Network &network, const Arch &arch,
                          const AllocationOptions &allocation, const SearchOptions &options,
                          const std::function<void(const AllocationPoint &)> &on_point = {});

// The network objective: sum over layers of repeat x objective_value (0 if a layer has none).
double network_objective(const NetworkSchedule &schedule, Objective objective);

// The smallest root bound of search()'s subproblems (over every padded variant when
// options.space.max_pad > 0): no mapping of the space beats it. Infinity when the space has no
// subproblem.
double root_lower_bound(const Problem &problem, const Arch &arch, const SearchOptions &options);

// {"levels": [...], "size_bytes": [...], "area_um2", "max_area_um2", "objective_value",
//  "lower_bound", "optimal", "gap", "within_budget", "searched", "pruned", "out_of_time",
//  "area": {area.h}, "points": [{"size_bytes", "area_um2", "within_budget", "lower_bound",
//  "searched", "out_of_time", "objective_value"?, "optimal"}]}
nlohmann::json allocation_json(const AllocationResult &result);

} // namespace hcl::sched
