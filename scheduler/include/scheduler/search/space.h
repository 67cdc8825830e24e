// The search space of the auto-scheduler for one layer on one architecture, defined precisely
// so that the branch-and-bound search (search.h) and an independent brute-force enumerator
// (tests) cover exactly the same mappings. A mapping is in the space when:
// - spatial: every level with a mesh below it puts 0..max_dims_per_axis loops on each axis,
//   each over a different dimension (a dimension appears at most once per level, on one axis),
//   every factor > 1 and the product of an axis at most its mesh side; two loops on one axis is
//   replication. With `unroll_dims` set, only those dimensions may be unrolled; the product of
//   all spatial factors is at least min_utilization x PEs; with dataflow_x/y set, every mesh's
//   X (Y) axis includes a loop over that dimension;
// - temporal: every level gets one factor per dimension (1 = no loop), and per dimension the
//   temporal and spatial factors of all levels multiply to the bound exactly (with
//   `max_pad` > 0, padding.h first enlarges some bounds; each padded problem is its own space);
// - order: any permutation of a level's loops with factor > 1 (the search visits one
//   representative per class of permutations that give identical counts: order_classes);
// - bypass: with `bypass` set every level but the backing store keeps any subset of the
//   tensors the architecture lets it keep; otherwise it keeps all of them;
// - every tile fits its level (validate.h's capacity rule: half the size when double
//   buffered), and fixed/maximum factors, permutations, spatial splits and keeps from
//   `constraints` hold.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// Constraints on one level, as Timeloop's mapper takes them from an architecture's
// `constraints:` (NVlabs/timeloop src/mapping/constraints.cpp, src/mapspaces/uber.cpp and
// subspaces.cpp): fixed and maximum factors, the loop permutation, the spatial X/Y split and
// dataspace keep/bypass.
struct LevelConstraint {
  std::array<std::int64_t, kMaxDims> temporal{}; // 0 = free, else the fixed temporal factor
  std::array<std::int64_t, kMaxDims> spatial{};  // 0 = free, else the fixed spatial factor
  // Timeloop's "D<=n": 0 = no maximum, else the level's factor along D is at most n.
  std::array<std::int64_t, kMaxDims> temporal_max{};
  std::array<std::int64_t, kMaxDims> spatial_max{};
  // Dimensions that must be innermost at this level in this order (innermost first); loops
  // not listed come outside them. Empty = any order.
  std::vector<int> permutation;
  // The spatial loop order and X/Y split point. Timeloop lays a spatial level's dimensions
  // out in one sequence and sends the first `split` to X and the rest to Y. With a split given
  // the sequence is [listed dims][the others, any order]; without one it is [unit-factor dims]
  // [listed non-unit dims][other non-unit dims, any order] and every split point is tried, so
  // X holds a prefix of the non-unit dims. split = -1: none given. Both empty/-1: any X/Y.
  std::vector<int> spatial_permutation;
  int split = -1;
  std::array<int, kMaxTensors> keep{}; // 0 = free, 1 = must keep, -1 = must bypass
};

struct SpaceOptions {
  int max_dims_per_axis = 2;
  bool bypass = true;
  double min_utilization = 0;   // of the PEs (product of spatial factors / Arch::total_macs())
  std::vector<int> unroll_dims; // fixed dataflow: dims that may be unrolled; empty = any
  // Dataflow "X|Y" in the seed paper's sense: on every mesh, the X axis must unroll dataflow_x
  // and the Y axis dataflow_y (-1 = free); other loops may join them (replication).
  int dataflow_x = -1, dataflow_y = -1;
  std::vector<LevelConstraint> constraints; // per Arch level (innermost first) or empty
  // Imperfect factorization by zero padding (padding.h): a dimension of bound b may also be
  // searched with a bound b' in (b, b * (1 + max_pad)] that padding_candidates() keeps. 0 =
  // off (the default: results of the exact, unpadded space stay what they were).
  double max_pad = 0;
};

// The spatial part of a mapping: per level, loops on X and Y (sorted by dimension).
struct SpatialChoice {
  std::vector<std::vector<Loop>> x, y; // [level]
  std::int64_t pes = 1;                // product of all spatial factors
};

// Every spatial choice of the space, in a deterministic order.
std::vector<SpatialChoice> enumerate_spatial(const Problem &problem, const Arch &arch,
                                             const SpaceOptions &opts);

// Which spatial choices repeat an earlier one for the cost model. The model and its bounds see a
// level's spatial loops only through the product of their factors per dimension (which axis a
// loop is on, and the order of loops on an axis, matter only to validate.h's per-axis fanout
// check, which every enumerated choice passes), so choices with equal products on every level
// cost the same with any temporal loops and keeps. Entry i is true when an earlier choice has
// the same products; X/Y mirror images and replication split differently over the axes are
// such repeats.
std::vector<bool> repeats_earlier_cost(const std::vector<SpatialChoice> &spatial);

// Every keep assignment of the space (one array per level), deterministic order.
std::vector<std::vector<std::array<bool, kMaxTensors>>>
enumerate_keeps(const Problem &problem, const Arch &arch, const SpaceOptions &opts);

// One representative permutation (innermost first) per class of permutations of the dims in
// `dims_mask` that yield the same counts in the closed-form model: the model only sees, per
// tensor, which loops lie inside the first loop relevant to it and, when that loop slides a
// halo and `halo` (credits_halo(mode)) holds, which one it is. Only tensors in `tensor_mask`
// are distinguished (a tensor no level below keeps is not affected by this level's order).
// `fixed` is a permutation constraint. Hcl mode's cycles depend on the same sets only.
std::vector<std::vector<int>> order_classes(const Problem &problem, unsigned dims_mask,
                                            unsigned tensor_mask,
                                            const std::vector<int> &fixed = {}, bool halo = true);

// Dimension `d` slides a halo of tensor `t`: it occurs in a rank with several terms.
bool slides_halo(const Problem &problem, int t, int d);

// The spatial loops of one level may be laid out as `c`'s spatial permutation and split
// require (see LevelConstraint). `x`/`y` hold the level's loops per axis (factors > 1).
bool spatial_split_allowed(const LevelConstraint &c, int num_dims, const std::vector<Loop> &x,
                           const std::vector<Loop> &y);

// The temporal part of `constraints` (fixed and maximum factors, permutation) holds for
// `mapping`; the spatial and keep parts are built into enumerate_spatial/enumerate_keeps.
bool temporal_constraints_hold(const Mapping &mapping, const SpaceOptions &opts);

// Timeloop mapper constraints (timeloop_import.h) as per-level constraints. Factor lists are
// "D=n" (fixed; n = 0 or n > bound means the whole bound, as Timeloop reads it) and "D<=n"
// (maximum) tokens; permutations are dimension names (one letter each, or space-separated);
// dataspace constraints give keep (1) / bypass (-1) per tensor. Unknown targets, dimensions or
// token forms throw std::invalid_argument naming them and what would be valid.
std::vector<LevelConstraint> constraints_from_timeloop(const Problem &problem, const Arch &arch,
                                                       const std::vector<TimeloopConstraint> &tc);

} // namespace hcl::sched
