#include <scheduler/model/lower_bound.h>

#include "access_rounding.h"
#include "machine_cycles.h"

#include <scheduler/search/factorize.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace hcl::sched {

namespace {

using detail::access_energy;
using detail::ceil_div;
using detail::ceil_words;

} // namespace

std::int64_t used_elements(const Problem &problem, int tensor, const std::int64_t *extent) {
  const auto &proj = problem.tensors[static_cast<std::size_t>(tensor)].projection;
  std::int64_t product = 1, largest = 1;
  unsigned seen = 0;
  bool disjoint = true;
  for (const auto &rank : proj) {
    std::int64_t values = 1;
    if (rank.size() == 1) {
      values = rank[0].coef == 0 ? 1 : extent[rank[0].dim];
    } else if (!rank.empty()) {
      // Count the distinct values of sum(coef * x) exactly on a bitmap over its span.
      std::int64_t lo = 0, hi = 0, combos = 1;
      for (const auto &term : rank) {
        const std::int64_t reach = term.coef * (extent[term.dim] - 1);
        (reach < 0 ? lo : hi) += reach;
        combos *= extent[term.dim];
      }
      if (combos <= (1 << 20) && hi - lo < (1 << 24)) {
        std::vector<char> hit(static_cast<std::size_t>(hi - lo + 1), 0);
        std::vector<std::int64_t> idx(rank.size(), 0);
        for (std::int64_t n = 0; n < combos; ++n) {
          std::int64_t v = -lo;
          for (std::size_t r = 0; r < rank.size(); ++r) {
            v += rank[r].coef * idx[r];
          }
          hit[static_cast<std::size_t>(v)] = 1;
          for (std::size_t r = 0; r < rank.size(); ++r) {
            if (++idx[r] < extent[rank[r].dim]) {
              break;
            }
            idx[r] = 0;
          }
        }
        values = std::count(hit.begin(), hit.end(), 1);
      } else {
        for (const auto &term : rank) {
          values = std::max(values, term.coef == 0 ? 1 : extent[term.dim]);
        }
      }
    }
    for (const auto &term : rank) {
      if ((seen >> term.dim) & 1U) {
        disjoint = false;
      }
    }
    for (const auto &term : rank) {
      seen |= 1U << term.dim;
    }
    product *= values;
    largest = std::max(largest, values);
  }
  // Ranks over shared dimensions do not form a product; any one rank still bounds the count.
  return disjoint ? product : largest;
}

BoundModel::BoundModel(const Problem &problem, const Arch &arch, Mode mode)
    : problem_(problem), arch_(arch), mode_(mode), halo_(credits_halo(mode)) {
  L_ = static_cast<int>(arch_.levels.size());
  D_ = static_cast<int>(problem_.dim_names.size());
  T_ = static_cast<int>(problem_.tensors.size());
  if (L_ < 1 || L_ > 64 || D_ < 1 || D_ > kMaxDims || T_ < 1 || T_ > kMaxTensors) {
    throw std::invalid_argument("BoundModel: problem or arch outside the model's limits");
  }
  int rw = -1;
  for (int t = 0; t < T_ && rw < 0; ++t) {
    rw = problem_.tensors[static_cast<std::size_t>(t)].read_write ? t : -1;
  }
  for (int d = 0; d < D_; ++d) {
    rw_rel_[static_cast<std::size_t>(d)] = rw < 0 || problem_.relevant(rw, d);
  }
  for (int t = 0; t < T_; ++t) {
    for (int d = 0; d < D_; ++d) {
      rel_[static_cast<std::size_t>(t)][static_cast<std::size_t>(d)] = problem_.relevant(t, d);
    }
    const TensorSpec &ts = problem_.tensors[static_cast<std::size_t>(t)];
    bool part = ts.read_write;
    unsigned seen = 0;
    for (const auto &rank : ts.projection) {
      part = part && rank.size() == 1 && (rank[0].coef == 1 || rank[0].coef == -1) &&
             !((seen >> rank[0].dim) & 1U);
      if (rank.size() == 1) {
        seen |= 1U << rank[0].dim;
      }
    }
    partitions_[static_cast<std::size_t>(t)] = part;
  }
  macs_ = problem_.macs();
  last_floor_.assign(static_cast<std::size_t>(L_), {});
  nonnegative_energies_ = arch_.mac_energy_pj >= 0;
  for (const Level &lv : arch_.levels) {
    nonnegative_energies_ = nonnegative_energies_ && lv.read_energy_pj >= 0 &&
                            lv.write_energy_pj >= 0 && lv.update_energy_pj >= 0 &&
                            lv.leak_energy_pj >= 0;
  }
  for (int i = 0; i < L_; ++i) {
    leak_pj_per_cycle_.push_back(arch_.levels[static_cast<std::size_t>(i)].leak_energy_pj *
                                 static_cast<double>(arch_.instances(i)));
    leak_total_pj_per_cycle_ += leak_pj_per_cycle_.back();
  }
}

// Hcl mode's memory-port lanes of each keeper's transfers, as the model counts them
// (model.cpp, beats_): a per-PE store below a fan-out loads a row of PEs (the relevant spatial
// factors up to its parent of the dimensions the partial sums depend on), a buffer moves one
// word per bank (its relevant spatial factors at or below it). Fixed by the skeleton.
void BoundModel::set_lanes() {
  lanes_.assign(static_cast<std::size_t>(L_), {});
  for (int t = 0; t < T_; ++t) {
    const auto tu = static_cast<std::size_t>(t);
    const auto &rel = rel_[tu];
    int child = -1;
    for (int i = 0; i < L_; ++i) {
      if (!keep_[static_cast<std::size_t>(i)][tu]) {
        continue;
      }
      if (child >= 0) {
        std::int64_t relsp = 1, row = 1, inside = 1;
        for (int d = 0; d < D_; ++d) {
          const auto du = static_cast<std::size_t>(d);
          if (!rel[du]) {
            continue;
          }
          for (int k = child + 1; k <= i; ++k) {
            const std::int64_t f = spatial_[static_cast<std::size_t>(k)][du];
            relsp *= f;
            row *= rw_rel_[du] ? f : 1;
          }
          inside *= sp_below_[static_cast<std::size_t>(child)][du];
        }
        lanes_[static_cast<std::size_t>(child)][tu] = relsp > 1 ? row : inside;
      }
      child = i;
    }
  }
}

void BoundModel::set_skeleton(const Mapping &sk) {
  set_spatial_and_keeps(sk);
  set_regions();
  set_mac_reads();
  set_rooms();
  set_lanes();
  set_couples();
  // Cut bounds stop sooner with the tensors that cost most first: order them by their energy
  // in this skeleton's root bound.
  tensor_order_.resize(static_cast<std::size_t>(T_));
  std::iota(tensor_order_.begin(), tensor_order_.end(), 0);
  tensor_energy_.fill(0);
  record_energies_ = true;
  root_bound_ = bound(sk, L_);
  record_energies_ = false;
  std::stable_sort(tensor_order_.begin(), tensor_order_.end(), [&](int a, int b) {
    return tensor_energy_[static_cast<std::size_t>(a)] >
           tensor_energy_[static_cast<std::size_t>(b)];
  });
}

// The skeleton's spatial factors and keeps, the utilized instances and the compute cycles.
void BoundModel::set_spatial_and_keeps(const Mapping &sk) {
  const auto L = static_cast<std::size_t>(L_);
  keep_.assign(L, {});
  spatial_.assign(L, {});
  port_words_ = machine_port_words(arch_);
  sp_total_.assign(L, 1);
  uinst_.assign(L, 1);
  for (std::size_t i = 0; i < L; ++i) {
    spatial_[i].fill(1);
    for (const auto *loops : {&sk.levels[i].spatial_x, &sk.levels[i].spatial_y}) {
      for (const auto &l : *loops) {
        spatial_[i][static_cast<std::size_t>(l.dim)] *= l.factor;
        sp_total_[i] *= l.factor;
      }
    }
    for (int t = 0; t < T_; ++t) {
      const auto tu = static_cast<std::size_t>(t);
      keep_[i][tu] = i == L - 1 || (arch_.levels[i].keeps[tu] && sk.levels[i].keep[tu]);
    }
  }
  for (int i = L_ - 2; i >= 0; --i) {
    const auto iu = static_cast<std::size_t>(i);
    uinst_[iu] = uinst_[iu + 1] * sp_total_[iu + 1];
  }
  const std::int64_t used_macs = uinst_[0] * sp_total_[0];
  compute_cycles_ = ceil_div(macs_, used_macs);
  base_cycles_ = mode_ == Mode::Hcl ? arch_.machine.start + arch_.machine.drain + compute_cycles_
                                    : compute_cycles_;
}

// Per level: the region one instance covers (bounds over the spatial factors above), and the
// distinct and used elements of each tensor in it.
void BoundModel::set_regions() {
  const auto L = static_cast<std::size_t>(L_);
  distinct_.assign(L, {});
  used_.assign(L, {});
  for (int i = 0; i < L_; ++i) {
    std::array<std::int64_t, kMaxDims> region{};
    region.fill(1);
    for (int d = 0; d < D_; ++d) {
      std::int64_t above = 1;
      for (int j = i + 1; j < L_; ++j) {
        above *= spatial_[static_cast<std::size_t>(j)][static_cast<std::size_t>(d)];
      }
      region[static_cast<std::size_t>(d)] = problem_.bounds[static_cast<std::size_t>(d)] / above;
    }
    for (int t = 0; t < T_; ++t) {
      distinct_[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] =
          problem_.footprint(t, region.data());
      used_[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] = used_in(region, t);
    }
  }
}

// Many skeletons share regions; counting used elements walks a bitmap, so it is memoized.
std::int64_t BoundModel::used_in(const std::array<std::int64_t, kMaxDims> &region, int t) {
  std::array<std::int64_t, kMaxDims + 1> key{};
  std::copy(region.begin(), region.end(), key.begin());
  key[kMaxDims] = t;
  auto it = used_memo_.find(key);
  if (it == used_memo_.end()) {
    if (used_memo_.size() >= kMaxMemo) {
      used_memo_.clear();
    }
    it = used_memo_.emplace(key, used_elements(problem_, t, region.data())).first;
  }
  return it->second;
}

// Per tensor: the reads at its innermost keeper before latching (MACs over the instances and
// the irrelevant spatial factors up to it), and the product of its irrelevant temporal factors.
void BoundModel::set_mac_reads() {
  for (int t = 0; t < T_; ++t) {
    const auto tu = static_cast<std::size_t>(t);
    int c0 = 0;
    while (!keep_[static_cast<std::size_t>(c0)][tu]) {
      ++c0;
    }
    std::int64_t irrsp = 1;
    for (int j = 0; j <= c0; ++j) {
      for (int d = 0; d < D_; ++d) {
        if (!rel_[tu][static_cast<std::size_t>(d)]) {
          irrsp *= spatial_[static_cast<std::size_t>(j)][static_cast<std::size_t>(d)];
        }
      }
    }
    mac_reads_[tu] = macs_ / uinst_[static_cast<std::size_t>(c0)] / irrsp;
    std::int64_t irr = 1;
    for (int d = 0; d < D_; ++d) {
      if (!rel_[tu][static_cast<std::size_t>(d)]) {
        std::int64_t sp = 1;
        for (int j = 0; j < L_; ++j) {
          sp *= spatial_[static_cast<std::size_t>(j)][static_cast<std::size_t>(d)];
        }
        irr *= problem_.bounds[static_cast<std::size_t>(d)] / sp;
      }
    }
    irr_temporal_[tu] = irr;
  }
}

// Per level: spatial factors at or below it, each tensor's room and its memo signature, and
// the temporal factors of each dimension over all levels.
void BoundModel::set_rooms() {
  const auto L = static_cast<std::size_t>(L_);
  sp_below_.assign(L, {});
  room_.assign(L, {});
  sig_.assign(L, {});
  for (int i = 0; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      sp_below_[iu][du] = (i > 0 ? sp_below_[iu - 1][du] : 1) * spatial_[iu][du];
    }
    const Level &lv = arch_.levels[iu];
    int kept = 0;
    for (int t = 0; t < T_; ++t) {
      kept += keep_[iu][static_cast<std::size_t>(t)] ? 1 : 0;
    }
    for (int t = 0; t < T_; ++t) {
      const auto tu = static_cast<std::size_t>(t);
      // Every other kept tensor's tile takes at least one word.
      room_[iu][tu] = lv.size_words <= 0
                          ? -1
                          : (lv.double_buffered ? lv.size_words / 2 : lv.size_words) - (kept - 1);
      std::vector<std::int64_t> key{i, t, room_[iu][tu]};
      for (int d = 0; d < D_; ++d) {
        key.push_back(
            rel_[tu][static_cast<std::size_t>(d)] ? sp_below_[iu][static_cast<std::size_t>(d)] : 1);
      }
      sig_[iu][tu] =
          sig_ids_.emplace(std::move(key), static_cast<int>(sig_ids_.size())).first->second;
    }
  }
  rem0_.fill(1);
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    rem0_[du] = problem_.bounds[du] / sp_below_[L - 1][du];
  }
}

BoundModel::Walk BoundModel::walk(const Mapping &m, int t, int from, int free_level,
                                  int pick) const {
  Walk w;
  w.from = from;
  const auto &rel = rel_[static_cast<std::size_t>(t)];
  int level = from;
  bool any = false; // a non-trivial loop seen
  auto visit = [&](const Loop &l) {
    if (l.factor == 1) {
      return;
    }
    if (w.slide_dim >= 0) {
      w.outer *= l.factor;
    } else if (rel[static_cast<std::size_t>(l.dim)]) {
      w.slide_dim = l.dim;
      w.slide_factor = l.factor;
      w.slide_level = level;
      w.blocked = any;
    }
    any = true;
  };
  for (; level < L_; ++level) {
    visit_level(m, level, free_level, rel, visit, pick);
  }
  return w;
}

std::int64_t BoundModel::fetches_from(int t, const std::int64_t *tile, std::int64_t words,
                                      const Walk &w) const {
  if (w.slide_dim < 0) {
    return words;
  }
  if (!halo_ || w.blocked) { // every step of the sliding loop refetches the whole tile
    return w.outer * w.slide_factor * words;
  }
  std::int64_t weight = tile[w.slide_dim];
  for (int l = w.from; l <= w.slide_level; ++l) {
    weight *= spatial_[static_cast<std::size_t>(l)][static_cast<std::size_t>(w.slide_dim)];
  }
  std::int64_t overlap = 1;
  for (const auto &rank : problem_.tensors[static_cast<std::size_t>(t)].projection) {
    std::int64_t span = 1, shift = 0;
    for (const auto &term : rank) {
      const std::int64_t c = term.coef < 0 ? -term.coef : term.coef;
      span += c * (tile[term.dim] - 1);
      if (term.dim == w.slide_dim) {
        shift += c * weight;
      }
    }
    overlap *= std::max<std::int64_t>(0, span - shift);
  }
  return w.outer * (words + (w.slide_factor - 1) * (words - overlap));
}

// bound()'s state at one search node. No member initializers: bound() sets or zeroes only the
// first L_ levels, and zeroing all 64 dominated the bound.
struct BoundModel::Node {
  struct Counts { // one tensor at one level
    std::int64_t reads, fills, updates, words;
    std::int64_t largest;        // unknown tile: the most words it can have
    std::int64_t parent_spatial; // spatial factors relevant to t up to its next keeper
    std::int64_t lanes;          // hcl mode: the memory port's lanes of one transfer
    double energy;
    bool present;
  };
  int j, free_level, known_from;                           // levels >= known_from have known tiles
  std::int64_t fixed_product;                              // the temporal factors of levels >= j
  std::array<std::int64_t, kMaxDims> fixed, rem;           // per dimension: fixed, still to place
  std::array<std::array<std::int64_t, kMaxDims>, 64> tile; // [level][dim]
  std::array<std::array<Counts, kMaxTensors>, 64> counts;  // [level][tensor]
  std::array<std::array<std::int64_t, kMaxTensors>, 64> fetches; // [level][tensor]
  std::array<std::int64_t, kMaxTensors> irr_outside;
};

CostBound BoundModel::bound(const Mapping &m, int j, bool free_order_at_j, int innermost_at_j,
                            double energy_cutoff) {
  // Stopping early returns a partial sum; a margin far above its rounding error keeps every
  // decision of a caller cutting at `energy_cutoff` what the full value would give.
  const double stop_at = nonnegative_energies_ && energy_cutoff > 0
                             ? energy_cutoff * (1 + 1e-12)
                             : std::numeric_limits<double>::infinity();
  Node n;
  n.j = j;
  n.free_level = free_order_at_j ? j : -1;
  n.known_from = std::max(0, j - 1);
  free_first_ = free_order_at_j ? innermost_at_j : -1;
  fix_loops(m, n);
  known_tiles(m, n);
  std::fill_n(n.counts.begin(), L_, std::array<Node::Counts, kMaxTensors>{});
  std::fill_n(n.fetches.begin(), L_, std::array<std::int64_t, kMaxTensors>{});
  n.irr_outside = {};
  // Energy counted so far: MACs and leakage over the compute-bound cycles, then the tensors'.
  double partial = static_cast<double>(macs_) * arch_.mac_energy_pj +
                   leak_total_pj_per_cycle_ * static_cast<double>(base_cycles_);
  for (const int t : tensor_order_) {
    if (partial >= stop_at) {
      return CostBound{partial, base_cycles_};
    }
    partial += tensor_counts(m, t, n);
  }
  CostBound out;
  out.cycles = mode_ == Mode::Hcl ? hcl_cycles(m, n) : bandwidth_cycles(n);
  out.energy_pj = node_energy(n, out.cycles);
  if (j - 2 >= couple_min_level_ && out.energy_pj < stop_at) {
    out.energy_pj += node_coupling(n);
  }
  return out;
}

void BoundModel::fix_loops(const Mapping &m, Node &n) const {
  n.fixed.fill(1);
  n.rem.fill(1);
  n.fixed_product = 1;
  for (int l = n.j; l < L_; ++l) {
    for (const auto &lp : m.levels[static_cast<std::size_t>(l)].temporal) {
      n.fixed[static_cast<std::size_t>(lp.dim)] *= lp.factor;
      n.fixed_product *= lp.factor;
    }
  }
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    n.rem[du] = rem0_[du] / n.fixed[du];
  }
}

// Built upwards by multiplication: dividing the bounds per level dominated the bound.
void BoundModel::known_tiles(const Mapping &m, Node &n) const {
  for (int i = n.known_from; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      n.tile[iu][du] =
          i == n.known_from ? sp_below_[iu][du] * n.rem[du] : n.tile[iu - 1][du] * spatial_[iu][du];
    }
    if (i >= n.j) {
      for (const auto &lp : m.levels[iu].temporal) {
        n.tile[iu][static_cast<std::size_t>(lp.dim)] *= lp.factor;
      }
    }
  }
}

// Latching multiplies the irrelevant loops inside the first relevant one. With nothing fixed
// below the backing store's children (j > 0), the product of all irrelevant temporal factors
// bounds it.
std::int64_t BoundModel::latch_of(const Mapping &m, int t, const Node &n) const {
  const auto tu = static_cast<std::size_t>(t);
  if (sp_total_[0] <= 1) {
    return 1;
  }
  if (n.j != 0) {
    return irr_temporal_[tu];
  }
  const auto &rel = rel_[tu];
  std::int64_t latch = 1;
  bool done = false;
  auto take = [&](const Loop &l) {
    if (done || l.factor == 1) {
      return;
    }
    if (rel[static_cast<std::size_t>(l.dim)]) {
      done = true;
    } else {
      latch *= l.factor;
    }
  };
  for (int lv = 0; lv < L_ && !done; ++lv) {
    visit_level(m, lv, n.free_level, rel, take);
  }
  return latch;
}

// The irrelevant loops outside the first relevant loop of the fixed nest (levels >= j).
std::int64_t BoundModel::irrelevant_outside(const Mapping &m, int t, const Node &n) const {
  const auto &rel = rel_[static_cast<std::size_t>(t)];
  std::int64_t irr = 1;
  bool found = false;
  auto visit = [&](const Loop &l) {
    if (l.factor == 1) {
      return;
    }
    if (found) {
      if (!rel[static_cast<std::size_t>(l.dim)]) {
        irr *= l.factor;
      }
    } else if (rel[static_cast<std::size_t>(l.dim)]) {
      found = true;
    }
  };
  for (int lv = n.j; lv < L_; ++lv) {
    visit_level(m, lv, n.free_level, rel, visit);
  }
  return irr;
}

// Exact on a known tile; where level i's parent is the level whose order is free, the best
// order for t (the relevant loop that slides least).
std::int64_t BoundModel::known_fetches(const Mapping &m, int t, int i, std::int64_t words,
                                       const Node &n) const {
  const std::int64_t *tl = n.tile[static_cast<std::size_t>(i)].data();
  if (i == L_ - 1) {
    return words;
  }
  if (n.free_level < 0 || i != n.free_level - 1) {
    return fetches_from(t, tl, words, walk(m, t, i + 1, -1, -1));
  }
  return free_order_fetches(m, t, tl, words, i + 1, n.free_level);
}

// The fewest fetches of a known tile over the orders of the free level `free_level`, the first
// level above the tile being `from`: each relevant loop of that level sliding first, or (the
// best without a slide, the only choice in hcl mode) its irrelevant loops innermost.
std::int64_t BoundModel::free_order_fetches(const Mapping &m, int t, const std::int64_t *tile,
                                            std::int64_t words, int from, int free_level) const {
  const auto &rel = rel_[static_cast<std::size_t>(t)];
  std::int64_t f = -1;
  for (const auto &l : m.levels[static_cast<std::size_t>(free_level)].temporal) {
    if (l.factor > 1 && rel[static_cast<std::size_t>(l.dim)]) {
      const std::int64_t v = fetches_from(t, tile, words, walk(m, t, from, free_level, l.dim));
      f = f < 0 ? v : std::min(f, v);
    }
  }
  if (f < 0 || halo_) {
    const std::int64_t v = fetches_from(t, tile, words, walk(m, t, from, free_level, -1));
    f = f < 0 ? v : std::min(f, v);
  }
  return f;
}

// Every level's counts of t, innermost keeper first; returns their energy.
double BoundModel::tensor_counts(const Mapping &m, int t, Node &n) {
  const auto tu = static_cast<std::size_t>(t);
  const bool rw = problem_.tensors[tu].read_write;
  const std::int64_t latch = latch_of(m, t, n);
  const std::int64_t irr_outside = n.j < L_ ? irrelevant_outside(m, t, n) : 1;
  n.irr_outside[tu] = irr_outside;
  double energy = 0;
  int child = -1;
  for (int i = 0; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    if (!keep_[iu][tu]) {
      continue;
    }
    const std::int64_t distinct = distinct_[iu][tu];
    Node::Counts &c = n.counts[iu][tu];
    c.present = true;
    c.words = 0;
    c.largest = 0;
    std::int64_t f = 0;
    if (i >= n.known_from) {
      c.words = problem_.footprint(t, n.tile[iu].data());
      f = known_fetches(m, t, i, c.words, n);
    } else {
      f = std::max(used_[iu][tu] * irr_outside, rw ? distinct : std::int64_t{0});
      f = std::max(f, refetch_bound(m, t, i, n.j, n.free_level, n.rem, n.fixed_product, c.largest));
    }
    n.fetches[iu][tu] = f;
    if (i < L_ - 1) {
      c.fills = rw ? f - distinct : f;
    }
    if (child < 0) {
      const std::int64_t reads = mac_reads_[tu] / latch;
      c.updates = rw ? reads : 0;
      c.reads = rw ? reads - distinct : reads;
    } else {
      count_parent_reads(t, child, i, n);
    }
    const Level &lvl = arch_.levels[iu];
    c.energy = static_cast<double>(uinst_[iu]) *
               (access_energy(c.reads, lvl.block_size, lvl.read_energy_pj) +
                access_energy(c.fills, lvl.block_size, lvl.write_energy_pj) +
                access_energy(c.updates, lvl.block_size, lvl.update_energy_pj));
    energy += c.energy;
    if (record_energies_) {
      tensor_energy_[tu] += c.energy;
    }
    child = i;
  }
  return energy;
}

// Level i serves the fetches of t's next keeper below it, `child`, once per relevant spatial
// instance in between.
void BoundModel::count_parent_reads(int t, int child, int i, Node &n) const {
  const auto tu = static_cast<std::size_t>(t), cu = static_cast<std::size_t>(child);
  const auto &rel = rel_[tu];
  std::int64_t relsp = 1;
  for (int k = child + 1; k <= i; ++k) {
    for (int d = 0; d < D_; ++d) {
      if (rel[static_cast<std::size_t>(d)]) {
        relsp *= spatial_[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)];
      }
    }
  }
  const bool rw = problem_.tensors[tu].read_write;
  Node::Counts &below = n.counts[cu][tu];
  Node::Counts &c = n.counts[static_cast<std::size_t>(i)][tu];
  below.lanes = lanes_[cu][tu];
  below.parent_spatial = relsp;
  const std::int64_t cf = n.fetches[cu][tu];
  c.reads = (cf - (rw ? distinct_[cu][tu] : 0)) * relsp;
  if (rw) {
    c.updates = cf * relsp;
  }
}

namespace {

// Beats of transfers of w words in all over `lanes` lanes: at least w x ceil(lanes / port) /
// lanes, exact when they are whole rows.
std::int64_t beats_of_total(std::int64_t w, std::int64_t lanes, std::int64_t port) {
  const std::int64_t per_row = ceil_div(lanes, port);
  return port == 1 ? w : (w / lanes) * per_row + ceil_div((w % lanes) * per_row, lanes);
}

} // namespace

// Hcl mode: the machine's cycles (model.cpp, Evaluator::hcl_cycles) with each pair's tiles
// brought in (B) and filled (F) at their lower bounds: the fetch bound over the tile's words
// where the tile is known, else over the most words it can have, and at least one per tile
// position the fixed loops visit. Every pair's B is a count of events, and with every level
// fixed the largest B is the model's event count, so E is bounded by the largest B.
// A double-buffered level's transfers may hide under the runs (model.cpp, prefetch), so they
// only count where they exceed the runs.
std::int64_t BoundModel::hcl_cycles(const Mapping &m, const Node &n) const {
  const MachineTiming &mt = arch_.machine;
  std::int64_t events = 1, sequential = 0, prefetched = 0;
  for (int t = 0; t < T_; ++t) {
    const auto tu = static_cast<std::size_t>(t);
    std::int64_t positions = 1; // relevant temporal factors above level i, fixed levels only
    for (int i = L_ - 2; i >= 0; --i) {
      const auto iu = static_cast<std::size_t>(i);
      if (i >= n.known_from) {
        for (const auto &lp : m.levels[iu + 1].temporal) {
          if (rel_[tu][static_cast<std::size_t>(lp.dim)]) {
            positions *= lp.factor;
          }
        }
      }
      if (!n.counts[iu][tu].present) {
        continue;
      }
      std::int64_t brought = 0;
      const std::int64_t cycles = transfer_cycles_bound(t, i, positions, n, brought);
      (arch_.levels[iu].double_buffered ? prefetched : sequential) += cycles;
      events = std::max(events, brought);
    }
  }
  return mt.start + sequential + std::max(events * mt.drain + compute_cycles_, prefetched);
}

// A transfer of w words over `lanes` lanes takes ceil(w / lanes) x ceil(lanes / port) beats
// (model.cpp): exact for a known tile; for an unknown one the words of all its transfers give
// at least w x ceil(lanes / port) / lanes. `brought` gets the pair's transfers.
std::int64_t BoundModel::transfer_cycles_bound(int t, int i, std::int64_t positions, const Node &n,
                                               std::int64_t &brought) const {
  const MachineTiming &mt = arch_.machine;
  const auto tu = static_cast<std::size_t>(t), iu = static_cast<std::size_t>(i);
  const bool rw = problem_.tensors[tu].read_write;
  const Node::Counts &c = n.counts[iu][tu];
  const std::int64_t f = n.fetches[iu][tu];
  const std::int64_t port = port_words_;
  if (i >= n.known_from) {
    brought = f / c.words;
    const std::int64_t b = detail::port_beats(c.words * c.parent_spatial, c.lanes, port);
    return pair_transfer_cycles(mt, rw, brought, positions, b);
  }
  const std::int64_t largest = std::max<std::int64_t>(1, c.largest);
  brought = std::max(positions, ceil_div(f, largest));
  if (!rw) {
    return beats_of_total(f * c.parent_spatial, c.lanes, port) + brought * mt.fill_tail;
  }
  // F x P = fills x P / words when the tiles partition the region; else only F >= 0.
  const std::int64_t fills = partitions_[tu] ? std::max<std::int64_t>(0, f - distinct_[iu][tu]) : 0;
  return beats_of_total(fills * c.parent_spatial, c.lanes, port) +
         ceil_div(fills, largest) * mt.fill_tail +
         beats_of_total(f * c.parent_spatial, c.lanes, port) + brought * mt.writeback_tail;
}

// Timeloop and Interstellar modes: compute, or a level's bandwidth where it limits.
std::int64_t BoundModel::bandwidth_cycles(const Node &n) const {
  std::int64_t cycles = compute_cycles_;
  for (int i = 0; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    const Level &lvl = arch_.levels[iu];
    std::int64_t reads = 0, writes = 0;
    for (int t = 0; t < T_; ++t) {
      const Node::Counts &c = n.counts[iu][static_cast<std::size_t>(t)];
      if (c.present) {
        reads += c.reads;
        writes += c.fills + c.updates;
      }
    }
    if (lvl.read_bandwidth > 0) {
      cycles = std::max(cycles, ceil_words(static_cast<double>(reads), lvl.read_bandwidth));
    }
    if (lvl.write_bandwidth > 0) {
      cycles = std::max(cycles, ceil_words(static_cast<double>(writes), lvl.write_bandwidth));
    }
  }
  return cycles;
}

double BoundModel::node_energy(const Node &n, std::int64_t cycles) const {
  double energy = static_cast<double>(macs_) * arch_.mac_energy_pj;
  for (int i = 0; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    energy += leak_pj_per_cycle_[iu] * static_cast<double>(cycles);
    for (int t = 0; t < T_; ++t) {
      if (n.counts[iu][static_cast<std::size_t>(t)].present) {
        energy += n.counts[iu][static_cast<std::size_t>(t)].energy;
      }
    }
  }
  return energy;
}

double BoundModel::node_coupling(const Node &n) {
  NodeCounts rc;
  rc.j = n.j;
  rc.fixed_product = n.fixed_product;
  rc.irr_outside = n.irr_outside;
  for (int i = 0; i < L_; ++i) {
    for (int t = 0; t < T_; ++t) {
      const auto iu = static_cast<std::size_t>(i), tu = static_cast<std::size_t>(t);
      rc.fetches[iu][tu] = n.fetches[iu][tu];
      rc.fills[iu][tu] = n.counts[iu][tu].fills;
      rc.reads[iu][tu] = n.counts[iu][tu].reads;
      rc.updates[iu][tu] = n.counts[iu][tu].updates;
    }
  }
  return coupling(n.rem, rc);
}

} // namespace hcl::sched
