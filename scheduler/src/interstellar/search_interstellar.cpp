#include <scheduler/interstellar/search_interstellar.h>

#include <scheduler/search/factorize.h>
#include <scheduler/search/search.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace hcl::sched::interstellar {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Relevant loops per tensor (docs/interstellar.md): IF {OX,OY,IC,ON}, OF {OX,OY,OC,ON},
// FL {FX,FY,IC,OC}.
constexpr std::array<std::array<bool, kNumLoops>, kNumTensors> kRel_ = {{
    {false, false, true, true, false, true, true},
    {false, false, true, true, true, false, true},
    {true, true, false, false, true, true, false},
}};

using Extents = std::array<std::int64_t, kNumLoops>;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A hinted loop walked as the tool tiles it (mapping_point_generator.loop_tile_with_hint): the
// levels inside the hint's level multiply to `inner`, a divisor of ceil(extent / (blocking x
// p)); the hint's level takes a share, the hint's blocking x p or a divisor of
// ceil(extent / inner) of at least p, in ceil(share / p) = `steps` temporal steps; the levels
// outside it multiply to ceil(extent / (inner x share)). Where p does not divide the share the
// walk covers more than the extent, as the tool's does.
struct Walk {
  int level = -1; // -1: a free loop, every exact split of its extent
  std::int64_t inner = 1, steps = 1, outer = 1;
  std::int64_t share = 1; // at `level`: what its steps cover of the loop
  std::int64_t total() const { return inner * steps * outer; }
};
using Walks = std::array<Walk, kNumLoops>;

std::vector<Walk> hinted_walks(std::int64_t extent, int level, std::int64_t p,
                               std::int64_t blocking) {
  std::vector<Walk> out;
  const std::vector<std::int64_t> inners =
      level == 0 ? std::vector<std::int64_t>{1}
                 : divisors(ceil_div(extent, blocking > 0 ? blocking * p : p));
  for (const std::int64_t inner : inners) {
    std::vector<std::int64_t> shares;
    if (blocking > 0) {
      shares.push_back(blocking * p);
    } else {
      for (const std::int64_t share : divisors(ceil_div(extent, inner))) {
        if (share >= p) {
          shares.push_back(share);
        }
      }
    }
    for (const std::int64_t share : shares) {
      out.push_back({level, inner, ceil_div(share, p), ceil_div(extent, inner * share), share});
    }
  }
  return out;
}

// One subproblem: the partitionings, how each loop is walked and its product of blockings.
struct Sub {
  MappingSpec m;
  Walks walks;
  Extents total{};
  double root_bound = 0;
};

class Searcher {
public:
  Searcher(const Layer &layer, const ArchSpec &arch, const SearchOptions &o)
      : layer_(layer), arch_(arch), o_(o), L_(arch.levels), start_(Clock::now()) {}

  SearchResult run() {
    SearchResult res;
    std::vector<MappingSpec> parts;
    MappingSpec m = MappingSpec::trivial(L_);
    Extents rem = layer_.sizes();
    partitions(0, m, rem, parts);
    std::vector<Sub> subs;
    for (const auto &p : parts) {
      walked(p, subs);
    }
    res.stats.subproblems = static_cast<std::int64_t>(subs.size());
    for (auto &sub : subs) {
      sub.root_bound = root_bound(sub);
    }
    // Best bound first: an early good mapping prunes the rest.
    std::stable_sort(subs.begin(), subs.end(),
                     [](const Sub &a, const Sub &b) { return a.root_bound < b.root_bound; });
    for (const auto &sub : subs) {
      if (stop_) {
        lower_ = std::min(lower_, sub.root_bound);
        continue;
      }
      if (cannot_beat(sub.root_bound, best_)) {
        ++res.stats.subproblems_pruned;
        continue;
      }
      m_ = sub.m;
      walks_ = sub.walks;
      dfs(L_ - 1, sub.total);
      if (stop_) {
        lower_ = std::min(lower_, sub.root_bound);
      }
    }
    res.stats.nodes = nodes_;
    res.interrupted = stop_ && o_.stop.interrupted();
    res.stats.pruned = pruned_;
    res.stats.evaluations = evals_;
    res.stats.capacity_cuts = cap_cuts_;
    res.stats.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (best_ < kInf) {
      res.found = true;
      res.mapping = best_m_;
      res.result = evaluate(layer_, arch_, best_m_);
      res.optimal = !stop_;
      res.lower_bound = res.optimal ? best_ : std::min(lower_, best_);
      res.gap = best_ > 0 ? (best_ - res.lower_bound) / best_ : 0;
    } else {
      res.optimal = !stop_;
    }
    return res;
  }

private:
  const HintEntry *hint(int l, int v) const {
    if (!o_.hint || v >= o_.hint->levels) {
      return nullptr;
    }
    const HintEntry &h = o_.hint->loops[static_cast<std::size_t>(l)][static_cast<std::size_t>(v)];
    return h.present ? &h : nullptr;
  }

  // Partitionings of every array level (levels with parallel_count != 1).
  void partitions(int v, MappingSpec &m, Extents &rem, std::vector<MappingSpec> &out) {
    if (v == L_) {
      out.push_back(m);
      return;
    }
    const std::int64_t count = arch_.parallel_count[static_cast<std::size_t>(v)];
    if (count == 1) {
      if (arch_.parallel_mode[static_cast<std::size_t>(v)] != 0) {
        m.para_loop_dim[static_cast<std::size_t>(v)].present = true;
      }
      partitions(v + 1, m, rem, out);
      return;
    }
    bool hinted = false;
    for (int l = 0; l < kNumLoops; ++l) {
      if (const HintEntry *h = hint(l, v); h && h->partitioning > 0) {
        hinted = true;
      }
    }
    std::vector<Extents> choices;
    if (hinted) {
      Extents p{};
      p.fill(1);
      for (int l = 0; l < kNumLoops; ++l) {
        if (const HintEntry *h = hint(l, v); h && h->partitioning > 0) {
          p[static_cast<std::size_t>(l)] = h->partitioning;
        }
      }
      choices.push_back(p);
    } else {
      Extents p{};
      p.fill(1);
      const auto need = static_cast<std::int64_t>(
          std::ceil(arch_.utilization_threshold * static_cast<double>(count) - 1e-9));
      part_rec(0, 1, count, need, rem, p, 0, choices);
    }
    const Extents before = rem;
    for (const auto &p : choices) {
      // A hinted partitioning need not divide: the tool walks that loop in ceil steps.
      bool ok = true;
      for (std::size_t l = 0; l < kNumLoops; ++l) {
        ok = ok && (hinted || rem[l] % p[l] == 0);
      }
      if (!ok) {
        continue;
      }
      auto &pd = m.para_loop_dim[static_cast<std::size_t>(v)];
      pd = LevelParaDims{};
      pd.present = arch_.parallel_mode[static_cast<std::size_t>(v)] != 0;
      for (int l = 0; l < kNumLoops; ++l) {
        m.partitioning[l][v] = p[static_cast<std::size_t>(l)];
        rem[static_cast<std::size_t>(l)] =
            ceil_div(rem[static_cast<std::size_t>(l)], p[static_cast<std::size_t>(l)]);
        if (p[static_cast<std::size_t>(l)] > 1 && pd.present) {
          pd.dims[static_cast<std::size_t>(pd.count)].count = 1;
          pd.dims[static_cast<std::size_t>(pd.count)].loops = {l, -1};
          ++pd.count;
        }
      }
      partitions(v + 1, m, rem, out);
      rem = before;
      for (int l = 0; l < kNumLoops; ++l) {
        m.partitioning[l][v] = 1;
      }
    }
  }

  // The array level whose hint partitions loop l (the tool walks a loop by its first hinted
  // level), or -1.
  int hinted_level(int l) const {
    for (int v = 0; v < L_; ++v) {
      const HintEntry *h = hint(l, v);
      if (h && h->partitioning > 0 && arch_.parallel_count[static_cast<std::size_t>(v)] != 1) {
        return v;
      }
    }
    return -1;
  }

  // The subproblems of one partitioning: every combination of its hinted loops' walks.
  void walked(const MappingSpec &part, std::vector<Sub> &out) const {
    Sub sub;
    sub.m = part;
    std::array<std::vector<Walk>, kNumLoops> options;
    const Extents sizes = layer_.sizes();
    for (int l = 0; l < kNumLoops; ++l) {
      const std::size_t li = static_cast<std::size_t>(l);
      const int h = hinted_level(l);
      std::int64_t extent = sizes[li];
      for (int v = 0; v < L_; ++v) {
        extent = v == h ? extent : extent / part.partitioning[l][v];
      }
      if (h < 0) {
        sub.total[li] = extent;
        options[li] = {Walk{}};
      } else {
        options[li] = hinted_walks(extent, h, part.partitioning[l][h], hint(l, h)->blocking);
      }
    }
    combine(0, options, sub, out);
  }

  void combine(int l, const std::array<std::vector<Walk>, kNumLoops> &options, Sub &sub,
               std::vector<Sub> &out) const {
    if (l == kNumLoops) {
      out.push_back(sub);
      return;
    }
    const std::size_t li = static_cast<std::size_t>(l);
    for (const Walk &w : options[li]) {
      sub.walks[li] = w;
      if (w.level >= 0) {
        sub.total[li] = w.total();
        sub.m.share[l][w.level] = w.share;
      }
      combine(l + 1, options, sub, out);
    }
  }

  // Up to 4 unrolled loops, product in [need, count].
  void part_rec(int l, std::int64_t prod, std::int64_t count, std::int64_t need, const Extents &rem,
                Extents &p, int used, std::vector<Extents> &out) {
    if (l == kNumLoops) {
      if (prod >= need) {
        out.push_back(p);
      }
      return;
    }
    part_rec(l + 1, prod, count, need, rem, p, used, out);
    if (used >= 4) {
      return;
    }
    for (std::int64_t f : divisors(rem[static_cast<std::size_t>(l)])) {
      if (f < 2 || prod * f > count) {
        continue;
      }
      p[static_cast<std::size_t>(l)] = f;
      part_rec(l + 1, prod * f, count, need, rem, p, used + 1, out);
      p[static_cast<std::size_t>(l)] = 1;
    }
  }

  // Bound with levels >= v fixed in m (blockings and orders), remaining extents `rem` below v.
  double bound(const MappingSpec &m, int v, const Extents &rem) {
    MappingSpec r = m;
    for (int l = 0; l < kNumLoops; ++l) {
      for (int u = 0; u < v; ++u) {
        r.blocking[l][u] = 1;
        r.order[l][u] = kNumLoops - 1;
      }
      if (v > 0) {
        r.blocking[l][0] = rem[static_cast<std::size_t>(l)];
      }
    }
    const Result res = evaluate(layer_, arch_, r);
    if (v == 0) {
      return res.energy_pj;
    }
    double sum = 0;
    for (int i = 0; i < res.count; ++i) {
      const auto &e = res.entries[static_cast<std::size_t>(i)];
      if (!e.is_array && e.level == 0 && arch_.mac_capacity != 0) {
        continue;
      }
      sum += e.energy_pj;
    }
    return sum;
  }

  double root_bound(const Sub &sub) { return bound(sub.m, L_, sub.total); }

  std::vector<std::vector<int>> order_classes(const std::vector<int> &loops) {
    std::vector<int> perm = loops;
    std::sort(perm.begin(), perm.end());
    std::set<std::vector<int>> seen;
    std::vector<std::vector<int>> out;
    do {
      std::vector<int> sig;
      for (int t = 0; t < kNumTensors; ++t) {
        int before = 0;
        for (int l : perm) {
          if (kRel_[static_cast<std::size_t>(t)][static_cast<std::size_t>(l)]) {
            break;
          }
          before |= 1 << l;
        }
        sig.push_back(before);
      }
      if (seen.insert(sig).second) {
        out.push_back(perm);
      }
    } while (std::next_permutation(perm.begin(), perm.end()));
    return out;
  }

  void set_order(int v, const std::vector<int> &perm) {
    for (int l = 0; l < kNumLoops; ++l) {
      m_.order[l][v] = kNumLoops - 1;
    }
    for (std::size_t i = 0; i < perm.size(); ++i) {
      m_.order[perm[i]][v] = static_cast<std::int64_t>(i);
    }
  }

  bool time_up() {
    if (stop_) {
      return true;
    }
    // Counted per call: nodes_ may pass many multiples of 256 between two calls.
    if ((++ticks_ & 63) != 0) {
      return false;
    }
    if (o_.stop.stop_requested() ||
        (o_.time_limit_s > 0 && best_ < kInf &&
         std::chrono::duration<double>(Clock::now() - start_).count() > o_.time_limit_s)) {
      stop_ = true;
    }
    return stop_;
  }

  struct Kid {
    double lb;
    Extents f;
    std::vector<int> perm;
  };

  // Level v's blockings with the remaining extents `rem`: every blocking and order class that
  // fits and is not cut, best bound first.
  void dfs(int v, const Extents &rem) {
    if (time_up()) {
      return;
    }
    if (v == 0) {
      innermost(rem);
      return;
    }
    std::array<std::vector<std::int64_t>, kNumLoops> cand;
    if (!candidates(v, rem, cand)) {
      return;
    }
    std::vector<Kid> kids;
    if (!bound_kids(v, rem, cand, kids)) {
      return; // time is up
    }
    std::stable_sort(kids.begin(), kids.end(),
                     [](const Kid &a, const Kid &b) { return a.lb < b.lb; });
    for (std::size_t k = 0; k < kids.size(); ++k) {
      if (cannot_beat(kids[k].lb, best_)) {
        pruned_ += static_cast<std::int64_t>(kids.size() - k);
        break;
      }
      Extents next{};
      for (int l = 0; l < kNumLoops; ++l) {
        m_.blocking[l][v] = kids[k].f[static_cast<std::size_t>(l)];
        next[static_cast<std::size_t>(l)] =
            rem[static_cast<std::size_t>(l)] / kids[k].f[static_cast<std::size_t>(l)];
      }
      set_order(v, kids[k].perm);
      dfs(v - 1, next);
      if (stop_) {
        break;
      }
    }
    for (int l = 0; l < kNumLoops; ++l) {
      m_.blocking[l][v] = 1;
      m_.order[l][v] = kNumLoops - 1;
    }
  }

  // The innermost level takes every extent left; each order class is evaluated.
  void innermost(const Extents &rem) {
    std::vector<int> loops;
    for (int l = 0; l < kNumLoops; ++l) {
      m_.blocking[l][0] = rem[static_cast<std::size_t>(l)];
      if (const HintEntry *h = hint(l, 0);
          h && h->blocking > 0 && h->blocking != rem[static_cast<std::size_t>(l)]) {
        return;
      }
      if (rem[static_cast<std::size_t>(l)] > 1) {
        loops.push_back(l);
      }
    }
    // Level 0 without a MAC register is charged per MAC whatever its order.
    const auto classes =
        arch_.mac_capacity == 0 ? std::vector<std::vector<int>>{loops} : order_classes(loops);
    for (const auto &perm : classes) {
      set_order(0, perm);
      ++evals_;
      const Result r = evaluate(layer_, arch_, m_);
      if (r.energy_pj < best_) {
        best_ = r.energy_pj;
        best_m_ = m_;
      }
    }
  }

  // Candidate blockings of loop l at level v, with `rem` left for levels v and below.
  std::vector<std::int64_t> walk_candidates(int l, int v, std::int64_t rem) const {
    const Walk &w = walks_[static_cast<std::size_t>(l)];
    if (w.level < 0 || v < w.level) {
      return divisors(rem);
    }
    if (v == w.level) {
      return {w.steps};
    }
    const std::int64_t outer_left = rem / (w.steps * w.inner);
    return v == w.level + 1 ? std::vector<std::int64_t>{outer_left} : divisors(outer_left);
  }

  // Candidate blockings per loop at level v: the walk's, kept only where they agree with a
  // blocking the hint gives; false when a loop has none.
  bool candidates(int v, const Extents &rem,
                  std::array<std::vector<std::int64_t>, kNumLoops> &cand) const {
    for (int l = 0; l < kNumLoops; ++l) {
      auto &c = cand[static_cast<std::size_t>(l)];
      c = walk_candidates(l, v, rem[static_cast<std::size_t>(l)]);
      if (const HintEntry *h = hint(l, v); h && h->blocking > 0) {
        const bool has = std::find(c.begin(), c.end(), h->blocking) != c.end();
        c = has ? std::vector<std::int64_t>{h->blocking} : std::vector<std::int64_t>{};
      }
      if (c.empty()) {
        return false;
      }
    }
    return true;
  }

  // Every combination of the candidates whose child tile is valid, each order class bounded;
  // `kids` gets those not cut. False when the time is up.
  bool bound_kids(int v, const Extents &rem,
                  const std::array<std::vector<std::int64_t>, kNumLoops> &cand,
                  std::vector<Kid> &kids) {
    std::array<std::size_t, kNumLoops> idx{};
    while (true) {
      Extents f{}, next{};
      std::vector<int> loops;
      for (int l = 0; l < kNumLoops; ++l) {
        f[static_cast<std::size_t>(l)] =
            cand[static_cast<std::size_t>(l)][idx[static_cast<std::size_t>(l)]];
        next[static_cast<std::size_t>(l)] =
            rem[static_cast<std::size_t>(l)] / f[static_cast<std::size_t>(l)];
        m_.blocking[l][v] = f[static_cast<std::size_t>(l)];
        if (f[static_cast<std::size_t>(l)] > 1) {
          loops.push_back(l);
        }
      }
      if (time_up()) {
        return false;
      }
      ++nodes_;
      if (child_fits(v, next)) {
        bound_orders(v, f, next, loops, kids);
      } else {
        ++cap_cuts_;
      }
      int l = 0;
      for (; l < kNumLoops; ++l) {
        if (++idx[static_cast<std::size_t>(l)] < cand[static_cast<std::size_t>(l)].size()) {
          break;
        }
        idx[static_cast<std::size_t>(l)] = 0;
      }
      if (l == kNumLoops) {
        return true;
      }
    }
  }

  // The tile of level v-1 is now fixed: check its capacity and utilization rules. `next` are
  // the blockings left for the levels up to v-1; their shares are those times the
  // partitionings, except a walked loop's share at its level.
  bool child_fits(int v, const Extents &next) const {
    Extents tile{}, bank{};
    std::int64_t pes = 1;
    for (int l = 0; l < kNumLoops; ++l) {
      const std::size_t li = static_cast<std::size_t>(l);
      const Walk &w = walks_[li];
      bank[li] = next[li];
      tile[li] = next[li];
      for (int u = 0; u < v; ++u) {
        tile[li] *= u == w.level ? 1 : m_.partitioning[l][u];
      }
      if (w.level >= 0 && w.level < v) {
        tile[li] = tile[li] / w.steps * w.share;
      }
      pes *= m_.partitioning[l][v - 1];
    }
    return level_usage(layer_, arch_, v - 1, tile, bank, pes).ok;
  }

  void bound_orders(int v, const Extents &f, const Extents &next, const std::vector<int> &loops,
                    std::vector<Kid> &kids) {
    auto it = classes_.find(loops);
    if (it == classes_.end()) {
      it = classes_.emplace(loops, order_classes(loops)).first;
    }
    for (const auto &perm : it->second) {
      set_order(v, perm);
      ++nodes_;
      const double lb = bound(m_, v, next);
      if (cannot_beat(lb, best_)) {
        ++pruned_;
      } else {
        kids.push_back({lb, f, perm});
      }
    }
  }

  const Layer &layer_;
  const ArchSpec &arch_;
  const SearchOptions &o_;
  int L_;
  Clock::time_point start_;
  MappingSpec m_, best_m_;
  Walks walks_{};
  double best_ = kInf, lower_ = kInf;
  bool stop_ = false;
  unsigned ticks_ = 0;
  std::int64_t nodes_ = 0, pruned_ = 0, evals_ = 0, cap_cuts_ = 0;
  std::map<std::vector<int>, std::vector<std::vector<int>>> classes_;
};

} // namespace

SearchResult search(const Layer &layer, const ArchSpec &arch, const SearchOptions &options) {
  if (arch.levels < 1 || arch.levels > kMaxLevels) {
    throw std::invalid_argument("interstellar search: the architecture needs 1..8 levels");
  }
  Searcher s(layer, arch, options);
  return s.run();
}

} // namespace hcl::sched::interstellar
