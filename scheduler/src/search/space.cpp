#include <scheduler/search/space.h>

#include <scheduler/search/factorize.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace hcl::sched {

namespace {

using Rem = std::array<std::int64_t, kMaxDims>;

bool dim_allowed(const SpaceOptions &o, int d) {
  return o.unroll_dims.empty() ||
         std::find(o.unroll_dims.begin(), o.unroll_dims.end(), d) != o.unroll_dims.end();
}

const LevelConstraint *constraint_at(const SpaceOptions &o, int level) {
  if (o.constraints.empty() || level >= static_cast<int>(o.constraints.size())) {
    return nullptr;
  }
  return &o.constraints[static_cast<std::size_t>(level)];
}

// All loop lists for one axis: dims ascending, none in `used`, factors > 1 dividing rem,
// product <= side, at most `max_dims` loops.
void axis_lists(const Problem &p, const SpaceOptions &o, const LevelConstraint *c, const Rem &rem,
                unsigned used, std::int64_t side, int first_dim, std::vector<Loop> &cur,
                std::int64_t product, std::vector<std::vector<Loop>> &out) {
  out.push_back(cur);
  if (static_cast<int>(cur.size()) >= o.max_dims_per_axis) {
    return;
  }
  const int D = static_cast<int>(p.dim_names.size());
  for (int d = first_dim; d < D; ++d) {
    if ((used >> d) & 1U || !dim_allowed(o, d)) {
      continue;
    }
    const std::int64_t fixed = c ? c->spatial[static_cast<std::size_t>(d)] : 0;
    const std::int64_t max = c ? c->spatial_max[static_cast<std::size_t>(d)] : 0;
    if (fixed == 1) {
      continue;
    }
    for (std::int64_t f : divisors(rem[static_cast<std::size_t>(d)])) {
      if (f < 2 || product * f > side || (max > 0 && f > max)) {
        continue;
      }
      if (fixed > 1 && f != fixed) {
        continue;
      }
      cur.push_back({d, f});
      axis_lists(p, o, c, rem, used, side, d + 1, cur, product * f, out);
      cur.pop_back();
    }
  }
}

void spatial_rec(const Problem &p, const Arch &a, const SpaceOptions &o, int level, Rem &rem,
                 SpatialChoice &cur, std::vector<SpatialChoice> &out) {
  const int L = static_cast<int>(a.levels.size());
  if (level == L) {
    const double need = o.min_utilization * static_cast<double>(a.total_macs());
    if (static_cast<double>(cur.pes) + 1e-9 >= need) {
      out.push_back(cur);
    }
    return;
  }
  const Level &lv = a.levels[static_cast<std::size_t>(level)];
  const LevelConstraint *c = constraint_at(o, level);
  if (lv.fanout() == 1) {
    if (c) {
      for (std::int64_t f : c->spatial) {
        if (f > 1) {
          return; // a fixed spatial factor where there is no mesh: nothing in the space
        }
      }
    }
    spatial_rec(p, a, o, level + 1, rem, cur, out);
    return;
  }
  std::vector<std::vector<Loop>> xs, ys;
  std::vector<Loop> scratch;
  axis_lists(p, o, c, rem, 0U, lv.fanout_x, 0, scratch, 1, xs);
  auto has = [](const std::vector<Loop> &v, int d) {
    return d < 0 || std::any_of(v.begin(), v.end(), [d](const Loop &l) { return l.dim == d; });
  };
  for (const auto &x : xs) {
    if (lv.fanout_x > 1 && !has(x, o.dataflow_x)) {
      continue;
    }
    unsigned used = 0;
    for (const auto &l : x) {
      used |= 1U << l.dim;
      rem[static_cast<std::size_t>(l.dim)] /= l.factor;
    }
    ys.clear();
    axis_lists(p, o, c, rem, used, lv.fanout_y, 0, scratch, 1, ys);
    for (const auto &y : ys) {
      if (lv.fanout_y > 1 && !has(y, o.dataflow_y)) {
        continue;
      }
      unsigned all = used;
      for (const auto &l : y) {
        all |= 1U << l.dim;
      }
      bool ok = true;
      if (c) {
        const int D = static_cast<int>(p.dim_names.size());
        for (int d = 0; d < D; ++d) {
          if (c->spatial[static_cast<std::size_t>(d)] > 1 && !((all >> d) & 1U)) {
            ok = false;
          }
        }
        ok = ok && spatial_split_allowed(*c, D, x, y);
      }
      if (!ok) {
        continue;
      }
      std::int64_t pes = 1;
      for (const auto &l : y) {
        rem[static_cast<std::size_t>(l.dim)] /= l.factor;
        pes *= l.factor;
      }
      for (const auto &l : x) {
        pes *= l.factor;
      }
      cur.x[static_cast<std::size_t>(level)] = x;
      cur.y[static_cast<std::size_t>(level)] = y;
      const std::int64_t saved = cur.pes;
      cur.pes *= pes;
      spatial_rec(p, a, o, level + 1, rem, cur, out);
      cur.pes = saved;
      cur.x[static_cast<std::size_t>(level)].clear();
      cur.y[static_cast<std::size_t>(level)].clear();
      for (const auto &l : y) {
        rem[static_cast<std::size_t>(l.dim)] *= l.factor;
      }
    }
    for (const auto &l : x) {
      rem[static_cast<std::size_t>(l.dim)] *= l.factor;
    }
  }
}

int dim_by_name(const Problem &p, const std::string &name, const std::string &where) {
  int d = p.dim_index(name);
  // Timeloop's CNN layer shape calls the output channels M; constraints written for it (every
  // exercise design) mean our workload's K.
  if (d < 0 && name == "M") {
    d = p.dim_index("K");
  }
  if (d < 0) {
    std::string valid;
    for (const auto &n : p.dim_names) {
      valid += (valid.empty() ? "" : ", ") + n;
    }
    throw std::invalid_argument(
        fmt::format("{}: unknown dimension '{}' (valid: {})", where, name, valid));
  }
  return d;
}

std::vector<std::string> split_names(const Problem &p, const std::string &s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string tok;
  while (in >> tok) {
    if (p.dim_index(tok) < 0 && tok.size() > 1) {
      for (char ch : tok) { // Timeloop's compact form "RSPQCKN"
        out.emplace_back(1, ch);
      }
    } else {
      out.push_back(tok);
    }
  }
  return out;
}

} // namespace

bool slides_halo(const Problem &problem, int t, int d) {
  for (const auto &rank : problem.tensors[static_cast<std::size_t>(t)].projection) {
    if (rank.size() < 2) {
      continue;
    }
    for (const auto &term : rank) {
      if (term.dim == d) {
        return true;
      }
    }
  }
  return false;
}

std::vector<bool> repeats_earlier_cost(const std::vector<SpatialChoice> &spatial) {
  std::set<std::vector<std::int64_t>> seen;
  std::vector<bool> out(spatial.size(), false);
  for (std::size_t i = 0; i < spatial.size(); ++i) {
    const SpatialChoice &c = spatial[i];
    std::vector<std::int64_t> key; // per level: the factor product of every dimension
    for (std::size_t l = 0; l < c.x.size(); ++l) {
      std::array<std::int64_t, kMaxDims> product{};
      product.fill(1);
      for (const auto *axis : {&c.x[l], &c.y[l]}) {
        for (const auto &lp : *axis) {
          product[static_cast<std::size_t>(lp.dim)] *= lp.factor;
        }
      }
      key.insert(key.end(), product.begin(), product.end());
    }
    out[i] = !seen.insert(std::move(key)).second;
  }
  return out;
}

std::vector<SpatialChoice> enumerate_spatial(const Problem &problem, const Arch &arch,
                                             const SpaceOptions &opts) {
  const int L = static_cast<int>(arch.levels.size());
  Rem rem{};
  rem.fill(1);
  for (std::size_t d = 0; d < problem.bounds.size(); ++d) {
    rem[d] = problem.bounds[d];
  }
  SpatialChoice cur;
  cur.x.resize(static_cast<std::size_t>(L));
  cur.y.resize(static_cast<std::size_t>(L));
  std::vector<SpatialChoice> out;
  spatial_rec(problem, arch, opts, 0, rem, cur, out);
  return out;
}

std::vector<std::vector<std::array<bool, kMaxTensors>>>
enumerate_keeps(const Problem &problem, const Arch &arch, const SpaceOptions &opts) {
  const int L = static_cast<int>(arch.levels.size());
  const int T = static_cast<int>(problem.tensors.size());
  // Per level the allowed keep sets; then their product.
  std::vector<std::vector<std::array<bool, kMaxTensors>>> per_level(static_cast<std::size_t>(L));
  for (int l = 0; l < L; ++l) {
    const Level &lv = arch.levels[static_cast<std::size_t>(l)];
    const LevelConstraint *c = constraint_at(opts, l);
    for (unsigned mask = 0; mask < (1U << T); ++mask) {
      std::array<bool, kMaxTensors> keep{false, false, false};
      bool ok = true;
      for (int t = 0; t < T; ++t) {
        const bool k = (mask >> t) & 1U;
        keep[static_cast<std::size_t>(t)] = k;
        const bool allowed = lv.keeps[static_cast<std::size_t>(t)];
        const int fixed = c ? c->keep[static_cast<std::size_t>(t)] : 0;
        if (k && !allowed) {
          ok = false;
        }
        if (l == L - 1 || !opts.bypass) {
          ok = ok && (k == (allowed || l == L - 1));
        }
        if ((fixed == 1 && !k && allowed) || (fixed == -1 && k && l < L - 1)) {
          ok = false;
        }
      }
      if (ok) {
        per_level[static_cast<std::size_t>(l)].push_back(keep);
      }
    }
  }
  std::vector<std::vector<std::array<bool, kMaxTensors>>> out(1);
  for (int l = 0; l < L; ++l) {
    std::vector<std::vector<std::array<bool, kMaxTensors>>> next;
    for (const auto &prefix : out) {
      for (const auto &k : per_level[static_cast<std::size_t>(l)]) {
        next.push_back(prefix);
        next.back().push_back(k);
      }
    }
    out = std::move(next);
  }
  return out;
}

std::vector<std::vector<int>> order_classes(const Problem &problem, unsigned dims_mask,
                                            unsigned tensor_mask, const std::vector<int> &fixed,
                                            bool halo) {
  std::vector<int> dims;
  for (int d = 0; d < kMaxDims; ++d) {
    if ((dims_mask >> d) & 1U) {
      dims.push_back(d);
    }
  }
  // Fixed prefix first (only the dims present), the rest permuted outside it.
  std::vector<int> prefix, rest;
  for (int d : fixed) {
    if ((dims_mask >> d) & 1U) {
      prefix.push_back(d);
    }
  }
  for (int d : dims) {
    if (std::find(prefix.begin(), prefix.end(), d) == prefix.end()) {
      rest.push_back(d);
    }
  }
  const int T = static_cast<int>(problem.tensors.size());
  std::set<std::vector<int>> seen;
  std::vector<std::vector<int>> out;
  std::sort(rest.begin(), rest.end());
  do {
    std::vector<int> perm = prefix;
    perm.insert(perm.end(), rest.begin(), rest.end());
    std::vector<int> sig;
    for (int t = 0; t < T; ++t) {
      if (!((tensor_mask >> t) & 1U)) {
        continue;
      }
      unsigned before = 0;
      int first = -1; // -1: no relevant loop; kMaxDims: relevant, identity irrelevant
      for (int d : perm) {
        if (problem.relevant(t, d)) {
          first = halo && slides_halo(problem, t, d) ? d : kMaxDims;
          break;
        }
        before |= 1U << d;
      }
      sig.push_back(static_cast<int>(before));
      sig.push_back(first);
    }
    if (seen.insert(sig).second) {
      out.push_back(std::move(perm));
    }
  } while (std::next_permutation(rest.begin(), rest.end()));
  return out;
}

bool spatial_split_allowed(const LevelConstraint &c, int num_dims, const std::vector<Loop> &x,
                           const std::vector<Loop> &y) {
  const auto &perm = c.spatial_permutation;
  if (perm.empty() && c.split < 0) {
    return true;
  }
  auto on = [](const std::vector<Loop> &v, int d) {
    return std::any_of(v.begin(), v.end(), [d](const Loop &l) { return l.dim == d; });
  };
  auto listed = [&perm](int d) { return std::find(perm.begin(), perm.end(), d) != perm.end(); };
  const int n = static_cast<int>(perm.size());
  if (c.split >= 0) {
    // Sequence [listed][unlisted, any order]; positions < split are X.
    for (int i = 0; i < n; ++i) {
      const int d = perm[static_cast<std::size_t>(i)];
      if ((on(x, d) && i >= c.split) || (on(y, d) && i < c.split)) {
        return false;
      }
    }
    const int free_total = std::max(0, num_dims - n);
    const int free_x = std::clamp(c.split - n, 0, free_total);
    const auto ax =
        std::count_if(x.begin(), x.end(), [&](const Loop &l) { return !listed(l.dim); });
    const auto ay =
        std::count_if(y.begin(), y.end(), [&](const Loop &l) { return !listed(l.dim); });
    return ax <= free_x && ay <= free_total - free_x;
  }
  // No split: X is a prefix of [listed non-unit dims in order][unlisted non-unit, any order].
  bool y_started = false;
  for (int d : perm) {
    if (on(x, d) && y_started) {
      return false;
    }
    y_started = y_started || on(y, d);
  }
  return !y_started ||
         std::all_of(x.begin(), x.end(), [&](const Loop &l) { return listed(l.dim); });
}

bool temporal_constraints_hold(const Mapping &m, const SpaceOptions &so) {
  for (std::size_t l = 0; l < so.constraints.size() && l < m.levels.size(); ++l) {
    const LevelConstraint &c = so.constraints[l];
    const auto &lm = m.levels[l];
    for (int d = 0; d < kMaxDims; ++d) {
      std::int64_t f = 1;
      for (const auto &lp : lm.temporal) {
        if (lp.dim == d) {
          f *= lp.factor;
        }
      }
      const std::int64_t fixed = c.temporal[static_cast<std::size_t>(d)];
      const std::int64_t max = c.temporal_max[static_cast<std::size_t>(d)];
      if ((fixed > 0 && f != fixed) || (max > 0 && f > max)) {
        return false;
      }
    }
    std::size_t k = 0;
    for (int d : c.permutation) {
      const bool present = std::any_of(lm.temporal.begin(), lm.temporal.end(), [d](const Loop &lp) {
        return lp.dim == d && lp.factor > 1;
      });
      if (!present) {
        continue;
      }
      while (k < lm.temporal.size() && lm.temporal[k].factor == 1) {
        ++k;
      }
      if (k >= lm.temporal.size() || lm.temporal[k].dim != d) {
        return false;
      }
      ++k;
    }
  }
  return true;
}

std::vector<LevelConstraint> constraints_from_timeloop(const Problem &problem, const Arch &arch,
                                                       const std::vector<TimeloopConstraint> &tc) {
  std::vector<LevelConstraint> out(arch.levels.size());
  for (const auto &c : tc) {
    int level = -1;
    std::string names;
    for (std::size_t l = 0; l < arch.levels.size(); ++l) {
      names += (names.empty() ? "" : ", ") + arch.levels[l].name;
      if (arch.levels[l].name == c.target ||
          arch.levels[l].name == "inter_" + c.target + "_spatial") {
        level = static_cast<int>(l);
      }
    }
    if (level < 0) {
      throw std::invalid_argument(
          fmt::format("constraint target '{}' is not a level of arch '{}' (valid: {})", c.target,
                      arch.name, names));
    }
    LevelConstraint &lc = out[static_cast<std::size_t>(level)];
    const std::string where = fmt::format("{} constraint at {}", c.type, c.target);
    if (c.type == "dataspace") {
      for (std::size_t t = 0; t < problem.tensors.size(); ++t) {
        if (c.keep[t] != 0) {
          lc.keep[t] = c.keep[t];
        }
      }
      continue;
    }
    if (c.type != "temporal" && c.type != "spatial") {
      throw std::invalid_argument(
          fmt::format("{}: unknown constraint type (valid: temporal, spatial, dataspace)", where));
    }
    const bool spatial = c.type == "spatial";
    // Timeloop finds its D=n tokens by a regular expression, so commas separate them too.
    std::string factors = c.factors;
    std::replace(factors.begin(), factors.end(), ',', ' ');
    std::istringstream in(factors);
    std::string tok;
    while (in >> tok) {
      // Timeloop: "D=n" fixes the factor, "D<=n" bounds it (constraints.cpp ParseFactors and
      // ParseMaxFactors); there is no minimum.
      const auto le = tok.find("<=");
      const auto eq = tok.find('=');
      if (eq == std::string::npos || eq == 0 || (le != std::string::npos && le == 0)) {
        throw std::invalid_argument(
            fmt::format("{}: factor '{}' is not of the form D=n or D<=n", where, tok));
      }
      const bool is_max = le != std::string::npos;
      const std::string name = tok.substr(0, is_max ? le : eq);
      if (!name.empty() && (name.back() == '>' || name.back() == '<')) {
        throw std::invalid_argument(fmt::format(
            "{}: factor '{}': Timeloop constraints fix (D=n) or bound from above (D<=n) only",
            where, tok));
      }
      const int d = dim_by_name(problem, name, where);
      std::int64_t v = 0;
      try {
        std::size_t used = 0;
        const std::string num = tok.substr(eq + 1);
        v = std::stoll(num, &used);
        if (used != num.size()) {
          throw std::invalid_argument(num);
        }
      } catch (const std::exception &) {
        throw std::invalid_argument(
            fmt::format("{}: factor '{}' is not of the form D=n or D<=n", where, tok));
      }
      if (v < 0 || (is_max && v == 0)) {
        throw std::invalid_argument(
            fmt::format("{}: factor '{}' must be {}", where, tok, is_max ? "> 0" : ">= 0"));
      }
      const auto du = static_cast<std::size_t>(d);
      if (is_max) {
        (spatial ? lc.spatial_max : lc.temporal_max)[du] = v;
        continue;
      }
      // Timeloop reads 0, and anything above the bound, as the whole bound.
      const std::int64_t bound = problem.bounds[du];
      (spatial ? lc.spatial : lc.temporal)[du] = v == 0 || v > bound ? bound : v;
    }
    std::vector<int> perm;
    for (const auto &n : split_names(problem, c.permutation)) {
      const int d = dim_by_name(problem, n, where);
      if (std::find(perm.begin(), perm.end(), d) != perm.end()) {
        throw std::invalid_argument(fmt::format(
            "{}: dimension '{}' appears twice in permutation '{}'", where, n, c.permutation));
      }
      perm.push_back(d);
    }
    if (spatial) {
      lc.spatial_permutation = perm;
      lc.split = c.split;
    } else {
      lc.permutation = perm;
    }
  }
  return out;
}

} // namespace hcl::sched
