// The refetch floors of undecided levels and their coupling at the root (lower_bound.h).
#include <scheduler/model/lower_bound.h>

#include "access_rounding.h"

#include <scheduler/search/factorize.h>

#include <algorithm>
#include <limits>

namespace hcl::sched {

namespace {

using detail::access_energy;

// The root coupling enumerates every tile of a level (divisors of each remaining factor);
// beyond this many it adds nothing rather than stall the root bounds.
constexpr std::size_t kMaxCoupleTiles = std::size_t{1} << 18;

// Calls body(tf) for every choice of one candidate factor per dimension of `dims` (tf[dims[q]]
// from cand[q]; 1 in every other dimension), the first dimension varying fastest; once, with
// every factor 1, when `dims` is empty.
template <class Body>
void for_each_choice(const std::vector<int> &dims,
                     const std::vector<std::vector<std::int64_t>> &cand, Body &&body) {
  std::vector<std::size_t> idx(dims.size(), 0);
  std::array<std::int64_t, kMaxDims> tf{};
  while (true) {
    tf.fill(1);
    for (std::size_t q = 0; q < dims.size(); ++q) {
      tf[static_cast<std::size_t>(dims[q])] = cand[q][idx[q]];
    }
    body(tf);
    std::size_t q = 0;
    for (; q < dims.size(); ++q) {
      if (++idx[q] < cand[q].size()) {
        break;
      }
      idx[q] = 0;
    }
    if (q == dims.size()) {
      return;
    }
  }
}

} // namespace

std::size_t BoundModel::FloorHash::operator()(const FloorKey &k) const noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ static_cast<std::uint64_t>(k.sig);
  for (const std::int64_t v : k.rem) {
    h ^= static_cast<std::uint64_t>(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return static_cast<std::size_t>(h);
}

std::int64_t BoundModel::refetch_floor(int k, int t,
                                       const std::array<std::int64_t, kMaxDims> &rem) {
  const auto ku = static_cast<std::size_t>(k);
  const auto tu = static_cast<std::size_t>(t);
  const auto &rel = rel_[tu];
  FloorKey key;
  key.rem.fill(1);
  key.sig = sig_[ku][tu];
  for (int d = 0; d < D_; ++d) {
    if (rel[static_cast<std::size_t>(d)]) {
      key.rem[static_cast<std::size_t>(d)] = rem[static_cast<std::size_t>(d)];
    }
  }
  LastFloor &last = last_floor_[ku][tu];
  if (last.valid && last.key == key) {
    return last.value;
  }
  if (auto it = floor_memo_.find(key); it != floor_memo_.end()) {
    last = {key, it->second, true};
    return it->second; // the common case: no allocation before this point
  }
  std::vector<int> dims;
  for (int d = 0; d < D_; ++d) {
    if (rel[static_cast<std::size_t>(d)] && rem[static_cast<std::size_t>(d)] > 1) {
      dims.push_back(d);
    }
  }
  const std::int64_t room = room_[ku][tu];
  std::array<std::int64_t, kMaxDims> tile{}, g{};
  tile.fill(1);
  g.fill(1);
  for (int d = 0; d < D_; ++d) {
    tile[static_cast<std::size_t>(d)] = sp_below_[ku][static_cast<std::size_t>(d)];
  }
  std::vector<std::vector<std::int64_t>> cand;
  cand.reserve(dims.size());
  for (int d : dims) {
    cand.push_back(divisors(rem[static_cast<std::size_t>(d)]));
  }
  std::int64_t best = -1;
  // With dims empty the one choice has outer 1: no remaining relevant loop, nothing to take.
  for_each_choice(dims, cand, [&](const std::array<std::int64_t, kMaxDims> &tf) {
    std::int64_t outer = 1;
    for (int d : dims) {
      const auto du = static_cast<std::size_t>(d);
      tile[du] = tf[du] * sp_below_[ku][du];
      g[du] = rem[du] / tf[du];
      outer *= g[du];
    }
    const std::int64_t words = problem_.footprint(t, tile.data());
    if (outer > 1 && (room < 0 || words <= room)) {
      for (int s : dims) { // the loop of s slides right above k, every other one outside it
        const auto su = static_cast<std::size_t>(s);
        if (g[su] > 1) {
          const std::int64_t v = fetches_from(t, tile.data(), words, Walk{s, g[su], outer / g[su]});
          best = best < 0 ? v : std::min(best, v);
        }
      }
    }
  });
  if (floor_memo_.size() >= kMaxMemo) {
    floor_memo_.clear(); // a cache of a pure function: clearing only costs recomputation
  }
  floor_memo_.emplace(key, best);
  last = {key, best, true};
  return best;
}

const std::vector<std::array<std::int64_t, 4>> &
BoundModel::couple_tiles(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem) {
  const auto Ku = static_cast<std::size_t>(c.K);
  const auto &relw = rel_[static_cast<std::size_t>(c.w)];
  FloorKey key;
  key.rem.fill(1);
  key.sig = c.sig;
  for (int d = 0; d < D_; ++d) {
    if (relw[static_cast<std::size_t>(d)]) {
      key.rem[static_cast<std::size_t>(d)] = rem[static_cast<std::size_t>(d)];
    }
  }
  if (auto it = couple_memo_.find(key); it != couple_memo_.end()) {
    return it->second;
  }
  std::vector<int> dims;
  for (int d = 0; d < D_; ++d) {
    if (relw[static_cast<std::size_t>(d)] && rem[static_cast<std::size_t>(d)] > 1) {
      dims.push_back(d);
    }
  }
  std::vector<std::vector<std::int64_t>> cand;
  std::size_t tiles = 1;
  for (int d : dims) {
    cand.push_back(divisors(rem[static_cast<std::size_t>(d)]));
    tiles *= cand.back().size();
  }
  if (tiles > kMaxCoupleTiles) {
    return couple_memo_.emplace(key, std::vector<std::array<std::int64_t, 4>>{}).first->second;
  }
  std::array<std::int64_t, kMaxDims> tile{};
  std::vector<std::array<std::int64_t, 4>> out;
  // Keepers of t (levels in ks) whose tile cannot hold t's share of w's tile: t has a
  // relevant loop between that keeper and K.
  auto forced = [&](int t, const std::vector<int> &ks,
                    const std::array<std::int64_t, kMaxDims> &tf) {
    std::int64_t mask = 0;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      const auto ku = static_cast<std::size_t>(ks[i]);
      const std::int64_t room = room_[ku][static_cast<std::size_t>(t)];
      for (int d = 0; d < D_; ++d) {
        const auto du = static_cast<std::size_t>(d);
        const bool shared = relw[du] && rel_[static_cast<std::size_t>(t)][du];
        tile[du] = (shared ? tf[du] : 1) * sp_below_[ku][du];
      }
      if (room >= 0 && problem_.footprint(t, tile.data()) > room) {
        mask |= std::int64_t{1} << i;
      }
    }
    return mask;
  };
  // tf: w's temporal factor at or below K, per dimension.
  for_each_choice(dims, cand, [&](const std::array<std::int64_t, kMaxDims> &tf) {
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      tile[du] = (relw[du] ? tf[du] : 1) * sp_below_[Ku][du];
    }
    if (problem_.footprint(c.w, tile.data()) <= room_[Ku][static_cast<std::size_t>(c.w)]) {
      // Loops of w-relevant dimensions left above K; those irrelevant to a (b) multiply a's
      // (b's) fetches whenever its first relevant loop above its keeper is at or below them.
      std::int64_t irr_a = 1, irr_b = 1;
      for (int d : dims) {
        const auto du = static_cast<std::size_t>(d);
        const std::int64_t above = rem[du] / tf[du];
        irr_a *= rel_[static_cast<std::size_t>(c.a)][du] ? 1 : above;
        irr_b *= rel_[static_cast<std::size_t>(c.b)][du] ? 1 : above;
      }
      out.push_back({irr_a, irr_b, forced(c.a, c.keep_a, tf), forced(c.b, c.keep_b, tf)});
    }
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (couple_memo_.size() >= kMaxMemo / 16) {
    couple_memo_.clear();
  }
  return couple_memo_.emplace(key, std::move(out)).first->second;
}

std::int64_t BoundModel::refetch_bound(const Mapping &m, int t, int k, int j, int free_level,
                                       const std::array<std::int64_t, kMaxDims> &rem,
                                       std::int64_t fixed_product, std::int64_t &largest_tile) {
  const auto ku = static_cast<std::size_t>(k);
  const auto tu = static_cast<std::size_t>(t);
  constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
  // Some remaining relevant factor above k: every fixed loop lies outside the sliding one.
  const std::int64_t floor = refetch_floor(k, t, rem);
  std::int64_t best = floor < 0 ? kNone : floor * fixed_product;
  // Or all of them inside k's tile: the fixed nest alone decides how often it is fetched.
  std::array<std::int64_t, kMaxDims> tile{};
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    tile[du] = rem[du] * sp_below_[ku][du];
  }
  const std::int64_t words = problem_.footprint(t, tile.data());
  largest_tile =
      room_[ku][tu] < 0 ? words : std::max<std::int64_t>(1, std::min(words, room_[ku][tu]));
  if (room_[ku][tu] < 0 || words <= room_[ku][tu]) {
    const std::int64_t f = free_level == j
                               ? free_order_fetches(m, t, tile.data(), words, j, free_level)
                               : fetches_from(t, tile.data(), words, walk(m, t, j, free_level, -1));
    best = std::min(best, f);
  }
  return best == kNone ? 0 : best;
}

void BoundModel::set_couples() {
  couples_.clear();
  couple_min_level_ = 64;
  if (T_ == 3) {
    for (int K = 0; K + 1 < L_; ++K) {
      const auto Ku = static_cast<std::size_t>(K);
      for (int w = 0; w < T_; ++w) {
        const std::int64_t room = room_[Ku][static_cast<std::size_t>(w)];
        if (!keep_[Ku][static_cast<std::size_t>(w)] || room < 0) {
          continue;
        }
        Couple c;
        c.K = K;
        c.w = w;
        c.a = (w + 1) % 3;
        c.b = (w + 2) % 3;
        for (int k = 0; k <= K; ++k) {
          if (keep_[static_cast<std::size_t>(k)][static_cast<std::size_t>(c.a)]) {
            c.keep_a.push_back(k);
          }
          if (keep_[static_cast<std::size_t>(k)][static_cast<std::size_t>(c.b)]) {
            c.keep_b.push_back(k);
          }
        }
        if (c.keep_a.empty() || c.keep_b.empty()) {
          continue;
        }
        // Everything the tile enumeration depends on besides the remaining factors.
        std::vector<std::int64_t> key{-1, K, w, room};
        for (int d = 0; d < D_; ++d) {
          key.push_back(sp_below_[Ku][static_cast<std::size_t>(d)]);
        }
        for (const auto *ks : {&c.keep_a, &c.keep_b}) {
          const int t = ks == &c.keep_a ? c.a : c.b;
          key.push_back(-2);
          for (int k : *ks) {
            key.push_back(room_[static_cast<std::size_t>(k)][static_cast<std::size_t>(t)]);
            for (int d = 0; d < D_; ++d) {
              key.push_back(sp_below_[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)]);
            }
          }
        }
        c.sig = sig_ids_.emplace(std::move(key), static_cast<int>(sig_ids_.size())).first->second;
        couple_min_level_ = std::min(couple_min_level_, K);
        couples_.push_back(std::move(c));
      }
    }
  }
}

// Coupling of the per-tensor refetch floors. Take an undecided level K keeping w and the
// other two tensors a, b with keepers at or below K, and let x be the innermost loop above K.
// If x is relevant to a, then at every keeper of a at or below K, a's first relevant loop is
// at or inside x, so every loop above K irrelevant to a lies outside it and multiplies a's
// fetches (the floors assumed such loops cost nothing). The same holds whatever x is when a's
// tile at that keeper cannot hold a's part of w's tile (then a has a relevant loop between
// the keeper and K). When every dimension is relevant to a or b, x makes one of them pay. The
// loops above K in w's dimensions are what w's tile leaves, so the bound takes the cheapest
// tile of w that fits. Added as the excess over the rounded energies the bound already counts
// for those fetches, at their linear slope.
double BoundModel::coupling(const std::array<std::int64_t, kMaxDims> &rem, const NodeCounts &rc) {
  double added = 0;
  for (const Couple &c : couples_) {
    if (c.K > rc.j - 2) {
      continue; // w's tile at K is fixed: nothing above K is left to place
    }
    added = std::max(added, couple_excess(c, rem, rc));
  }
  return added;
}

int BoundModel::parent_keeper(int k, int t) const {
  int p = k + 1;
  while (!keep_[static_cast<std::size_t>(p)][static_cast<std::size_t>(t)]) {
    ++p;
  }
  return p;
}

// Slope of the energy a keeper's fetch count drives (fills there, reads and updates at its
// parent) and the excess of the bound's rounded energies over that linear estimate.
void BoundModel::fetch_slope(int k, int t, const NodeCounts &rc, double &slope,
                             double &slack) const {
  const int p = parent_keeper(k, t);
  const auto ku = static_cast<std::size_t>(k), pu = static_cast<std::size_t>(p);
  const auto tu = static_cast<std::size_t>(t);
  const Level &lk = arch_.levels[ku], &lp = arch_.levels[pu];
  const bool rw = problem_.tensors[tu].read_write;
  std::int64_t relsp = 1;
  for (int q = k + 1; q <= p; ++q) {
    for (int d = 0; d < D_; ++d) {
      if (rel_[tu][static_cast<std::size_t>(d)]) {
        relsp *= spatial_[static_cast<std::size_t>(q)][static_cast<std::size_t>(d)];
      }
    }
  }
  const double uk = static_cast<double>(uinst_[ku]), up = static_cast<double>(uinst_[pu]);
  const double bk = lk.block_size, bp = lp.block_size, rs = static_cast<double>(relsp);
  slope = uk * lk.write_energy_pj / bk +
          up * rs / bp * (lp.read_energy_pj + (rw ? lp.update_energy_pj : 0.0));
  const double f = static_cast<double>(rc.fetches[ku][tu]);
  const double d0 = rw ? static_cast<double>(distinct_[ku][tu]) : 0.0;
  const double lin = uk * (f - d0) / bk * lk.write_energy_pj +
                     up * ((f - d0) * rs / bp * lp.read_energy_pj +
                           (rw ? f * rs / bp * lp.update_energy_pj : 0.0));
  const double counted =
      uk * access_energy(rc.fills[ku][tu], lk.block_size, lk.write_energy_pj) +
      up * (access_energy(rc.reads[pu][tu], lp.block_size, lp.read_energy_pj) +
            access_energy(rc.updates[pu][tu], lp.block_size, lp.update_energy_pj));
  slack = std::max(0.0, counted - lin);
}

// Per keeper of a (b): slope, the fetches the bound counted, and what a paying keeper fetches
// at least per unit of the multiplier: the compulsory sweeps or the floor with a remaining
// relevant loop above it, times every fixed loop outside (all are). Returns their slack.
double BoundModel::couple_keepers(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem,
                                  const NodeCounts &rc, std::array<Keeper, 64> &ka,
                                  std::array<Keeper, 64> &kb) {
  double slack = 0;
  for (const auto *ks : {&c.keep_a, &c.keep_b}) {
    const int t = ks == &c.keep_a ? c.a : c.b;
    const auto tu = static_cast<std::size_t>(t);
    auto &per = ks == &c.keep_a ? ka : kb;
    for (std::size_t i = 0; i < ks->size(); ++i) {
      const int k = (*ks)[i];
      const auto ku = static_cast<std::size_t>(k);
      double sl = 0;
      fetch_slope(k, t, rc, per[i].slope, sl);
      slack += sl;
      per[i].counted = static_cast<double>(rc.fetches[ku][tu]);
      const std::int64_t floor = refetch_floor(k, t, rem);
      per[i].unit = static_cast<double>(
          std::max(used_[ku][tu] * rc.irr_outside[tu], floor < 0 ? 0 : floor * rc.fixed_product));
    }
  }
  return slack;
}

// The least extra energy over w's tiles at K that one couple forces, beyond its slack.
double BoundModel::couple_excess(const Couple &c, const std::array<std::int64_t, kMaxDims> &rem,
                                 const NodeCounts &rc) {
  std::array<Keeper, 64> ka{}, kb{};
  const double slack = couple_keepers(c, rem, rc, ka, kb);
  bool free_dim = false; // x may be irrelevant to both
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    free_dim = free_dim || (rem[du] > 1 && !rel_[static_cast<std::size_t>(c.a)][du] &&
                            !rel_[static_cast<std::size_t>(c.b)][du]);
  }
  const auto pay = [](const Keeper &kp, std::int64_t irr) {
    return kp.slope * std::max(0.0, kp.unit * static_cast<double>(irr) - kp.counted);
  };
  // A keeper pays only with a remaining relevant loop above it (so at least `unit` per unit
  // of multiplier): forced, or x itself when loops remain above K (multiplier > 1).
  const auto side = [&](const std::vector<int> &keepers, const std::array<Keeper, 64> &per,
                        std::int64_t multiplier, std::int64_t forced_mask, double &forced_sum) {
    double all = 0;
    forced_sum = 0;
    for (std::size_t i = 0; i < keepers.size(); ++i) {
      const bool forced = (forced_mask >> i) & 1;
      const double v = forced || multiplier > 1 ? pay(per[i], multiplier) : 0.0;
      all += v;
      forced_sum += forced ? v : 0.0;
    }
    return all;
  };
  double extra = std::numeric_limits<double>::infinity();
  for (const auto &tile : couple_tiles(c, rem)) {
    double a_forced = 0, b_forced = 0;
    const double a_all = side(c.keep_a, ka, tile[0], tile[2], a_forced);
    const double b_all = side(c.keep_b, kb, tile[1], tile[3], b_forced);
    double e = std::min(a_all + b_forced, b_all + a_forced);
    if (free_dim) {
      e = std::min(e, a_forced + b_forced);
    }
    extra = std::min(extra, e);
    if (extra <= slack) {
      break;
    }
  }
  return extra < std::numeric_limits<double>::infinity() ? extra - slack : 0.0;
}

} // namespace hcl::sched
