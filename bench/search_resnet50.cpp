// Auto-scheduler speed (issue 7): every conv layer of ResNet-50 (identical shapes once) on the
// bundled Eyeriss-like architecture, energy objective, 2 threads. Target: optimality proven for
// all layers in under 10 s in total. Prints bounds and model evaluations per second, the
// fraction of the space pruned, and compares against a random-sampling mapper like Timeloop's
// default (stop after 500 consecutive valid samples without improvement) on the same layers.
//
// usage: bench_search_resnet50 [per-layer time limit in s, default 10] [arch yaml]
#include <scheduler/factorize.h>
#include <scheduler/model.h>
#include <scheduler/network.h>
#include <scheduler/network_schedule.h>
#include <scheduler/search.h>
#include <scheduler/space.h>
#include <scheduler/spec_yaml.h>
#include <scheduler/validate.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

using namespace hcl::sched;
using Clock = std::chrono::steady_clock;

namespace {

struct RandomResult {
  double best = std::numeric_limits<double>::infinity();
  std::int64_t samples = 0, valid = 0;
  double seconds = 0;
};

// Timeloop's random mapper over the same space: uniform spatial choice and keep set, each prime
// factor of what is left of a dimension sent to a uniformly chosen level, a random order per
// level. Stops after 500 consecutive valid samples without improvement (or 5M samples).
RandomResult random_mapper(const Problem &p, const Arch &a, std::uint32_t seed) {
  const auto start = Clock::now();
  std::mt19937 rng(seed);
  const SpaceOptions so;
  const auto spatial = enumerate_spatial(p, a, so);
  const auto keeps = enumerate_keeps(p, a, so);
  const int L = static_cast<int>(a.levels.size());
  const int D = static_cast<int>(p.dim_names.size());
  Evaluator ev(p, a, Mode::Hcl);
  RandomResult r;
  int stale = 0;
  Mapping m;
  m.levels.resize(static_cast<std::size_t>(L));
  while (stale < 500 && r.samples < 5'000'000) {
    ++r.samples;
    const auto &sp = spatial[std::uniform_int_distribution<std::size_t>(0, spatial.size() - 1)(rng)];
    const auto &kp = keeps[std::uniform_int_distribution<std::size_t>(0, keeps.size() - 1)(rng)];
    std::vector<std::vector<std::int64_t>> f(static_cast<std::size_t>(L),
                                             std::vector<std::int64_t>(static_cast<std::size_t>(D), 1));
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
        f[static_cast<std::size_t>(std::uniform_int_distribution<int>(0, L - 1)(rng))]
         [static_cast<std::size_t>(d)] *= pf;
      }
    }
    for (int l = 0; l < L; ++l) {
      auto &lm = m.levels[static_cast<std::size_t>(l)];
      lm.spatial_x = sp.x[static_cast<std::size_t>(l)];
      lm.spatial_y = sp.y[static_cast<std::size_t>(l)];
      lm.keep = kp[static_cast<std::size_t>(l)];
      lm.temporal.clear();
      for (int d = 0; d < D; ++d) {
        if (f[static_cast<std::size_t>(l)][static_cast<std::size_t>(d)] > 1) {
          lm.temporal.push_back({d, f[static_cast<std::size_t>(l)][static_cast<std::size_t>(d)]});
        }
      }
      std::shuffle(lm.temporal.begin(), lm.temporal.end(), rng);
    }
    if (!check_mapping(p, a, m).empty()) {
      continue;
    }
    ++r.valid;
    const double e = ev.evaluate(m).energy_pj;
    if (e < r.best) {
      r.best = e;
      stale = 0;
    } else {
      ++stale;
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

} // namespace

int main(int argc, char **argv) {
  const double limit = argc > 1 ? std::atof(argv[1]) : 10.0;
  const std::string arch_path =
      argc > 2 ? argv[2] : std::string(HCL_SOURCE_DIR) + "/examples/arch/eyeriss_like.yaml";
  const Network net = load_network_yaml(std::string(HCL_SOURCE_DIR) + "/examples/networks/resnet50.yaml");
  const Arch arch = load_arch_yaml(arch_path);
  std::vector<const Problem *> unique;
  for (const auto &l : net.layers) {
    if (l.problem.dim_names.size() != 7 || l.problem.name.rfind("fc", 0) == 0) {
      continue; // conv layers only
    }
    bool dup = false;
    for (const auto *u : unique) {
      dup = dup || same_shape(*u, l.problem);
    }
    if (!dup) {
      unique.push_back(&l.problem);
    }
  }
  fmt::print("ResNet-50 conv layers on {}: {} unique shapes, energy objective, 2 threads, "
             "per-layer limit {} s\n",
             arch.name, unique.size(), limit);
  fmt::print("{:<22} {:>14} {:>8} {:>8} {:>11} {:>11} {:>7} | {:>14} {:>8} {:>8} {:>8}\n", "layer",
             "ours_pJ", "proven", "gap%", "bounds/s", "evals/s", "pruned", "random_pJ", "ours/rnd",
             "t_ours", "t_rnd");
  double t_ours = 0, t_rnd = 0, sum_ours = 0, sum_rnd = 0;
  std::int64_t nodes = 0, evals = 0, cut = 0, proven = 0;
  for (const auto *p : unique) {
    SearchOptions o;
    o.threads = 2;
    o.time_limit_s = limit;
    const SearchResult r = search(*p, arch, o);
    const RandomResult rr = random_mapper(*p, arch, 1234);
    const double secs = std::max(1e-9, r.stats.seconds);
    t_ours += r.stats.seconds;
    t_rnd += rr.seconds;
    nodes += r.stats.nodes;
    evals += r.stats.evaluations;
    cut += r.stats.pruned + r.stats.capacity_cuts;
    proven += r.optimal ? 1 : 0;
    sum_ours += r.found ? r.evaluation.energy_pj : 0;
    sum_rnd += rr.valid > 0 ? rr.best : 0;
    fmt::print("{:<22} {:>14.4g} {:>8} {:>8.2f} {:>11.3g} {:>11.3g} {:>6.1f}% | {:>14.4g} {:>8.3f} "
               "{:>7.2f}s {:>7.2f}s\n",
               p->name, r.found ? r.evaluation.energy_pj : 0.0, r.optimal ? "yes" : "no",
               100 * r.gap, static_cast<double>(r.stats.nodes) / secs,
               static_cast<double>(r.stats.evaluations) / secs,
               r.stats.nodes > 0 ? 100.0 * static_cast<double>(r.stats.pruned + r.stats.capacity_cuts) /
                                       static_cast<double>(r.stats.nodes)
                                 : 0.0,
               rr.best, rr.valid > 0 && r.found ? r.evaluation.energy_pj / rr.best : 0.0,
               r.stats.seconds, rr.seconds);
    std::fflush(stdout);
  }
  fmt::print("total: ours {:.2f} s ({} of {} layers proven optimal; target: all, < 10 s), random "
             "{:.2f} s\n",
             t_ours, proven, unique.size(), t_ours > 0 ? t_rnd : 0.0);
  fmt::print("rates: {:.3g} bounds/s, {:.3g} model evaluations/s, {:.1f}% of bounded nodes pruned\n",
             static_cast<double>(nodes) / std::max(1e-9, t_ours),
             static_cast<double>(evals) / std::max(1e-9, t_ours),
             nodes > 0 ? 100.0 * static_cast<double>(cut) / static_cast<double>(nodes) : 0.0);
  fmt::print("energy summed over unique layers: ours {:.4g} pJ, random {:.4g} pJ (ours/random "
             "{:.3f})\n",
             sum_ours, sum_rnd, sum_rnd > 0 ? sum_ours / sum_rnd : 0.0);
  return 0;
}
