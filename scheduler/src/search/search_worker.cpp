#include "search_worker.h"

#include <scheduler/search/factorize.h>
#include <scheduler/search/space.h>
#include <scheduler/validate.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace hcl::sched::detail {

Mapping skeleton(const Shared &sh, const Sub &s) {
  const std::size_t L = sh.arch.levels.size();
  Mapping m;
  m.levels.resize(L);
  for (std::size_t l = 0; l < L; ++l) {
    m.levels[l].spatial_x = sh.spatial[s.spatial].x[l];
    m.levels[l].spatial_y = sh.spatial[s.spatial].y[l];
    m.levels[l].keep = sh.keeps[s.keep][l];
    if (l + 1 == L) {
      m.levels[l].keep = {true, true, true};
    }
  }
  return m;
}

Worker::Worker(Shared &sh)
    : sh_(sh), bm_(sh.problem, sh.arch, sh.opts.mode), ev_(sh.problem, sh.arch, sh.opts.mode) {
  L_ = static_cast<int>(sh.arch.levels.size());
  D_ = static_cast<int>(sh.problem.dim_names.size());
  T_ = static_cast<int>(sh.problem.tensors.size());
}

double Worker::root_bound(const Sub &s) {
  m_ = skeleton(sh_, s);
  bm_.set_skeleton(m_);
  return objective_value(bm_.root_bound(), sh_.opts.objective);
}

Worker::Outcome Worker::run(const Sub &s, double incumbent) {
  out_ = Outcome{};
  best_ = incumbent;
  Dims rem{};
  prepare(s, rem);
  // The backing store's tile is the whole problem.
  Dims whole{};
  whole.fill(1);
  for (int d = 0; d < D_; ++d) {
    whole[static_cast<std::size_t>(d)] = sh_.problem.bounds[static_cast<std::size_t>(d)];
  }
  if (fits(L_ - 1, whole)) {
    dfs(L_ - 1, rem);
  }
  return out_;
}

// The skeleton's spatial factors, bankings and which tensors each level's loops can latch;
// `rem` gets the temporal factors left to place.
void Worker::prepare(const Sub &s, Dims &rem) {
  m_ = skeleton(sh_, s);
  bm_.set_skeleton(m_);
  sp_.assign(static_cast<std::size_t>(L_), {});
  tensor_below_.assign(static_cast<std::size_t>(L_), 0U);
  rem.fill(1);
  for (int d = 0; d < D_; ++d) {
    rem[static_cast<std::size_t>(d)] = sh_.problem.bounds[static_cast<std::size_t>(d)];
  }
  std::int64_t pes0 = 1;
  for (int l = 0; l < L_; ++l) {
    auto &sp = sp_[static_cast<std::size_t>(l)];
    sp.fill(1);
    for (const auto *loops : {&m_.levels[static_cast<std::size_t>(l)].spatial_x,
                              &m_.levels[static_cast<std::size_t>(l)].spatial_y}) {
      for (const auto &lp : *loops) {
        sp[static_cast<std::size_t>(lp.dim)] *= lp.factor;
        rem[static_cast<std::size_t>(lp.dim)] /= lp.factor;
        if (l == 0) {
          pes0 *= lp.factor;
        }
      }
    }
  }
  banking_.assign(static_cast<std::size_t>(L_ * T_), Banking{});
  for (int l = 0; l < L_; ++l) {
    for (int t = 0; t < T_; ++t) {
      banking_[static_cast<std::size_t>(l * T_ + t)] = banking_of(sh_.arch, m_, l, t);
    }
  }
  const bool latch = pes0 > 1;
  unsigned below = 0;
  for (int l = 0; l < L_; ++l) {
    tensor_below_[static_cast<std::size_t>(l)] = latch ? (1U << T_) - 1 : below;
    for (int t = 0; t < T_; ++t) {
      if (keeps(l, t)) {
        below |= 1U << t;
      }
    }
  }
}

bool Worker::keeps(int l, int t) const {
  return l == L_ - 1 ||
         (sh_.arch.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)] &&
          m_.levels[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)]);
}

bool Worker::keeps_any(int l) const {
  for (int t = 0; t < T_; ++t) {
    if (keeps(l, t)) {
      return true;
    }
  }
  return false;
}

bool Worker::fits(int l, const Dims &tile) const {
  const Level &lv = sh_.arch.levels[static_cast<std::size_t>(l)];
  if (lv.size_words <= 0) {
    return true;
  }
  std::int64_t need = 0;
  for (int t = 0; t < T_; ++t) {
    if (keeps(l, t)) {
      need +=
          held_words(sh_.problem, t, tile.data(), banking_[static_cast<std::size_t>(l * T_ + t)]);
    }
  }
  const std::int64_t usable = lv.double_buffered ? lv.size_words / 2 : lv.size_words;
  return need <= usable && !below_min_utilization(lv, need);
}

const std::vector<std::vector<int>> &Worker::orders(int l, unsigned mask) {
  const unsigned tmask = tensor_below_[static_cast<std::size_t>(l)];
  const std::uint64_t key =
      (static_cast<std::uint64_t>(l) << 32) | (std::uint64_t{tmask} << 16) | mask;
  auto it = order_cache_.find(key);
  if (it != order_cache_.end()) {
    return it->second;
  }
  static const std::vector<int> none;
  const LevelConstraint *lc = constraint(l);
  const auto &fixed = lc ? lc->permutation : none;
  return order_cache_
      .emplace(key, order_classes(sh_.problem, mask, tmask, fixed, credits_halo(sh_.opts.mode)))
      .first->second;
}

// Called at every node and every bound. A single node may bound 10^5 factor choices, so the
// clock is read every 64 calls rather than every so many nodes.
bool Worker::time_up() {
  if (sh_.stop.load(std::memory_order_relaxed)) {
    return true;
  }
  if ((++ticks_ & 63) != 0) {
    return false;
  }
  if (sh_.opts.stop.stop_requested() ||
      (sh_.opts.time_limit_s > 0 && sh_.have_incumbent &&
       std::chrono::duration<double>(Clock::now() - sh_.start).count() > sh_.opts.time_limit_s)) {
    sh_.stop = true;
    return true;
  }
  return false;
}

void Worker::set_temporal(int l, const Dims &f, const std::vector<int> &order) {
  auto &tl = m_.levels[static_cast<std::size_t>(l)].temporal;
  tl.clear();
  for (int d : order) {
    tl.push_back({d, f[static_cast<std::size_t>(d)]});
  }
}

// Energy at which a bound cuts (cannot_beat): bounds may stop counting there.
double Worker::cutoff() const {
  return sh_.opts.objective == Objective::Energy ? best_ - kBoundSlack * std::fabs(best_) : kInf;
}

// The dimensions of `mask` in increasing order (for bounds that ignore the order).
const std::vector<int> &Worker::any_order_of(unsigned mask) {
  any_order_.clear();
  for (int d = 0; d < D_; ++d) {
    if ((mask >> d) & 1U) {
      any_order_.push_back(d);
    }
  }
  return any_order_;
}

const LevelConstraint *Worker::constraint(int j) const {
  const auto &cons = sh_.opts.space.constraints;
  return static_cast<std::size_t>(j) < cons.size() ? &cons[static_cast<std::size_t>(j)] : nullptr;
}

void Worker::leaf() {
  if (sh_.opts.admit && !sh_.opts.admit(m_)) {
    return;
  }
  ++out_.stats.evaluations;
  const Evaluation &e = ev_.evaluate(m_);
  const double v = objective_value(e, sh_.opts.objective);
  if (v < best_) {
    sh_.have_incumbent = true;
    best_ = v;
    out_.found = true;
    out_.value = v;
    out_.mapping = m_;
  }
}

void Worker::stopped_at(int j) {
  out_.finished = false;
  m_.levels[static_cast<std::size_t>(j)].temporal.clear();
}

// Level j's temporal loops with the remaining factors `rem`: every factor choice that fits
// and is not cut, best bound first, then each of its order classes the same way.
void Worker::dfs(int j, const Dims &rem) {
  if (time_up()) {
    out_.finished = false;
    return;
  }
  const LevelConstraint *lc = constraint(j);
  if (j == 0) {
    innermost_level(rem, lc);
    return;
  }
  Candidates cand;
  if (!candidates(j, rem, lc, cand)) {
    return;
  }
  std::vector<Child> kids;
  if (!bound_factors(j, rem, cand, kids)) {
    stopped_at(j);
    return;
  }
  std::stable_sort(kids.begin(), kids.end(),
                   [](const Child &a, const Child &b) { return a.lb < b.lb; });
  std::vector<Ordered> ords;
  for (std::size_t k = 0; k < kids.size(); ++k) {
    if (cannot_beat(kids[k].lb, best_)) {
      out_.stats.pruned += static_cast<std::int64_t>(kids.size() - k);
      break;
    }
    if (!descend(j, rem, kids[k].f, ords)) {
      stopped_at(j);
      return;
    }
  }
  m_.levels[static_cast<std::size_t>(j)].temporal.clear();
}

// The innermost level takes every factor left; only its order is open.
void Worker::innermost_level(const Dims &rem, const LevelConstraint *lc) {
  unsigned mask = 0;
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    const std::int64_t fixed = lc ? lc->temporal[du] : 0;
    const std::int64_t max = lc ? lc->temporal_max[du] : 0;
    if ((fixed > 0 && fixed != rem[du]) || (max > 0 && rem[du] > max)) {
      return;
    }
    if (rem[du] > 1) {
      mask |= 1U << d;
    }
  }
  for (const auto &ord : orders(0, mask)) {
    if (time_up()) {
      out_.finished = false;
      break;
    }
    set_temporal(0, rem, ord);
    leaf();
  }
  m_.levels[0].temporal.clear();
}

// Candidate factors per dimension at level j; false when the constraints leave none.
bool Worker::candidates(int j, const Dims &rem, const LevelConstraint *lc, Candidates &cand) const {
  const bool pass_through = !keeps_any(j) && j < L_ - 1;
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    const std::int64_t fixed = lc ? lc->temporal[du] : 0;
    if (fixed > 0) {
      if (rem[du] % fixed != 0) {
        return false;
      }
      cand[du] = {fixed};
    } else if (pass_through) {
      // A level that keeps nothing: its loops act exactly like the innermost loops of the
      // level above, so the space keeps them there.
      cand[du] = {1};
    } else {
      cand[du] = divisors(rem[du]);
    }
    if (lc && lc->temporal_max[du] > 0) { // Timeloop's "D<=n"
      std::erase_if(cand[du], [max = lc->temporal_max[du]](std::int64_t v) { return v > max; });
      if (cand[du].empty()) {
        return false;
      }
    }
  }
  return true;
}

// Every combination of the candidates whose child tile fits, bounded with level j's order
// free; `kids` gets those not cut. False when the time is up.
bool Worker::bound_factors(int j, const Dims &rem, const Candidates &cand,
                           std::vector<Child> &kids) {
  std::array<std::size_t, kMaxDims> idx{};
  Dims f{}, tile{};
  f.fill(1);
  tile.fill(1);
  while (true) {
    unsigned mask = 0;
    for (int d = 0; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      f[du] = cand[du][idx[du]];
      std::int64_t sp = 1;
      for (int l = 0; l < j; ++l) {
        sp *= sp_[static_cast<std::size_t>(l)][du];
      }
      tile[du] = rem[du] / f[du] * sp;
      if (f[du] > 1) {
        mask |= 1U << d;
      }
    }
    if (time_up()) {
      return false;
    }
    ++out_.stats.nodes;
    if (!fits(j - 1, tile)) {
      ++out_.stats.capacity_cuts;
    } else {
      set_temporal(j, f, any_order_of(mask));
      const double lb = objective_value(bm_.bound(m_, j, true, -1, cutoff()), sh_.opts.objective);
      if (cannot_beat(lb, best_)) {
        ++out_.stats.pruned;
      } else {
        kids.push_back({lb, f});
      }
    }
    int d = 0;
    for (; d < D_; ++d) {
      const auto du = static_cast<std::size_t>(d);
      if (++idx[du] < cand[du].size()) {
        break;
      }
      idx[du] = 0;
    }
    if (d == D_) {
      return true;
    }
  }
}

// Level j's factors `f`: each order class not cut, best bound first, searched below. False
// when the time is up.
bool Worker::descend(int j, const Dims &rem, const Dims &f, std::vector<Ordered> &ords) {
  unsigned mask = 0;
  Dims next{};
  next.fill(1);
  for (int d = 0; d < D_; ++d) {
    const auto du = static_cast<std::size_t>(d);
    next[du] = rem[du] / f[du];
    if (f[du] > 1) {
      mask |= 1U << d;
    }
  }
  std::array<bool, kMaxDims> inner_cut{};
  if (std::popcount(mask) > 1 && cut_by_innermost(j, f, mask, inner_cut)) {
    return true;
  }
  if (!bound_orders(j, f, mask, inner_cut, ords)) {
    return false;
  }
  std::stable_sort(ords.begin(), ords.end(),
                   [](const Ordered &a, const Ordered &b) { return a.lb < b.lb; });
  for (std::size_t o = 0; o < ords.size(); ++o) {
    if (cannot_beat(ords[o].lb, best_)) {
      out_.stats.pruned += static_cast<std::int64_t>(ords.size() - o);
      break;
    }
    set_temporal(j, f, *ords[o].order);
    dfs(j - 1, next);
    if (!out_.finished) {
      return false;
    }
  }
  return true;
}

// Which loop is innermost at level j settles the counts of the tensors it is relevant to
// (their first relevant loop); bounding each choice first (the others' order still free)
// cuts most of the order classes, often all, at one bound per loop. True: all are cut.
bool Worker::cut_by_innermost(int j, const Dims &f, unsigned mask,
                              std::array<bool, kMaxDims> &cut) {
  set_temporal(j, f, any_order_of(mask));
  bool all_cut = true;
  for (int d = 0; d < D_; ++d) {
    if ((mask >> d) & 1U) {
      ++out_.stats.nodes;
      const double lb = objective_value(bm_.bound(m_, j, true, d, cutoff()), sh_.opts.objective);
      cut[static_cast<std::size_t>(d)] = cannot_beat(lb, best_);
      all_cut = all_cut && cut[static_cast<std::size_t>(d)];
      out_.stats.pruned += cut[static_cast<std::size_t>(d)] ? 1 : 0;
    }
  }
  return all_cut;
}

// Level j's order classes for factors `f`, each bounded; `ords` gets those not cut. False
// when the time is up.
bool Worker::bound_orders(int j, const Dims &f, unsigned mask,
                          const std::array<bool, kMaxDims> &cut, std::vector<Ordered> &ords) {
  ords.clear();
  for (const auto &ord : orders(j, mask)) {
    if (!ord.empty() && cut[static_cast<std::size_t>(ord.front())]) {
      continue; // its completions all have that loop innermost
    }
    if (time_up()) {
      return false;
    }
    set_temporal(j, f, ord);
    ++out_.stats.nodes;
    const double lb = objective_value(bm_.bound(m_, j, false, -1, cutoff()), sh_.opts.objective);
    if (cannot_beat(lb, best_)) {
      ++out_.stats.pruned;
    } else {
      ords.push_back({lb, &ord});
    }
  }
  return true;
}

} // namespace hcl::sched::detail
