// Auto-scheduler speed: every conv layer of ResNet-50 (identical shapes once) on the
// bundled Eyeriss-like architecture, energy objective, 2 threads. Target: optimality proven for
// all layers in under 10 s in total. Prints bounds and model evaluations per second, the
// fraction of the space pruned, and compares against a random-sampling mapper like Timeloop's
// default (stop after 500 consecutive valid samples without improvement) on the same layers.
//
// usage: bench_search_resnet50 [per-layer time limit in s, default 10] [arch yaml] [layer]
//        bench_search_resnet50 --network [budget for all layers in s, default 10] [arch yaml]
// With a layer name, only that layer runs and the search's progress goes to stderr. With
// --network the unique shapes go through schedule_network (network_schedule.h), which shares
// one budget among them the way `hcl schedule --network --time-limit` does.
#include <scheduler/io/spec_yaml.h>
#include <scheduler/model/model.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/search/factorize.h>
#include <scheduler/search/search.h>
#include <scheduler/search/search_random.h>
#include <scheduler/search/space.h>
#include <scheduler/validate.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

using namespace hcl::sched;
using Clock = std::chrono::steady_clock;

namespace {

int run_network(const std::vector<const Problem *> &unique, const Arch &arch, double budget) {
  Network n;
  n.name = "resnet50_conv_unique";
  for (const auto *p : unique) {
    n.layers.push_back({*p, 1});
  }
  SearchOptions o;
  o.threads = 2;
  o.time_limit_s = budget;
  fmt::print("ResNet-50 conv layers on {}: {} unique shapes, energy objective, 2 threads, "
             "network budget {} s\n",
             arch.name, unique.size(), budget);
  fmt::print("{:<22} {:>14} {:>8} {:>8} {:>8}\n", "layer", "ours_pJ", "proven", "gap%", "t_search");
  const NetworkSchedule s = schedule_network(n, arch, o);
  std::int64_t proven = 0;
  double searching = 0;
  for (const auto &l : s.layers) {
    const SearchResult &r = l.result;
    proven += r.optimal ? 1 : 0;
    searching += r.stats.seconds;
    fmt::print("{:<22} {:>14.4g} {:>8} {:>8.2f} {:>7.2f}s\n", l.name,
               r.found ? r.evaluation.energy_pj : 0.0, r.optimal ? "yes" : "no", 100 * r.gap,
               r.stats.seconds);
  }
  // The wall time includes each layer's single-buffer bound (network mode computes it too).
  fmt::print("total: {:.2f} s wall ({:.2f} s in search), {} of {} layers proven optimal (target: "
             "all, < 10 s); energy summed over unique layers {:.4g} pJ\n",
             s.seconds, searching, proven, unique.size(), s.total_energy_pj);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const bool network_mode = argc > 1 && std::string(argv[1]) == "--network";
  if (network_mode) {
    --argc;
    ++argv;
  }
  const double limit = argc > 1 ? std::atof(argv[1]) : 10.0;
  const std::string arch_path =
      argc > 2 ? argv[2] : std::string(HCL_SOURCE_DIR) + "/examples/arch/eyeriss_like.yaml";
  const Network net =
      load_network_yaml(std::string(HCL_SOURCE_DIR) + "/examples/networks/resnet50.yaml");
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
  if (network_mode) {
    return run_network(unique, arch, limit);
  }
  fmt::print("ResNet-50 conv layers on {}: {} unique shapes, energy objective, 2 threads, "
             "per-layer limit {} s\n",
             arch.name, unique.size(), limit);
  // subs: (spatial, keep) subproblems; cut: of those, never searched (root bound >= best).
  fmt::print(
      "{:<22} {:>14} {:>8} {:>8} {:>11} {:>11} {:>7} {:>7} {:>6} | {:>14} {:>8} {:>8} {:>8}\n",
      "layer", "ours_pJ", "proven", "gap%", "bounds/s", "evals/s", "pruned", "subs", "cut%",
      "random_pJ", "ours/rnd", "t_ours", "t_rnd");
  double t_ours = 0, t_rnd = 0, sum_ours = 0, sum_rnd = 0;
  std::int64_t nodes = 0, evals = 0, cut = 0, proven = 0, subs = 0, subs_cut = 0;
  const std::string only = argc > 3 ? argv[3] : "";
  for (const auto *p : unique) {
    if (!only.empty() && p->name != only) {
      continue;
    }
    SearchOptions o;
    if (!only.empty()) {
      o.progress = [](const SearchProgress &g) {
        fmt::print(stderr, "  {:6.2f}s nodes {} evals {} best {:.5g} lb {:.5g} gap {:.1f}%\n",
                   g.stats.seconds, g.stats.nodes, g.stats.evaluations, g.best, g.lower_bound,
                   g.best > 0 ? 100 * (g.best - g.lower_bound) / g.best : 0.0);
      };
    }
    o.threads = 2;
    o.time_limit_s = limit;
    const SearchResult r = search(*p, arch, o);
    RandomSearchOptions ro;
    ro.seed = 1234; // a different seed from the search's own first incumbent
    const RandomSearchResult rr = random_search(*p, arch, ro);
    const double secs = std::max(1e-9, r.stats.seconds);
    t_ours += r.stats.seconds;
    t_rnd += rr.seconds;
    nodes += r.stats.nodes;
    evals += r.stats.evaluations;
    cut += r.stats.pruned + r.stats.capacity_cuts;
    proven += r.optimal ? 1 : 0;
    subs += r.stats.subproblems;
    subs_cut += r.stats.subproblems_pruned;
    sum_ours += r.found ? r.evaluation.energy_pj : 0;
    sum_rnd += rr.valid > 0 ? rr.objective : 0;
    fmt::print(
        "{:<22} {:>14.4g} {:>8} {:>8.2f} {:>11.3g} {:>11.3g} {:>6.1f}% {:>7} {:>5.1f}% | "
        "{:>14.4g} {:>8.3f} {:>7.2f}s {:>7.2f}s\n",
        p->name, r.found ? r.evaluation.energy_pj : 0.0, r.optimal ? "yes" : "no", 100 * r.gap,
        static_cast<double>(r.stats.nodes) / secs, static_cast<double>(r.stats.evaluations) / secs,
        r.stats.nodes > 0 ? 100.0 * static_cast<double>(r.stats.pruned + r.stats.capacity_cuts) /
                                static_cast<double>(r.stats.nodes)
                          : 0.0,
        r.stats.subproblems,
        r.stats.subproblems > 0 ? 100.0 * static_cast<double>(r.stats.subproblems_pruned) /
                                      static_cast<double>(r.stats.subproblems)
                                : 0.0,
        rr.objective, rr.valid > 0 && r.found ? r.evaluation.energy_pj / rr.objective : 0.0,
        r.stats.seconds, rr.seconds);
    std::fflush(stdout);
  }
  fmt::print("total: ours {:.2f} s ({} of {} layers proven optimal; target: all, < 10 s), random "
             "{:.2f} s\n",
             t_ours, proven, unique.size(), t_ours > 0 ? t_rnd : 0.0);
  fmt::print(
      "rates: {:.3g} bounds/s, {:.3g} model evaluations/s, {:.1f}% of bounded nodes pruned\n",
      static_cast<double>(nodes) / std::max(1e-9, t_ours),
      static_cast<double>(evals) / std::max(1e-9, t_ours),
      nodes > 0 ? 100.0 * static_cast<double>(cut) / static_cast<double>(nodes) : 0.0);
  fmt::print("subproblems: {} in all, {:.1f}% cut at their root bound without a search\n", subs,
             subs > 0 ? 100.0 * static_cast<double>(subs_cut) / static_cast<double>(subs) : 0.0);
  fmt::print("energy summed over unique layers: ours {:.4g} pJ, random {:.4g} pJ (ours/random "
             "{:.3f})\n",
             sum_ours, sum_rnd, sum_rnd > 0 ? sum_ours / sum_rnd : 0.0);
  return 0;
}
