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

LocalSearchResult local_search(const Problem &p, const Arch &a, const RandomSearchOptions &o,
                               const Mapping &start, const std::vector<SpatialChoice> &spatial,
                               const std::vector<std::vector<std::array<bool, kMaxTensors>>> &keeps,
                               std::int64_t max_evaluations, const std::function<bool()> &give_up) {
  LocalSearchResult r;
  const std::size_t L = a.levels.size();
  // The spatial loops of a mapping as (level, axis, dim, factor) runs, sorted like
  // enumerate_spatial's, to test membership of the space's spatial choices.
  auto spatial_key = [&](const Mapping &mm) {
    std::vector<std::int64_t> key;
    for (std::size_t l = 0; l < L; ++l) {
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
  };
  std::set<std::vector<std::int64_t>> spatial_ok;
  for (const auto &sc : spatial) {
    Mapping mm;
    mm.levels.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
      mm.levels[l].spatial_x = sc.x[l];
      mm.levels[l].spatial_y = sc.y[l];
    }
    spatial_ok.insert(spatial_key(mm));
  }
  Evaluator ev(p, a, o.mode);
  r.mapping = start;
  r.objective = objective_value(ev.evaluate(start), o.objective);
  ++r.evaluations;
  Mapping m;
  // Tries m; true (and takes it) when it is valid and better.
  unsigned tries = 0;
  auto take = [&]() {
    if ((++tries & 63) == 0 && (o.stop.stop_requested() || (give_up && give_up()))) {
      max_evaluations = r.evaluations; // ends every loop below: what it has is its result
    }
    if (r.evaluations >= max_evaluations || !temporal_constraints_hold(m, o.space) ||
        !check_mapping(p, a, m).empty()) {
      return false;
    }
    ++r.evaluations;
    const double v = objective_value(ev.evaluate(m), o.objective);
    if (v < r.objective) {
      r.objective = v;
      r.mapping = m;
      return true;
    }
    return false;
  };
  bool improved = true;
  while (improved && r.evaluations < max_evaluations) {
    improved = false;
    // Move a prime factor of one loop to another level.
    for (std::size_t la = 0; la < L && !improved; ++la) {
      const auto &from = r.mapping.levels[la].temporal;
      for (std::size_t i = 0; i < from.size() && !improved; ++i) {
        const Loop loop = from[i];
        std::int64_t last = 0;
        for (const std::int64_t pf : prime_factors(loop.factor)) {
          if (pf == last || improved) {
            continue;
          }
          last = pf;
          for (std::size_t lb = 0; lb < L && !improved; ++lb) {
            if (lb == la) {
              continue;
            }
            for (int where = 0; where < 2 && !improved; ++where) {
              m = r.mapping;
              auto &src = m.levels[la].temporal;
              src[i].factor /= pf;
              if (src[i].factor == 1) {
                src.erase(src.begin() + static_cast<std::ptrdiff_t>(i));
              }
              auto &dst = m.levels[lb].temporal;
              auto it = std::find_if(dst.begin(), dst.end(),
                                     [&](const Loop &l) { return l.dim == loop.dim; });
              std::int64_t f = pf;
              if (it != dst.end()) {
                f *= it->factor;
                dst.erase(it);
              }
              if (where == 0) {
                dst.insert(dst.begin(), Loop{loop.dim, f});
              } else {
                dst.push_back(Loop{loop.dim, f});
              }
              improved = take();
            }
          }
        }
      }
    }
    // Move a prime factor between a level's temporal loops and one of its spatial axes.
    for (std::size_t l = 0; l < L && !improved; ++l) {
      if (a.levels[l].fanout() <= 1) {
        continue;
      }
      for (int axis = 0; axis < 2 && !improved; ++axis) {
        for (int dir = 0; dir < 2 && !improved; ++dir) { // 0: temporal -> spatial
          const auto &src0 = dir == 0 ? r.mapping.levels[l].temporal
                                      : (axis == 0 ? r.mapping.levels[l].spatial_x
                                                   : r.mapping.levels[l].spatial_y);
          for (std::size_t i = 0; i < src0.size() && !improved; ++i) {
            const Loop loop = src0[i];
            std::int64_t last = 0;
            for (const std::int64_t pf : prime_factors(loop.factor)) {
              if (pf == last || improved) {
                continue;
              }
              last = pf;
              m = r.mapping;
              auto &tl = m.levels[l].temporal;
              auto &sl = axis == 0 ? m.levels[l].spatial_x : m.levels[l].spatial_y;
              auto &src = dir == 0 ? tl : sl;
              auto &dst = dir == 0 ? sl : tl;
              src[i].factor /= pf;
              if (src[i].factor == 1) {
                src.erase(src.begin() + static_cast<std::ptrdiff_t>(i));
              }
              auto it = std::find_if(dst.begin(), dst.end(),
                                     [&](const Loop &x) { return x.dim == loop.dim; });
              if (it != dst.end()) {
                it->factor *= pf;
              } else {
                dst.insert(dst.begin(), Loop{loop.dim, pf});
              }
              std::sort(sl.begin(), sl.end(),
                        [](const Loop &x, const Loop &y) { return x.dim < y.dim; });
              if (spatial_ok.count(spatial_key(m)) != 0) {
                improved = take();
              }
            }
          }
        }
      }
    }
    // Swap two loops of a level.
    for (std::size_t l = 0; l < L && !improved; ++l) {
      const std::size_t n = r.mapping.levels[l].temporal.size();
      for (std::size_t i = 0; i < n && !improved; ++i) {
        for (std::size_t k = i + 1; k < n && !improved; ++k) {
          m = r.mapping;
          std::swap(m.levels[l].temporal[i], m.levels[l].temporal[k]);
          improved = take();
        }
      }
    }
    // Another keep assignment.
    for (std::size_t k = 0; k < keeps.size() && !improved; ++k) {
      m = r.mapping;
      for (std::size_t l = 0; l < L; ++l) {
        m.levels[l].keep = keeps[k][l];
      }
      improved = take();
    }
  }
  return r;
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
