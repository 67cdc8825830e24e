#include <scheduler/search/padding.h>

#include <scheduler/counts.h>
#include <scheduler/model/bounds.h>
#include <scheduler/search/factorize.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace hcl::sched {

namespace {

int twos(std::int64_t n) {
  int k = 0;
  while (n % 2 == 0) {
    n /= 2;
    ++k;
  }
  return k;
}

// Values above a bound that the largest-prime rule examines (padding.h): factorizing every
// value up to b * (1 + max_pad) would take minutes for a bound of 10^8.
constexpr std::int64_t kPadScan = std::int64_t{1} << 12;

void add(SearchStats &a, const SearchStats &b) {
  a.subproblems += b.subproblems;
  a.subproblems_pruned += b.subproblems_pruned;
  a.nodes += b.nodes;
  a.pruned += b.pruned;
  a.evaluations += b.evaluations;
  a.capacity_cuts += b.capacity_cuts;
}

} // namespace

std::vector<std::int64_t> padding_candidates(std::int64_t b, double max_pad) {
  if (b < 1 || !(max_pad >= 0) || !std::isfinite(max_pad)) {
    throw std::invalid_argument(fmt::format(
        "padding: bound must be >= 1 and max_pad finite and >= 0, got {} and {}", b, max_pad));
  }
  // The 1e-9 keeps b * (1 + p) from losing an exact integer to rounding (e.g. 8 * 1.25).
  const double top_d = std::floor(static_cast<double>(b) * (1 + max_pad) + 1e-9);
  constexpr std::int64_t kTopMax = std::int64_t{1} << 62; // larger is no bound of a layer
  const std::int64_t top =
      top_d >= static_cast<double>(kTopMax) ? kTopMax : static_cast<std::int64_t>(top_d);
  std::vector<std::int64_t> out;
  if (b == 1) {
    return out; // nothing to split: padding would only repeat the work
  }
  std::int64_t best_prime = prime_factors(b).back();
  int best_twos = twos(b);
  const std::int64_t scan_end = top - b > kPadScan ? b + kPadScan : top;
  for (std::int64_t c = b + 1; c <= scan_end; ++c) {
    const std::int64_t largest = prime_factors(c).back();
    const int t = twos(c);
    if (largest < best_prime || t > best_twos) {
      out.push_back(c);
      best_prime = std::min(best_prime, largest);
      best_twos = std::max(best_twos, t);
    }
  }
  // Past the scan only the factors-of-two rule applies. The values it keeps are the next
  // multiples of ever higher powers of two, found without factorizing anything.
  for (std::int64_t c = scan_end; best_twos < 62;) {
    const std::int64_t step = std::int64_t{1} << (best_twos + 1);
    const std::int64_t below = c - c % step; // c + step may not fit: compare before adding
    if (below > top - step) {
      break;
    }
    c = below + step;
    out.push_back(c);
    best_twos = twos(c);
  }
  return out;
}

std::vector<std::vector<std::int64_t>> padding_variants(const Problem &problem,
                                                        const SpaceOptions &opts) {
  const std::size_t D = problem.bounds.size();
  std::vector<std::vector<std::int64_t>> choices(D);
  for (std::size_t d = 0; d < D; ++d) {
    choices[d] = {problem.bounds[d]};
    bool fixed = false;
    for (const auto &c : opts.constraints) {
      fixed = fixed || c.temporal[d] > 0 || c.spatial[d] > 0;
    }
    if (!fixed && opts.max_pad > 0) {
      for (std::int64_t b : padding_candidates(problem.bounds[d], opts.max_pad)) {
        choices[d].push_back(b);
      }
    }
  }
  std::vector<std::vector<std::int64_t>> out(1);
  for (std::size_t d = 0; d < D; ++d) {
    std::vector<std::vector<std::int64_t>> next;
    for (const auto &prefix : out) {
      for (std::int64_t b : choices[d]) {
        next.push_back(prefix);
        next.back().push_back(b);
      }
    }
    out = std::move(next);
  }
  auto macs = [](const std::vector<std::int64_t> &v) {
    double m = 1;
    for (std::int64_t b : v) {
      m *= static_cast<double>(b);
    }
    return m;
  };
  // out[0] is the unpadded problem (every dimension's first choice); it stays first.
  out.erase(
      std::remove_if(out.begin() + 1, out.end(),
                     [&](const auto &v) { return !check_counts(with_bounds(problem, v)).ok(); }),
      out.end());
  std::stable_sort(out.begin() + 1, out.end(), [&](const auto &a, const auto &b) {
    return macs(a) < macs(b) || (macs(a) == macs(b) && a < b);
  });
  return out;
}

Problem with_bounds(const Problem &problem, const std::vector<std::int64_t> &bounds) {
  if (bounds.size() != problem.bounds.size()) {
    throw std::invalid_argument(
        fmt::format("padding: {} bounds given for a problem with {} dimensions", bounds.size(),
                    problem.bounds.size()));
  }
  for (std::size_t d = 0; d < bounds.size(); ++d) {
    if (bounds[d] < 1) {
      throw std::invalid_argument(fmt::format("padding: bound of {} must be >= 1, got {}",
                                              problem.dim_names[d], bounds[d]));
    }
  }
  Problem p = problem;
  p.bounds = bounds;
  return p;
}

std::vector<std::int64_t> mapping_bounds(const Problem &problem, const Mapping &m) {
  std::vector<std::int64_t> out(problem.dim_names.size(), 1);
  for (const auto &lm : m.levels) {
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &l : *loops) {
        if (l.dim >= 0 && static_cast<std::size_t>(l.dim) < out.size()) {
          out[static_cast<std::size_t>(l.dim)] *= l.factor;
        }
      }
    }
  }
  return out;
}

bool padding_steps_needed(const Problem &original, const Mapping &m) {
  std::array<std::int64_t, kMaxDims> product{}, outermost{};
  product.fill(1);
  outermost.fill(1);
  // Innermost level first; within a level the spatial loops sit below the temporal ones.
  for (const auto &lm : m.levels) {
    for (const auto *loops : {&lm.spatial_x, &lm.spatial_y, &lm.temporal}) {
      for (const auto &l : *loops) {
        product[static_cast<std::size_t>(l.dim)] *= l.factor;
        if (l.factor > 1) {
          outermost[static_cast<std::size_t>(l.dim)] = l.factor;
        }
      }
    }
  }
  for (std::size_t d = 0; d < original.bounds.size(); ++d) {
    const std::int64_t b = original.bounds[d];
    if (product[d] > b && product[d] / outermost[d] * (outermost[d] - 1) >= b) {
      return false;
    }
  }
  return true;
}

void report_against_original(const Problem &original, const Arch &arch, Evaluation &e) {
  e.bounds = compute_bounds(original, arch);
  if (e.macs > 0) {
    e.utilization *= static_cast<double>(original.macs()) / static_cast<double>(e.macs);
  }
}

SearchResult search_padded(const Problem &problem, const Arch &arch, const SearchOptions &options) {
  using Clock = std::chrono::steady_clock;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto start = Clock::now();
  const auto variants = padding_variants(problem, options.space);
  SearchOptions o = options;
  o.space.max_pad = 0;
  o.admit = [&problem, &options](const Mapping &m) {
    return padding_steps_needed(problem, m) && (!options.admit || options.admit(m));
  };
  SearchResult best;
  best.bounds = problem.bounds;
  bool have = false, finished = true;
  double lower = kInf;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (options.stop.stop_requested()) {
      // Stopped: each variant left keeps the bound every mapping of it meets.
      finished = false;
      best.interrupted = best.interrupted || options.stop.interrupted();
      lower = std::min(lower,
                       objective_floor(with_bounds(problem, variants[i]), arch, options.objective));
      continue;
    }
    if (options.time_limit_s > 0) {
      const double used = std::chrono::duration<double>(Clock::now() - start).count();
      if (have && used >= options.time_limit_s) {
        // No time left: the variant keeps the bound every mapping of it meets.
        finished = false;
        lower = std::min(
            lower, objective_floor(with_bounds(problem, variants[i]), arch, options.objective));
        continue;
      }
      // The unpadded problem gets half the budget, so --pad with a time limit does not starve
      // the search a run without it would do; the padded variants share the rest equally.
      o.time_limit_s = i == 0 && variants.size() > 1
                           ? options.time_limit_s / 2
                           : std::max(1e-3, (options.time_limit_s - used) /
                                                static_cast<double>(variants.size() - i));
    }
    o.beat = have ? std::min(best.objective, options.beat) : options.beat;
    const Problem padded = with_bounds(problem, variants[i]);
    SearchResult r = search(padded, arch, o);
    add(best.stats, r.stats);
    if (!r.optimal) {
      finished = false;
      lower = std::min(lower, r.lower_bound);
    }
    const bool interrupted = best.interrupted || r.interrupted;
    if (r.found && (!have || r.objective < best.objective)) {
      const SearchStats stats = best.stats;
      best = std::move(r);
      best.stats = stats;
      best.bounds = variants[i];
      have = true;
    }
    best.interrupted = interrupted;
  }
  best.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  best.optimal = finished;
  if (have) {
    report_against_original(problem, arch, best.evaluation);
    best.lower_bound = finished ? best.objective : std::min(lower, best.objective);
    best.gap = best.objective > 0 ? (best.objective - best.lower_bound) / best.objective : 0;
  } else {
    best.found = false;
    best.lower_bound = lower < kInf ? lower : 0;
  }
  return best;
}

} // namespace hcl::sched
