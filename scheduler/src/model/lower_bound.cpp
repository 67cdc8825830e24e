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
  const auto L = static_cast<std::size_t>(L_);
  keep_.assign(L, {});
  spatial_.assign(L, {});
  port_words_ = machine_port_words(arch_);
  sp_total_.assign(L, 1);
  uinst_.assign(L, 1);
  distinct_.assign(L, {});
  used_.assign(L, {});
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
      // Many skeletons share regions; counting used elements walks a bitmap.
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
      used_[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)] = it->second;
    }
  }
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

BoundModel::Walk BoundModel::walk(const Mapping &m, int t, int from, int free_level,
                                  int pick) const {
  Walk w;
  const auto &rel = rel_[static_cast<std::size_t>(t)];
  auto visit = [&](const Loop &l) {
    if (l.factor == 1) {
      return;
    }
    if (w.slide_dim >= 0) {
      w.outer *= l.factor;
    } else if (rel[static_cast<std::size_t>(l.dim)]) {
      w.slide_dim = l.dim;
      w.slide_factor = l.factor;
    }
  };
  for (int j = from; j < L_; ++j) {
    const auto &loops = m.levels[static_cast<std::size_t>(j)].temporal;
    if (j != free_level) {
      for (const auto &l : loops) {
        visit(l);
      }
    } else {
      visit_free(loops, rel, pick, visit);
    }
  }
  return w;
}

std::int64_t BoundModel::fetches_from(int t, const std::int64_t *tile, std::int64_t words,
                                      const Walk &w) const {
  if (w.slide_dim < 0) {
    return words;
  }
  if (!halo_) { // hcl mode: every step of the sliding loop refetches the whole tile
    return w.outer * w.slide_factor * words;
  }
  std::int64_t overlap = 1;
  for (const auto &rank : problem_.tensors[static_cast<std::size_t>(t)].projection) {
    std::int64_t span = 1, shift = 0;
    for (const auto &term : rank) {
      const std::int64_t c = term.coef < 0 ? -term.coef : term.coef;
      span += c * (tile[term.dim] - 1);
      if (term.dim == w.slide_dim) {
        shift += c * tile[term.dim];
      }
    }
    overlap *= std::max<std::int64_t>(0, span - shift);
  }
  return w.outer * (words + (w.slide_factor - 1) * (words - overlap));
}

CostBound BoundModel::bound(const Mapping &m, int j, bool free_order_at_j, int innermost_at_j,
                            double energy_cutoff) {
  const bool hcl = mode_ == Mode::Hcl;
  // Stopping early returns a partial sum; a margin far above its rounding error keeps every
  // decision of a caller cutting at `energy_cutoff` what the full value would give.
  const double stop_at = nonnegative_energies_ && energy_cutoff > 0
                             ? energy_cutoff * (1 + 1e-12)
                             : std::numeric_limits<double>::infinity();
  // Energy counted so far: MACs and leakage over the compute-bound cycles, then the tensors'.
  double partial = static_cast<double>(macs_) * arch_.mac_energy_pj +
                   leak_total_pj_per_cycle_ * static_cast<double>(base_cycles_);
  const int free_level = free_order_at_j ? j : -1;
  free_first_ = free_order_at_j ? innermost_at_j : -1;
  // Temporal factors still to place below level j (rem), and the product of the fixed ones.
  std::array<std::int64_t, kMaxDims> fixed{}, rem{};
  fixed.fill(1);
  rem.fill(1);
  std::int64_t fixed_product = 1;
  for (int l = j; l < L_; ++l) {
    for (const auto &lp : m.levels[static_cast<std::size_t>(l)].temporal) {
      fixed[static_cast<std::size_t>(lp.dim)] *= lp.factor;
      fixed_product *= lp.factor;
    }
  }
  for (int d = 0; d < D_; ++d) {
    rem[static_cast<std::size_t>(d)] =
        rem0_[static_cast<std::size_t>(d)] / fixed[static_cast<std::size_t>(d)];
  }
  // Tiles of the levels whose loops above are all fixed, built upwards by multiplication
  // (dividing the bounds per level dominated this function). Only the first L_ entries are
  // used; zeroing all 64 levels would dominate.
  const int known_from = std::max(0, j - 1); // levels >= known_from have known tiles
  std::array<std::array<std::int64_t, kMaxDims>, 64> tile;
  for (int i = known_from; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      tile[iu][du] =
          i == known_from ? sp_below_[iu][du] * rem[du] : tile[iu - 1][du] * spatial_[iu][du];
    }
    if (i >= j) {
      for (const auto &lp : m.levels[iu].temporal) {
        tile[iu][static_cast<std::size_t>(lp.dim)] *= lp.factor;
      }
    }
  }

  struct TC { // no member initializers: only the first L_ levels are zeroed, below
    std::int64_t reads, fills, updates, words;
    std::int64_t largest;        // unknown tile: the most words it can have
    std::int64_t parent_spatial; // spatial factors relevant to t up to its next keeper
    std::int64_t lanes;          // hcl mode: the memory port's lanes of one transfer
    double energy;
    bool present;
  };
  std::array<std::array<TC, kMaxTensors>, 64> tc;
  std::array<std::int64_t, 64> fetches;
  std::fill_n(tc.begin(), L_, std::array<TC, kMaxTensors>{});
  std::fill_n(fetches.begin(), L_, 0);
  std::array<std::array<std::int64_t, kMaxTensors>, 64> ff; // fetches per [level][tensor]
  std::array<std::int64_t, kMaxTensors> irr_out{};

  for (const int t : tensor_order_) {
    if (partial >= stop_at) {
      return CostBound{partial, base_cycles_};
    }
    const auto tu = static_cast<std::size_t>(t);
    const bool rw = problem_.tensors[tu].read_write;
    const auto &rel = rel_[tu];
    std::int64_t latch = 1;
    if (sp_total_[0] > 1) {
      if (j == 0) {
        // Latching multiplies the irrelevant loops inside the first relevant one.
        latch = 1;
        bool done = false;
        for (int lv = 0; lv < L_ && !done; ++lv) {
          const auto &loops = m.levels[static_cast<std::size_t>(lv)].temporal;
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
          if (lv == free_level) {
            visit_free(loops, rel, -1, take);
          } else {
            for (const auto &l : loops) {
              take(l);
            }
          }
        }
      } else {
        latch = irr_temporal_[tu];
      }
    }
    // Irrelevant loops outside the first relevant loop of the fixed nest (levels >= j).
    std::int64_t &irr_outside = irr_out[tu];
    irr_outside = 1;
    if (j < L_) {
      bool found = false;
      auto visit = [&](const Loop &l) {
        if (l.factor == 1) {
          return;
        }
        if (found) {
          if (!rel[static_cast<std::size_t>(l.dim)]) {
            irr_outside *= l.factor;
          }
        } else if (rel[static_cast<std::size_t>(l.dim)]) {
          found = true;
        }
      };
      for (int lv = j; lv < L_; ++lv) {
        const auto &loops = m.levels[static_cast<std::size_t>(lv)].temporal;
        if (lv == free_level) {
          visit_free(loops, rel, -1, visit);
        } else {
          for (const auto &l : loops) {
            visit(l);
          }
        }
      }
    }

    int child = -1;
    for (int i = 0; i < L_; ++i) {
      const auto iu = static_cast<std::size_t>(i);
      if (!keep_[iu][tu]) {
        continue;
      }
      const std::int64_t distinct = distinct_[iu][tu];
      std::int64_t words = 0, f = 0, largest = 0;
      if (i >= known_from) {
        const std::int64_t *tl = tile[iu].data();
        words = problem_.footprint(t, tl);
        if (i == L_ - 1) {
          f = words;
        } else if (free_level >= 0 && i == free_level - 1) {
          f = -1;
          bool any = false;
          for (const auto &l : m.levels[static_cast<std::size_t>(free_level)].temporal) {
            if (l.factor > 1 && rel[static_cast<std::size_t>(l.dim)]) {
              any = true;
              const std::int64_t v =
                  fetches_from(t, tl, words, walk(m, t, i + 1, free_level, l.dim));
              f = f < 0 ? v : std::min(f, v);
            }
          }
          if (!any) {
            f = fetches_from(t, tl, words, walk(m, t, i + 1, free_level, -1));
          }
        } else {
          f = fetches_from(t, tl, words, walk(m, t, i + 1, -1, -1));
        }
      } else {
        f = std::max(used_[iu][tu] * irr_outside, rw ? distinct : std::int64_t{0});
        f = std::max(f, refetch_bound(m, t, i, j, free_level, rem, fixed_product, largest));
      }
      fetches[iu] = f;
      ff[iu][tu] = f;
      TC &c = tc[iu][tu];
      c.present = true;
      c.words = words;
      c.largest = largest;
      if (i < L_ - 1) {
        c.fills = rw ? f - distinct : f;
      }
      if (child < 0) {
        const std::int64_t n = mac_reads_[tu] / latch;
        if (rw) {
          c.updates = n;
          c.reads = n - distinct;
        } else {
          c.reads = n;
        }
      } else {
        std::int64_t relsp = 1;
        for (int k = child + 1; k <= i; ++k) {
          for (int d = 0; d < D_; ++d) {
            if (rel[static_cast<std::size_t>(d)]) {
              relsp *= spatial_[static_cast<std::size_t>(k)][static_cast<std::size_t>(d)];
            }
          }
        }
        tc[static_cast<std::size_t>(child)][tu].lanes = lanes_[static_cast<std::size_t>(child)][tu];
        const std::int64_t cf = fetches[static_cast<std::size_t>(child)];
        const std::int64_t first = rw ? distinct_[static_cast<std::size_t>(child)][tu] : 0;
        c.reads = (cf - first) * relsp;
        if (rw) {
          c.updates = cf * relsp;
        }
        tc[static_cast<std::size_t>(child)][tu].parent_spatial = relsp;
      }
      const Level &lvl = arch_.levels[iu];
      c.energy = static_cast<double>(uinst_[iu]) *
                 (access_energy(c.reads, lvl.block_size, lvl.read_energy_pj) +
                  access_energy(c.fills, lvl.block_size, lvl.write_energy_pj) +
                  access_energy(c.updates, lvl.block_size, lvl.update_energy_pj));
      partial += c.energy;
      if (record_energies_) {
        tensor_energy_[tu] += c.energy;
      }
      child = i;
    }
  }

  // Hcl mode: the machine's cycles (model.cpp, Evaluator::hcl_cycles) with each pair's tiles
  // brought in (B) and filled (F) at their lower bounds: the fetch bound over the tile's words
  // where the tile is known, else over the most words it can have, and at least one per tile
  // position the fixed loops visit. Every pair's B is a count of events, and with every level
  // fixed the largest B is the model's event count, so E is bounded by the largest B.
  // A double-buffered level's transfers may hide under the runs (model.cpp, prefetch), so they
  // only count where they exceed the runs. A transfer of w words over `lanes` lanes takes
  // ceil(w / lanes) x ceil(lanes / port) beats (model.cpp): exact for a known tile; for an
  // unknown one the words of all its transfers give at least w x ceil(lanes / port) / lanes.
  auto hcl_cycles = [&]() {
    const MachineTiming &mt = arch_.machine;
    const std::int64_t port = port_words_;
    const auto beats_of_total = [port](std::int64_t w, std::int64_t lanes) {
      const std::int64_t per_row = ceil_div(lanes, port);
      return port == 1 ? w : (w / lanes) * per_row + ceil_div((w % lanes) * per_row, lanes);
    };
    std::int64_t events = 1, sequential = 0, prefetched = 0;
    for (int t = 0; t < T_; ++t) {
      const auto tu = static_cast<std::size_t>(t);
      const bool rw = problem_.tensors[tu].read_write;
      const auto &rel = rel_[tu];
      std::int64_t positions = 1; // relevant temporal factors above level i, fixed levels only
      for (int i = L_ - 2; i >= 0; --i) {
        const auto iu = static_cast<std::size_t>(i);
        if (i >= known_from) {
          for (const auto &lp : m.levels[iu + 1].temporal) {
            if (rel[static_cast<std::size_t>(lp.dim)]) {
              positions *= lp.factor;
            }
          }
        }
        const TC &c = tc[iu][tu];
        if (!c.present) {
          continue;
        }
        std::int64_t &transfers = arch_.levels[iu].double_buffered ? prefetched : sequential;
        const std::int64_t f = ff[iu][tu];
        std::int64_t brought = 0;
        if (i >= known_from) {
          brought = f / c.words;
          const std::int64_t words_from_parent = c.words * c.parent_spatial;
          const std::int64_t b = detail::port_beats(words_from_parent, c.lanes, port);
          transfers += pair_transfer_cycles(mt, rw, brought, positions, b);
        } else {
          const std::int64_t largest = std::max<std::int64_t>(1, c.largest);
          brought = std::max(positions, ceil_div(f, largest));
          if (rw) {
            // F x P = fills x P / words when the tiles partition the region; else only F >= 0.
            const std::int64_t fills =
                partitions_[tu] ? std::max<std::int64_t>(0, f - distinct_[iu][tu]) : 0;
            transfers += beats_of_total(fills * c.parent_spatial, c.lanes) +
                         ceil_div(fills, largest) * mt.fill_tail +
                         beats_of_total(f * c.parent_spatial, c.lanes) +
                         brought * mt.writeback_tail;
          } else {
            transfers += beats_of_total(f * c.parent_spatial, c.lanes) + brought * mt.fill_tail;
          }
        }
        events = std::max(events, brought);
      }
    }
    return mt.start + sequential + std::max(events * mt.drain + compute_cycles_, prefetched);
  };
  CostBound out;
  out.cycles = hcl ? hcl_cycles() : compute_cycles_;
  for (int i = 0; i < L_ && !hcl; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    const Level &lvl = arch_.levels[iu];
    std::int64_t reads = 0, writes = 0;
    for (int t = 0; t < T_; ++t) {
      const TC &c = tc[iu][static_cast<std::size_t>(t)];
      if (c.present) {
        reads += c.reads;
        writes += c.fills + c.updates;
      }
    }
    if (lvl.read_bandwidth > 0) {
      out.cycles = std::max(out.cycles, ceil_words(static_cast<double>(reads), lvl.read_bandwidth));
    }
    if (lvl.write_bandwidth > 0) {
      out.cycles =
          std::max(out.cycles, ceil_words(static_cast<double>(writes), lvl.write_bandwidth));
    }
  }
  double energy = static_cast<double>(macs_) * arch_.mac_energy_pj;
  for (int i = 0; i < L_; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    energy += leak_pj_per_cycle_[iu] * static_cast<double>(out.cycles);
    for (int t = 0; t < T_; ++t) {
      if (tc[iu][static_cast<std::size_t>(t)].present) {
        energy += tc[iu][static_cast<std::size_t>(t)].energy;
      }
    }
  }
  if (j - 2 >= couple_min_level_ && energy < stop_at) {
    NodeCounts rc;
    rc.j = j;
    rc.fixed_product = fixed_product;
    rc.irr_outside = irr_out;
    for (int i = 0; i < L_; ++i) {
      for (int t = 0; t < T_; ++t) {
        const auto iu = static_cast<std::size_t>(i), tu = static_cast<std::size_t>(t);
        rc.fetches[iu][tu] = ff[iu][tu];
        rc.fills[iu][tu] = tc[iu][tu].fills;
        rc.reads[iu][tu] = tc[iu][tu].reads;
        rc.updates[iu][tu] = tc[iu][tu].updates;
      }
    }
    energy += coupling(rem, rc);
  }
  out.energy_pj = energy;
  return out;
}

} // namespace hcl::sched
