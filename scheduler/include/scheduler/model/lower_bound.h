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
//
// Small inner levels (e.g. per-tensor scratchpads) also force refetches that the compulsory
// count above misses. So for an undecided level k the bound also takes, per tensor alone, the
// fewest fetches any tile of that tensor that fits k (alone: other tensors' tiles only shrink
// what is left) can have, with the remaining temporal factors placed and ordered as that
// tensor likes best: its irrelevant ones below k, one relevant loop sliding right above k and
// every fixed loop outside. Each level's count is a minimum over a superset of the completions,
// so the larger of the two counts is still a lower bound. These minima depend only on the
// remaining factors and are memoized per (level, tensor, remaining relevant factors).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/model/model.h>
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
  // ignored). Precomputes everything that depends on them only, including root_bound().
  void set_skeleton(const Mapping &skeleton);

  // The bound with nothing temporal fixed (bound(m, L) for any m of this skeleton).
  const CostBound &root_bound() const { return root_bound_; }

  // Lower bound over all completions of `m`, whose levels j..L-1 have their temporal loops
  // (factor > 1 only, innermost first) and whose spatial loops and keeps equal the skeleton's;
  // levels below j are ignored. j = L means nothing temporal is fixed. With `free_order_at_j`
  // the order of level j's loops is treated as unknown (each tensor gets its best order),
  // except that `innermost_at_j` >= 0 names the dimension of level j's innermost loop.
  // Once the energy counted so far exceeds `energy_cutoff` (by a relative 1e-12, far above
  // rounding), the computation may stop and return that part with the compute-bound cycles:
  // still a lower bound, and above the cutoff exactly when the full value is, so a caller
  // that cuts at the cutoff decides as it would with the full value.
  CostBound bound(const Mapping &m, int j, bool free_order_at_j = false, int innermost_at_j = -1,
                  double energy_cutoff = std::numeric_limits<double>::infinity());

  const Problem &problem() const { return problem_; }
  const Arch &arch() const { return arch_; }

private:
  struct Walk {
    int slide_dim = -1;
    std::int64_t slide_factor = 1;
    std::int64_t outer = 1;
    // Timeloop mode: a non-trivial irrelevant loop comes first, so nothing slides; the levels
    // from `from` to `slide_level` put their spatial factors into the sliding loop's step
    // (-1: none, the smallest step, as a floor that does not know where the loop is).
    bool blocked = false;
    int from = 0, slide_level = -1;
  };
  // The model's walk over the temporal loops of levels from..L-1 (innermost first, factor-1
  // loops skipped), with `free_level`'s loops in visit_free's order.
  Walk walk(const Mapping &m, int t, int from, int free_level, int pick) const;
  // The loops of the level whose order is free, in an order favourable to a tensor of
  // relevance `rel`: free_first_ innermost (when set), then its irrelevant loops, `pick`, the
  // rest; in Timeloop mode with a pick, the pick before the irrelevant loops (so it slides).
  template <class Visit>
  void visit_free(const std::vector<Loop> &loops, const std::array<bool, kMaxDims> &rel, int pick,
                  Visit &&visit) const {
    for (const auto &l : loops) {
      if (l.dim == free_first_) {
        visit(l);
      }
    }
    const bool pick_first = halo_ && pick >= 0;
    for (int pass = 0; pass < 3; ++pass) {
      const int phase = pick_first && pass < 2 ? 1 - pass : pass; // 0 irrelevant, 1 pick, 2 rest
      for (const auto &l : loops) {
        const bool r = rel[static_cast<std::size_t>(l.dim)];
        if (l.dim != free_first_ && (phase == 0   ? !r
                                     : phase == 1 ? r && l.dim == pick
                                                  : r && l.dim != pick)) {
          visit(l);
        }
      }
    }
  }
  // Level `level`'s temporal loops in their order, or in visit_free's if it is `free_level`.
  template <class Visit>
  void visit_level(const Mapping &m, int level, int free_level,
                   const std::array<bool, kMaxDims> &rel, Visit &&visit, int pick = -1) const {
    const auto &loops = m.levels[static_cast<std::size_t>(level)].temporal;
    if (level == free_level) {
      visit_free(loops, rel, pick, visit);
    } else {
      for (const auto &l : loops) {
        visit(l);
      }
    }
  }
  int free_first_ = -1; // bound()'s innermost_at_j while its order is free, else -1
  std::int64_t fetches_from(int t, const std::int64_t *tile, std::int64_t words,
                            const Walk &w) const;
  std::int64_t free_order_fetches(const Mapping &m, int t, const std::int64_t *tile,
                                  std::int64_t words, int from, int free_level) const;
  // Fewest fetches of t at the undecided level k over every tile of t that fits k and has a
  // remaining relevant temporal loop above it, divided by the fixed loops' product (they all
  // sit outside that loop). `rem` = remaining temporal factors per dimension. -1: no such tile.
  std::int64_t refetch_floor(int k, int t, const std::array<std::int64_t, kMaxDims> &rem);
  // Fewest fetches of t at the undecided level k (< j - 1) over all completions, 0 if none fits.
  // `largest_tile` gets the most words a tile of t at k can have in a valid completion.
  std::int64_t refetch_bound(const Mapping &m, int t, int k, int j, int free_level,
                             const std::array<std::int64_t, kMaxDims> &rem,
                             std::int64_t fixed_product, std::int64_t &largest_tile);

  // The steps of bound(), on one node's state (lower_bound.cpp).
  struct Node;
  void fix_loops(const Mapping &m, Node &n) const;
  void known_tiles(const Mapping &m, Node &n) const;
  std::int64_t latch_of(const Mapping &m, int t, const Node &n) const;
  std::int64_t irrelevant_outside(const Mapping &m, int t, const Node &n) const;
  std::int64_t known_fetches(const Mapping &m, int t, int i, std::int64_t words,
                             const Node &n) const;
  double tensor_counts(const Mapping &m, int t, Node &n);
  void count_parent_reads(int t, int child, int i, Node &n) const;
  std::int64_t hcl_cycles(const Mapping &m, const Node &n) const;
  std::int64_t transfer_cycles_bound(int t, int i, std::int64_t positions, const Node &n,
                                     std::int64_t &brought) const;
  std::int64_t bandwidth_cycles(const Node &n) const;
  double node_energy(const Node &n, std::int64_t cycles) const;
  double node_coupling(const Node &n);

  struct FloorKey {
    std::array<std::int64_t, kMaxDims> rem{}; // relevant dimensions only, others 1
    int sig = 0; // what the tile space of (level, tensor) depends on in the skeleton
    bool operator==(const FloorKey &o) const { return sig == o.sig && rem == o.rem; }
  };
  struct FloorHash {
    std::size_t operator()(const FloorKey &k) const noexcept;
  };

  Problem problem_;
  Arch arch_;
  Mode mode_;
  bool halo_ = true; // credits_halo(mode_)
  // Per tensor: read-write, and its tiles partition every region (each rank one dimension with
  // coefficient +-1, no dimension in two ranks), so distinct = words x tile positions.
  std::array<bool, kMaxTensors> partitions_{};
  int L_ = 0, D_ = 0, T_ = 0;
  std::vector<std::array<bool, kMaxTensors>> keep_;         // [level], backing store keeps all
  std::vector<std::array<std::int64_t, kMaxDims>> spatial_; // [level][dim]
  // Dimensions the read-write tensor depends on (all when there is none): a PE row (model.cpp).
  std::array<bool, kMaxDims> rw_rel_{};
  std::vector<std::array<std::int64_t, kMaxTensors>> lanes_; // [level][tensor], set_lanes()
  void set_lanes();
  // The steps of set_skeleton() before set_lanes(), in order.
  void set_spatial_and_keeps(const Mapping &skeleton);
  void set_regions();
  std::int64_t used_in(const std::array<std::int64_t, kMaxDims> &region, int t);
  void set_mac_reads();
  void set_rooms();
  std::int64_t port_words_ = 1;        // hcl mode: machine_port_words(arch_)
  std::vector<std::int64_t> sp_total_; // [level]
  std::vector<std::int64_t> uinst_;    // [level]
  std::vector<std::array<std::int64_t, kMaxTensors>> distinct_, used_; // [level][tensor]
  std::array<std::int64_t, kMaxTensors> mac_reads_{};    // before latching, at the innermost keeper
  std::array<std::int64_t, kMaxTensors> irr_temporal_{}; // product of irrelevant temporal factors
  std::array<std::array<bool, kMaxDims>, kMaxTensors> rel_{};
  std::vector<double> leak_pj_per_cycle_; // [level], all instances
  double leak_total_pj_per_cycle_ = 0;
  bool nonnegative_energies_ = true; // else no early stop: a partial sum bounds nothing
  std::vector<int> tensor_order_;    // the costliest first (set_skeleton), for early stops
  std::array<double, kMaxTensors> tensor_energy_{};
  bool record_energies_ = false;
  CostBound root_bound_;
  std::int64_t compute_cycles_ = 0;
  std::int64_t base_cycles_ = 0; // cycles every completion has: compute (+ start, one event)
  std::int64_t macs_ = 0;
  // Per [level][tensor]: words a tile of the tensor alone may use (-1 = unlimited) and the id
  // of (level, tensor, that limit, spatial factors at or below the level): memo entries stay
  // valid across skeletons with the same id.
  std::vector<std::array<std::int64_t, kMaxTensors>> room_;
  std::vector<std::array<int, kMaxTensors>> sig_;
  std::vector<std::array<std::int64_t, kMaxDims>> sp_below_; // [level][dim], levels <= it
  std::array<std::int64_t, kMaxDims> rem0_{}; // temporal factors of each dimension, all levels
  // Coupling at the root (see lower_bound.cpp, coupling()): level K keeping w with a small
  // room, and the other two tensors a, b with their keepers at or below K.
  struct Couple {
    int K = 0, w = 0, a = 0, b = 0, sig = 0;
    std::vector<int> keep_a, keep_b; // their keeper levels <= K, innermost first
  };
  std::vector<Couple> couples_;
  void set_couples();         // from the skeleton's keeps, rooms and spatial factors
  int couple_min_level_ = 64; // smallest K among couples_
  // What bound() computed at a node, for coupling(): per [level][tensor] counts, per tensor
  // the irrelevant fixed loops outside its first relevant one, the node's j and the product
  // of its fixed temporal factors.
  struct NodeCounts {
    std::array<std::array<std::int64_t, kMaxTensors>, 64> fetches, fills, reads, updates;
    std::array<std::int64_t, kMaxTensors> irr_outside{};
    int j = 0;
    std::int64_t fixed_product = 1;
  };
  // Energy to add to the bound of a node (remaining factors `rem`) for the coupling; >= 0.
  double coupling(const std::array<std::int64_t, kMaxDims> &rem, const NodeCounts &counts);
  struct Keeper { // one keeper of a couple's a or b: see couple_keepers()
    double slope, counted, unit;
  };
  int parent_keeper(int k, int t) const;
  void fetch_slope(int k, int t, const NodeCounts &rc, double &slope, double &slack) const;
  double couple_keepers(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem,
                        const NodeCounts &rc, std::array<Keeper, 64> &ka,
                        std::array<Keeper, 64> &kb);
  double couple_excess(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem,
                       const NodeCounts &rc);
  // Entries of a memo table before it is dropped (~100 B each): long searches on big spaces
  // meet millions of distinct keys.
  static constexpr std::size_t kMaxMemo = 1 << 21;
  // Per memo key: every distinct (Irr_a, Irr_b, forced keepers of a, of b) over w's tiles.
  std::unordered_map<FloorKey, std::vector<std::array<std::int64_t, 4>>, FloorHash> couple_memo_;
  const std::vector<std::array<std::int64_t, 4>> &
  couple_tiles(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem);
  std::map<std::vector<std::int64_t>, int> sig_ids_;
  std::map<std::array<std::int64_t, kMaxDims + 1>, std::int64_t> used_memo_; // (region, tensor)
  std::unordered_map<FloorKey, std::int64_t, FloorHash> floor_memo_;
  // The last floor looked up per [level][tensor]: sibling nodes often differ only in
  // dimensions irrelevant to the tensor, and the hash lookup dominated the bound.
  struct LastFloor {
    FloorKey key;
    std::int64_t value = 0;
    bool valid = false;
  };
  std::vector<std::array<LastFloor, kMaxTensors>> last_floor_;
};

// Distinct elements of `tensor` touched by iterating every dimension d over [0, extent[d]):
// unlike Problem::footprint (a bounding box), strided accesses leave gaps uncounted.
std::int64_t used_elements(const Problem &problem, int tensor, const std::int64_t *extent);

} // namespace hcl::sched
