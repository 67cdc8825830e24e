#include <scheduler/search_random.h>

#include <scheduler/factorize.h>
#include <scheduler/validate.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace hcl::sched {


RandomSearchResult random_search(const Problem &p, const Arch &a, const RandomSearchOptions &o,
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
    ++r.samples;
    const auto &sp = spatial[std::uniform_int_distribution<std::size_t>(0, spatial.size() - 1)(rng)];
    const auto &kp = keeps[std::uniform_int_distribution<std::size_t>(0, keeps.size() - 1)(rng)];
    std::fill(f.begin(), f.end(), 1);
    for (int d = 0; d < D; ++d) {
      std::int64_t rem = p.bounds[static_cast<std::size_t>(d)];
      for (int l = 0; l < L; ++l) {
        for (const auto *v : {&sp.x[static_cast<std::size_t>(l)], &sp.y[static_cast<std::size_t>(l)]}) {
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

} // namespace hcl::sched
