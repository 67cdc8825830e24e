// Admissible lower bounds on the closed-form model (model.h) for partially fixed mappings, the
// pruning rule of the branch-and-bound search (search.h).
//
// The search fixes a mapping from the outside in: first the spatial loops and keep sets of all
// levels (the "skeleton"), then the temporal loops and order of the backing store, of the level
// below it, and so on. With levels j..L-1 fixed, the tile of every level k >= j-1 is known and
// so is how often it is fetched (that depends only on the loops above it); those counts are
// exact. For a level k < j-1 the fetch count is at least used(k) x Irr, where used(k) is the
// number of tensor elements the level's whole region (bound / spatial factors above) actually
// touches and Irr the product of the loops irrelevant to the tensor that lie outside the first
// relevant loop of the fixed nest: those loops stay outside whatever the inner levels do, and
// every sweep of the relevant ones touches every used element at least once. Reads at a parent
// grow with its child's fetches, MAC-side reads shrink with operand latching (bounded by the
// product of all irrelevant temporal factors) and every energy and cycle term is monotone in
// the counts, so putting these bounds through the model's own formulas gives a lower bound.
// With every level fixed the bound IS the model's value (bit for bit).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/evaluation.h>
#include <scheduler/mapping.h>
#include <scheduler/model.h>
#include <scheduler/problem.h>

namespace hcl::sched {

struct CostBound {
  double energy_pj = 0;
  std::int64_t cycles = 0;
};

class BoundModel {
public:
  BoundModel(const Problem &problem, const Arch &arch, Mode mode);

  // Fixes the spatial loops and keep sets, taken from `skeleton` (its temporal loops are
  // ignored). Precomputes everything that depends on them only.
  void set_skeleton(const Mapping &skeleton);

  // Lower bound over all completions of `m`, whose levels j..L-1 have their temporal loops
  // (factor > 1 only, innermost first) and whose spatial loops and keeps equal the skeleton's;
  // levels below j are ignored. j = L means nothing temporal is fixed. With `free_order_at_j`
  // the order of level j's loops is treated as unknown (each tensor gets its best order).
  CostBound bound(const Mapping &m, int j, bool free_order_at_j = false);

  const Problem &problem() const { return problem_; }
  const Arch &arch() const { return arch_; }

private:
  struct Walk {
    int slide_dim = -1;
    std::int64_t slide_factor = 1;
    std::int64_t outer = 1;
  };
  Walk walk(const Mapping &m, int t, int from, int free_level, int pick) const;
  std::int64_t fetches_from(int t, const std::int64_t *tile, std::int64_t words,
                            const Walk &w) const;

  Problem problem_;
  Arch arch_;
  Mode mode_;
  int L_ = 0, D_ = 0, T_ = 0;
  std::vector<std::array<bool, kMaxTensors>> keep_;  // [level], backing store keeps all
  std::vector<std::array<std::int64_t, kMaxDims>> spatial_; // [level][dim]
  std::vector<std::int64_t> sp_total_;                   // [level]
  std::vector<std::int64_t> uinst_;                      // [level]
  std::vector<std::array<std::int64_t, kMaxTensors>> distinct_, used_; // [level][tensor]
  std::array<std::int64_t, kMaxTensors> mac_reads_{};    // before latching, at the innermost keeper
  std::array<std::int64_t, kMaxTensors> irr_temporal_{}; // product of irrelevant temporal factors
  std::array<std::array<bool, kMaxDims>, kMaxTensors> rel_{};
  std::int64_t compute_cycles_ = 0;
  std::int64_t macs_ = 0;
};

// Distinct elements of `tensor` touched by iterating every dimension d over [0, extent[d]):
// unlike Problem::footprint (a bounding box), strided accesses leave gaps uncounted.
std::int64_t used_elements(const Problem &problem, int tensor, const std::int64_t *extent);

} // namespace hcl::sched
