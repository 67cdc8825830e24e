// A brute-force enumerator of the auto-scheduler's search space (scheduler/search/space.h), written
// independently of scheduler/src/{space,search,lower_bound}.cpp: it gives every dimension every
// ordered factorization over all (level, temporal | spatial X | spatial Y) slots, filters by
// the space's spatial rules, tries every keep set and EVERY permutation of every level's loops
// (no order classes), drops mappings that validate.h rejects or that break the space's
// constraints (checked here from their definition: Timeloop's X/Y split by trying every loop
// sequence Timeloop could build), and evaluates the rest with the model. With max_pad > 0 it
// also enumerates every padded problem, picking the padded bounds with its own reading of the
// rule in padding.h. Exponential: only for tiny layers.
#pragma once

#include <scheduler/model/model.h>
#include <scheduler/search/factorize.h>
#include <scheduler/search/search.h>
#include <scheduler/search/space.h>
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
  bool complete = true;                  // false: stopped at `limit` mappings
  std::vector<Mapping> all;              // every valid mapping when `keep_all`
  std::vector<std::int64_t> best_bounds; // bounds of the problem the best mapping is of
};

// Timeloop's spatial X/Y assignment, literally (mapspaces/uber.cpp, subspaces.cpp): with a
// split the loop sequence is [listed dims][the others in any order]; without one it is
// [unit-factor dims][listed non-unit dims][other non-unit dims in any order] and the split
// ranges over [#unit dims, D]. Positions before the split are X. True when some sequence and
// split puts exactly the dims of xmask on X and those of ymask on Y.
inline bool timeloop_split_ok(const LevelConstraint &c, int D, unsigned xmask, unsigned ymask) {
  if (c.spatial_permutation.empty() && c.split < 0) {
    return true;
  }
  auto in = [](unsigned m, int d) { return ((m >> d) & 1U) != 0; };
  auto listed = [&c](int d) {
    return std::find(c.spatial_permutation.begin(), c.spatial_permutation.end(), d) !=
           c.spatial_permutation.end();
  };
  const unsigned used = xmask | ymask;
  std::vector<int> prefix, rest;
  int units = 0;
  if (c.split >= 0) {
    prefix = c.spatial_permutation;
  } else {
    for (int d = 0; d < D; ++d) {
      if (!in(used, d)) {
        prefix.push_back(d);
        ++units;
      }
    }
    for (int d : c.spatial_permutation) {
      if (in(used, d)) {
        prefix.push_back(d);
      }
    }
  }
  for (int d = 0; d < D; ++d) {
    if (std::find(prefix.begin(), prefix.end(), d) == prefix.end() && !(c.split < 0 && listed(d))) {
      rest.push_back(d);
    }
  }
  std::sort(rest.begin(), rest.end());
  do {
    std::vector<int> seq = prefix;
    seq.insert(seq.end(), rest.begin(), rest.end());
    const int lo = c.split >= 0 ? c.split : units;
    const int hi = c.split >= 0 ? c.split : D;
    for (int split = lo; split <= hi; ++split) {
      bool ok = true;
      for (int i = 0; i < static_cast<int>(seq.size()); ++i) {
        const int d = seq[static_cast<std::size_t>(i)];
        if (in(used, d) && in(xmask, d) != (i < split)) {
          ok = false;
        }
      }
      if (ok) {
        return true;
      }
    }
  } while (std::next_permutation(rest.begin(), rest.end()));
  return false;
}

// The fixed/maximum factors, permutations, splits and keeps of so.constraints, checked on a
// complete mapping straight from LevelConstraint's definition.
inline bool constraints_ok(const Problem &p, const Arch &a, const SpaceOptions &so,
                           const Mapping &m) {
  const int D = static_cast<int>(p.dim_names.size());
  for (std::size_t l = 0; l < so.constraints.size() && l < m.levels.size(); ++l) {
    const LevelConstraint &c = so.constraints[l];
    const LevelMapping &lm = m.levels[l];
    unsigned xmask = 0, ymask = 0;
    for (int d = 0; d < D; ++d) {
      const auto du = static_cast<std::size_t>(d);
      std::int64_t t = 1, s = 1;
      for (const auto &lp : lm.temporal) {
        t *= lp.dim == d ? lp.factor : 1;
      }
      for (const auto &lp : lm.spatial_x) {
        s *= lp.dim == d ? lp.factor : 1;
        xmask |= lp.dim == d ? 1U << d : 0U;
      }
      for (const auto &lp : lm.spatial_y) {
        s *= lp.dim == d ? lp.factor : 1;
        ymask |= lp.dim == d ? 1U << d : 0U;
      }
      if ((c.temporal[du] > 0 && t != c.temporal[du]) ||
          (c.spatial[du] > 0 && s != c.spatial[du]) ||
          (c.temporal_max[du] > 0 && t > c.temporal_max[du]) ||
          (c.spatial_max[du] > 0 && s > c.spatial_max[du])) {
        return false;
      }
    }
    // Listed dims with a loop here must be the innermost loops, in the listed order.
    std::size_t k = 0;
    for (int d : c.permutation) {
      for (const auto &lp : lm.temporal) {
        if (lp.dim == d) {
          if (k >= lm.temporal.size() || lm.temporal[k].dim != d) {
            return false;
          }
          ++k;
        }
      }
    }
    if (!timeloop_split_ok(c, D, xmask, ymask)) {
      return false;
    }
    if (l + 1 < m.levels.size()) {
      for (std::size_t t = 0; t < p.tensors.size(); ++t) {
        const bool kept = lm.keep[t] && a.levels[l].keeps[t];
        if ((c.keep[t] == 1 && a.levels[l].keeps[t] && !kept) || (c.keep[t] == -1 && kept)) {
          return false;
        }
      }
    }
  }
  return true;
}

// `padded_from`: the original problem when `p` is a padded version of it; a mapping must then
// also validate against the original with padding allowed (every outermost step needed).
inline Result enumerate_exact(const Problem &p, const Arch &a, Mode mode, Objective obj,
                              const SpaceOptions &so, bool keep_all, std::int64_t limit,
                              const Problem *padded_from = nullptr) {
  const int L = static_cast<int>(a.levels.size());
  const int D = static_cast<int>(p.dim_names.size());
  const int T = static_cast<int>(p.tensors.size());
  const int slots = 3 * L; // per level: temporal, X, Y
  std::vector<std::vector<std::vector<std::int64_t>>> fac(static_cast<std::size_t>(D));
  for (int d = 0; d < D; ++d) {
    fac[static_cast<std::size_t>(d)] =
        ordered_factorizations(p.bounds[static_cast<std::size_t>(d)], slots);
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
            const std::int64_t other =
                fac[static_cast<std::size_t>(d)][pick[static_cast<std::size_t>(d)]]
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
    ok = ok && static_cast<double>(pes) + 1e-9 >=
                   so.min_utilization * static_cast<double>(a.total_macs());
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
            m.levels[static_cast<std::size_t>(l)].spatial_x.push_back(
                {d, fs[static_cast<std::size_t>(3 * l + 1)]});
          }
          if (fs[static_cast<std::size_t>(3 * l + 2)] > 1) {
            m.levels[static_cast<std::size_t>(l)].spatial_y.push_back(
                {d, fs[static_cast<std::size_t>(3 * l + 2)]});
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
              } else if (k && !a.levels[static_cast<std::size_t>(l)]
                                   .keeps[static_cast<std::size_t>(t)]) {
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
            if (!constraints_ok(p, a, so, m) || !check_mapping(p, a, m).empty()) {
              return;
            }
            if (padded_from && !check_mapping(*padded_from, a, m, ValidateOptions{true}).empty()) {
              return;
            }
            ++r.valid;
            const double v = objective_value(ev.evaluate(m), obj);
            if (v < r.best) {
              r.best = v;
              r.best_bounds = p.bounds;
            }
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

// Padded bounds per padding.h's rule, read independently: a candidate must have a smaller
// largest prime factor than every smaller one kept (the bound itself included), or more
// factors of two than every one of them.
inline std::vector<std::int64_t> pads(std::int64_t b, double max_pad) {
  auto largest_prime = [](std::int64_t n) {
    std::int64_t best = 1;
    for (std::int64_t q = 2; q <= n; ++q) {
      if (n % q == 0) {
        best = q;
        while (n % q == 0) {
          n /= q;
        }
      }
    }
    return best;
  };
  auto twos = [](std::int64_t n) {
    int k = 0;
    for (; n % 2 == 0; n /= 2) {
      ++k;
    }
    return k;
  };
  std::vector<std::int64_t> out{b};
  for (std::int64_t c = b + 1;
       b > 1 && static_cast<double>(c) <= static_cast<double>(b) * (1 + max_pad) + 1e-9; ++c) {
    bool smoother = true, more_twos = true;
    for (std::int64_t prev : out) {
      smoother = smoother && largest_prime(c) < largest_prime(prev);
      more_twos = more_twos && twos(c) > twos(prev);
    }
    if (smoother || more_twos) {
      out.push_back(c);
    }
  }
  return out;
}

// The whole space: every padded problem (max_pad > 0) or just `p`.
inline Result enumerate(const Problem &p, const Arch &a, Mode mode, Objective obj,
                        const SpaceOptions &so, bool keep_all = false,
                        std::int64_t limit = 5'000'000) {
  std::vector<std::vector<std::int64_t>> variants(1);
  for (std::size_t d = 0; d < p.bounds.size(); ++d) {
    bool fixed = false;
    for (const auto &c : so.constraints) {
      fixed = fixed || c.temporal[d] > 0 || c.spatial[d] > 0;
    }
    const auto choices = so.max_pad > 0 && !fixed ? pads(p.bounds[d], so.max_pad)
                                                  : std::vector<std::int64_t>{p.bounds[d]};
    std::vector<std::vector<std::int64_t>> next;
    for (const auto &v : variants) {
      for (std::int64_t b : choices) {
        next.push_back(v);
        next.back().push_back(b);
      }
    }
    variants = std::move(next);
  }
  Result all;
  for (const auto &bounds : variants) {
    Problem q = p;
    q.bounds = bounds;
    Result r =
        enumerate_exact(q, a, mode, obj, so, keep_all, limit, bounds == p.bounds ? nullptr : &p);
    all.valid += r.valid;
    if (r.best < all.best) {
      all.best = r.best;
      all.best_bounds = r.best_bounds;
    }
    all.all.insert(all.all.end(), r.all.begin(), r.all.end());
  }
  return all;
}

} // namespace bf
