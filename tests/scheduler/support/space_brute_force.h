// A brute-force enumerator of the auto-scheduler's search space (scheduler/space.h), written
// independently of scheduler/src/{space,search,lower_bound}.cpp: it gives every dimension every
// ordered factorization over all (level, temporal | spatial X | spatial Y) slots, filters by
// the space's spatial rules, tries every keep set and EVERY permutation of every level's loops
// (no order classes), drops mappings that validate.h rejects, and evaluates the rest with the
// model. Exponential: only for tiny layers.
#pragma once

#include <scheduler/factorize.h>
#include <scheduler/model.h>
#include <scheduler/search.h>
#include <scheduler/space.h>
#include <scheduler/validate.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace bf {

using namespace hcl::sched;

struct Result {
  double best = std::numeric_limits<double>::infinity();
  std::int64_t valid = 0;
  bool complete = true; // false: stopped at `limit` mappings
  std::vector<Mapping> all; // every valid mapping when `keep_all`
};

inline Result enumerate(const Problem &p, const Arch &a, Mode mode, Objective obj,
                        const SpaceOptions &so, bool keep_all = false,
                        std::int64_t limit = 5'000'000) {
  const int L = static_cast<int>(a.levels.size());
  const int D = static_cast<int>(p.dim_names.size());
  const int T = static_cast<int>(p.tensors.size());
  const int slots = 3 * L; // per level: temporal, X, Y
  std::vector<std::vector<std::vector<std::int64_t>>> fac(static_cast<std::size_t>(D));
  for (int d = 0; d < D; ++d) {
    fac[static_cast<std::size_t>(d)] = ordered_factorizations(p.bounds[static_cast<std::size_t>(d)], slots);
  }
  Evaluator ev(p, a, mode);
  Result r;
  std::int64_t visited = 0;
  std::vector<std::size_t> pick(static_cast<std::size_t>(D), 0);
  auto allowed = [&](int d) {
    return so.unroll_dims.empty() ||
           std::find(so.unroll_dims.begin(), so.unroll_dims.end(), d) != so.unroll_dims.end();
  };
  while (true) {
    // Spatial rules.
    bool ok = true;
    std::int64_t pes = 1;
    for (int l = 0; l < L && ok; ++l) {
      const auto &lv = a.levels[static_cast<std::size_t>(l)];
      for (int axis = 0; axis < 2 && ok; ++axis) {
        std::int64_t prod = 1;
        int count = 0;
        for (int d = 0; d < D; ++d) {
          const std::int64_t f = fac[static_cast<std::size_t>(d)][pick[static_cast<std::size_t>(d)]]
                                    [static_cast<std::size_t>(3 * l + 1 + axis)];
          if (f > 1) {
            prod *= f;
            ++count;
            ok = ok && allowed(d);
            const std::int64_t other = fac[static_cast<std::size_t>(d)][pick[static_cast<std::size_t>(d)]]
                                          [static_cast<std::size_t>(3 * l + 2 - axis)];
            ok = ok && other == 1;
          }
        }
        const int need = axis == 0 ? so.dataflow_x : so.dataflow_y;
        if (need >= 0 && (axis == 0 ? lv.fanout_x : lv.fanout_y) > 1) {
          ok = ok && fac[static_cast<std::size_t>(need)][pick[static_cast<std::size_t>(need)]]
                        [static_cast<std::size_t>(3 * l + 1 + axis)] > 1;
        }
        pes *= prod;
        ok = ok && count <= so.max_dims_per_axis && prod <= (axis == 0 ? lv.fanout_x : lv.fanout_y);
      }
    }
    ok = ok && static_cast<double>(pes) + 1e-9 >= so.min_utilization * static_cast<double>(a.total_macs());
    if (ok) {
      Mapping m;
      m.levels.resize(static_cast<std::size_t>(L));
      std::vector<std::vector<int>> dims(static_cast<std::size_t>(L));
      for (int l = 0; l < L; ++l) {
        for (int d = 0; d < D; ++d) {
          const auto &fs = fac[static_cast<std::size_t>(d)][pick[static_cast<std::size_t>(d)]];
          if (fs[static_cast<std::size_t>(3 * l)] > 1) {
            dims[static_cast<std::size_t>(l)].push_back(d);
          }
          if (fs[static_cast<std::size_t>(3 * l + 1)] > 1) {
            m.levels[static_cast<std::size_t>(l)].spatial_x.push_back({d, fs[static_cast<std::size_t>(3 * l + 1)]});
          }
          if (fs[static_cast<std::size_t>(3 * l + 2)] > 1) {
            m.levels[static_cast<std::size_t>(l)].spatial_y.push_back({d, fs[static_cast<std::size_t>(3 * l + 2)]});
          }
        }
      }
      // Keep sets: every subset of what the arch allows (all at the backing store).
      const std::int64_t keep_combos = std::int64_t{1} << (T * (L - 1));
      for (std::int64_t kc = 0; kc < keep_combos; ++kc) {
        bool kok = true;
        for (int l = 0; l < L; ++l) {
          for (int t = 0; t < T; ++t) {
            bool k = true;
            if (l < L - 1) {
              k = (kc >> (l * T + t)) & 1;
              if (!so.bypass) {
                k = a.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)];
              } else if (k && !a.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)]) {
                kok = false;
              }
            }
            m.levels[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)] = k;
          }
        }
        if (!kok || (!so.bypass && kc > 0)) {
          continue;
        }
        // Every permutation at every level.
        std::vector<std::vector<int>> perm = dims;
        std::function<void(int)> rec = [&](int l) {
          if (l == L) {
            ++visited;
            if (!check_mapping(p, a, m).empty()) {
              return;
            }
            ++r.valid;
            const double v = objective_value(ev.evaluate(m), obj);
            r.best = std::min(r.best, v);
            if (keep_all) {
              r.all.push_back(m);
            }
            return;
          }
          auto &pl = perm[static_cast<std::size_t>(l)];
          std::sort(pl.begin(), pl.end());
          do {
            auto &tl = m.levels[static_cast<std::size_t>(l)].temporal;
            tl.clear();
            for (int d : pl) {
              tl.push_back({d, fac[static_cast<std::size_t>(d)][pick[static_cast<std::size_t>(d)]]
                                  [static_cast<std::size_t>(3 * l)]});
            }
            rec(l + 1);
          } while (std::next_permutation(pl.begin(), pl.end()));
        };
        rec(0);
        if (visited > limit) {
          r.complete = false;
          return r;
        }
      }
    }
    int d = 0;
    for (; d < D; ++d) {
      if (++pick[static_cast<std::size_t>(d)] < fac[static_cast<std::size_t>(d)].size()) {
        break;
      }
      pick[static_cast<std::size_t>(d)] = 0;
    }
    if (d == D) {
      break;
    }
  }
  return r;
}

} // namespace bf
