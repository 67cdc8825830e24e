#include <scheduler/search/search_random.h>

#include <scheduler/search/factorize.h>
#include <scheduler/validate.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>

namespace hcl::sched {

RandomSearchResult
random_search(const Problem &p, const Arch &a, const RandomSearchOptions &o,
              const std::vector<SpatialChoice> &spatial,
              const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps) {
  const auto start = std::chrono::steady_clock::now();
  RandomSearchResult r;
  if (spatial.empty() || keeps.empty()) {
    return r;
  }
  std::mt19937 rng(o.seed);
  const int L = static_cast<int>(a.levels.size());
  const int D = static_cast<int>(p.dim_names.size());
  Evaluator ev(p, a, o.mode);
  int stale = 0;
  Mapping m;
  m.levels.resize(static_cast<std::size_t>(L));
  std::vector<std::int64_t> f(static_cast<std::size_t>(L * D));
  while (stale < o.patience && r.samples < o.max_samples) {
    if ((r.samples & 63) == 0 && o.stop.stop_requested()) {
      break;
    }
    ++r.samples;
    const auto &sp =
        spatial[std::uniform_int_distribution<std::size_t>(0, spatial.size() - 1)(rng)];
    const auto &kp = keeps[std::uniform_int_distribution<std::size_t>(0, keeps.size() - 1)(rng)];
    std::fill(f.begin(), f.end(), 1);
    for (int d = 0; d < D; ++d) {
      std::int64_t rem = p.bounds[static_cast<std::size_t>(d)];
      for (int l = 0; l < L; ++l) {
        for (const auto *v :
             {&sp.x[static_cast<std::size_t>(l)], &sp.y[static_cast<std::size_t>(l)]}) {
          for (const auto &lp : *v) {
            if (lp.dim == d) {
              rem /= lp.factor;
            }
          }
        }
      }
      for (std::int64_t pf : prime_factors(rem)) {
        const int l = std::uniform_int_distribution<int>(0, L - 1)(rng);
        f[static_cast<std::size_t>(l * D + d)] *= pf;
      }
    }
    for (int l = 0; l < L; ++l) {
      auto &lm = m.levels[static_cast<std::size_t>(l)];
      lm.spatial_x = sp.x[static_cast<std::size_t>(l)];
      lm.spatial_y = sp.y[static_cast<std::size_t>(l)];
      lm.keep = kp[static_cast<std::size_t>(l)];
      lm.temporal.clear();
      for (int d = 0; d < D; ++d) {
        const std::int64_t fd = f[static_cast<std::size_t>(l * D + d)];
        if (fd > 1) {
          lm.temporal.push_back({d, fd});
        }
      }
      std::shuffle(lm.temporal.begin(), lm.temporal.end(), rng);
    }
    if (!temporal_constraints_hold(m, o.space) || !check_mapping(p, a, m).empty()) {
      continue;
    }
    ++r.valid;
    const double v = objective_value(ev.evaluate(m), o.objective);
    if (v < r.objective) {
      r.objective = v;
      r.mapping = m;
      r.found = true;
      stale = 0;
    } else {
      ++stale;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

RandomSearchResult random_search(const Problem &problem, const Arch &arch,
                                 const RandomSearchOptions &options) {
  return random_search(problem, arch, options, enumerate_spatial(problem, arch, options.space),
                       enumerate_keeps(problem, arch, options.space));
}

namespace {

using Keeps = std::vector<std::vector<std::array<bool, kMaxTensors>>>;

// The spatial loops of a mapping as (level, axis, dim, factor) runs, sorted like
// enumerate_spatial's, to test membership of the space's spatial choices.
std::vector<std::int64_t> spatial_key(const Mapping &mm) {
  std::vector<std::int64_t> key;
  for (std::size_t l = 0; l < mm.levels.size(); ++l) {
    for (int axis = 0; axis < 2; ++axis) {
      auto loops = axis == 0 ? mm.levels[l].spatial_x : mm.levels[l].spatial_y;
      std::sort(loops.begin(), loops.end(),
                [](const Loop &x, const Loop &y) { return x.dim < y.dim; });
      for (const auto &lp : loops) {
        key.insert(key.end(), {static_cast<std::int64_t>(l), axis, lp.dim, lp.factor});
      }
    }
  }
  return key;
}

// Takes one loop's factor `pf` out of `loops`[i] (dropping the loop at 1).
void take_factor(std::vector<Loop> &loops, std::size_t i, std::int64_t pf) {
  loops[i].factor /= pf;
  if (loops[i].factor == 1) {
    loops.erase(loops.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

// First-improvement hill climbing over four moves, each tried in a fixed order, until none
// improves or the evaluation budget is spent.
class Climber {
public:
  Climber(const Problem &p, const Arch &a, const RandomSearchOptions &o,
          const std::vector<SpatialChoice> &spatial, const Keeps &keeps,
          std::int64_t max_evaluations, const std::function<bool()> &give_up)
      : p_(p), a_(a), o_(o), keeps_(keeps), max_evaluations_(max_evaluations), give_up_(give_up),
        ev_(p, a, o.mode), L_(a.levels.size()) {
    for (const auto &sc : spatial) {
      Mapping mm;
      mm.levels.resize(L_);
      for (std::size_t l = 0; l < L_; ++l) {
        mm.levels[l].spatial_x = sc.x[l];
        mm.levels[l].spatial_y = sc.y[l];
      }
      spatial_ok_.insert(spatial_key(mm));
    }
  }

  LocalSearchResult climb(const Mapping &start) {
    r_.mapping = start;
    r_.objective = objective_value(ev_.evaluate(start), o_.objective);
    ++r_.evaluations;
    bool improved = true;
    while (improved && r_.evaluations < max_evaluations_) {
      improved = move_between_levels() || move_to_spatial() || swap_loops() || change_keeps();
    }
    return r_;
  }

private:
  // Tries m_; true (and takes it) when it is valid and better.
  bool take() {
    if ((++tries_ & 63) == 0 && (o_.stop.stop_requested() || (give_up_ && give_up_()))) {
      max_evaluations_ = r_.evaluations; // ends every move: what it has is its result
    }
    if (r_.evaluations >= max_evaluations_ || !temporal_constraints_hold(m_, o_.space) ||
        !check_mapping(p_, a_, m_).empty()) {
      return false;
    }
    ++r_.evaluations;
    const double v = objective_value(ev_.evaluate(m_), o_.objective);
    if (v < r_.objective) {
      r_.objective = v;
      r_.mapping = m_;
      return true;
    }
    return false;
  }

  // Each distinct prime factor of `factor`, while `body` does not improve.
  template <class Body> static bool each_prime(std::int64_t factor, Body &&body) {
    std::int64_t last = 0;
    for (const std::int64_t pf : prime_factors(factor)) {
      if (pf != last) {
        last = pf;
        if (body(pf)) {
          return true;
        }
      }
    }
    return false;
  }

  // A prime factor of one temporal loop to another level, innermost or outermost there.
  bool move_between_levels() {
    for (std::size_t la = 0; la < L_; ++la) {
      const auto &from = r_.mapping.levels[la].temporal;
      for (std::size_t i = 0; i < from.size(); ++i) {
        const Loop loop = from[i];
        if (each_prime(loop.factor,
                       [&](std::int64_t pf) { return move_factor(la, i, loop, pf); })) {
          return true;
        }
      }
    }
    return false;
  }

  bool move_factor(std::size_t la, std::size_t i, const Loop &loop, std::int64_t pf) {
    for (std::size_t lb = 0; lb < L_; ++lb) {
      for (int where = 0; where < 2 && lb != la; ++where) {
        m_ = r_.mapping;
        take_factor(m_.levels[la].temporal, i, pf);
        auto &dst = m_.levels[lb].temporal;
        auto it =
            std::find_if(dst.begin(), dst.end(), [&](const Loop &l) { return l.dim == loop.dim; });
        std::int64_t f = pf;
        if (it != dst.end()) {
          f *= it->factor;
          dst.erase(it);
        }
        dst.insert(where == 0 ? dst.begin() : dst.end(), Loop{loop.dim, f});
        if (take()) {
          return true;
        }
      }
    }
    return false;
  }

  // A prime factor between a level's temporal loops and one of its spatial axes, where the
  // result is one of the space's spatial choices.
  bool move_to_spatial() {
    for (std::size_t l = 0; l < L_; ++l) {
      if (a_.levels[l].fanout() <= 1) {
        continue;
      }
      for (int axis = 0; axis < 2; ++axis) {
        for (int dir = 0; dir < 2; ++dir) { // 0: temporal -> spatial
          const auto &lm = r_.mapping.levels[l];
          const auto &src = dir == 0 ? lm.temporal : (axis == 0 ? lm.spatial_x : lm.spatial_y);
          for (std::size_t i = 0; i < src.size(); ++i) {
            const Loop loop = src[i];
            if (each_prime(loop.factor,
                           [&](std::int64_t pf) { return move_axis(l, axis, dir, i, loop, pf); })) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  bool move_axis(std::size_t l, int axis, int dir, std::size_t i, const Loop &loop,
                 std::int64_t pf) {
    m_ = r_.mapping;
    auto &tl = m_.levels[l].temporal;
    auto &sl = axis == 0 ? m_.levels[l].spatial_x : m_.levels[l].spatial_y;
    auto &dst = dir == 0 ? sl : tl;
    take_factor(dir == 0 ? tl : sl, i, pf);
    auto it =
        std::find_if(dst.begin(), dst.end(), [&](const Loop &x) { return x.dim == loop.dim; });
    if (it != dst.end()) {
      it->factor *= pf;
    } else {
      dst.insert(dst.begin(), Loop{loop.dim, pf});
    }
    std::sort(sl.begin(), sl.end(), [](const Loop &x, const Loop &y) { return x.dim < y.dim; });
    return spatial_ok_.count(spatial_key(m_)) != 0 && take();
  }

  bool swap_loops() {
    for (std::size_t l = 0; l < L_; ++l) {
      const std::size_t n = r_.mapping.levels[l].temporal.size();
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = i + 1; k < n; ++k) {
          m_ = r_.mapping;
          std::swap(m_.levels[l].temporal[i], m_.levels[l].temporal[k]);
          if (take()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  bool change_keeps() {
    for (const auto &keep : keeps_) {
      m_ = r_.mapping;
      for (std::size_t l = 0; l < L_; ++l) {
        m_.levels[l].keep = keep[l];
      }
      if (take()) {
        return true;
      }
    }
    return false;
  }

  const Problem &p_;
  const Arch &a_;
  const RandomSearchOptions &o_;
  const Keeps &keeps_;
  std::int64_t max_evaluations_;
  const std::function<bool()> &give_up_;
  Evaluator ev_;
  std::size_t L_;
  std::set<std::vector<std::int64_t>> spatial_ok_;
  LocalSearchResult r_;
  Mapping m_;
  unsigned tries_ = 0;
};

} // namespace

LocalSearchResult local_search(const Problem &p, const Arch &a, const RandomSearchOptions &o,
                               const Mapping &start, const std::vector<SpatialChoice> &spatial,
                               const Keeps &keeps, std::int64_t max_evaluations,
                               const std::function<bool()> &give_up) {
  return Climber(p, a, o, spatial, keeps, max_evaluations, give_up).climb(start);
}

std::vector<IncumbentStart>
incumbent_starts(const Problem &p, const Arch &a, const RandomSearchOptions &o,
                 const std::vector<SpatialChoice> &spatial,
                 const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps,
                 const std::vector<std::pair<std::size_t, std::size_t>> &preferred,
                 std::size_t restarts, int threads, const std::function<bool()> &stop) {
  std::vector<IncumbentStart> starts(restarts);
  std::atomic<std::size_t> at{0};
  std::atomic<std::size_t> first_empty{restarts}; // starts after it are not used
  std::atomic<bool> any{false};
  auto body = [&] {
    for (std::size_t i = at++;
         i < restarts && i < first_empty && !(any && stop()) && !o.stop.stop_requested();
         i = at++) {
      RandomSearchOptions mine = o;
      mine.seed = static_cast<std::uint32_t>(i + 1);
      mine.max_samples = 20'000;
      IncumbentStart &st = starts[i];
      // One uniform start rarely lands in the preferred (lowest-bound) subproblems.
      if (i % 2 == 1 && i / 2 < preferred.size()) {
        const auto [sp, kp] = preferred[i / 2];
        RandomSearchOptions inside = mine;
        inside.max_samples = 2'000; // a low bound may hide an empty subproblem: give up soon
        st.random = random_search(p, a, inside, {spatial[sp]}, {keeps[kp]});
      }
      if (!st.random.found) {
        st.random = random_search(p, a, mine, spatial, keeps);
      }
      if (!st.random.found) {
        for (std::size_t e = first_empty; i < e && !first_empty.compare_exchange_weak(e, i);) {
        }
        continue;
      }
      // Out of time, a climb ends where it is: its start already is an incumbent.
      st.local = local_search(p, a, mine, st.random.mapping, spatial, keeps, 50'000, stop);
      any = true;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back(body);
  }
  body();
  for (auto &th : pool) {
    th.join();
  }
  return starts;
}

} // namespace hcl::sched
