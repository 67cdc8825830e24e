#include <scheduler/network/network_schedule.h>

#include <algorithm>
#include <chrono>

namespace hcl::sched {

namespace {

// Merges a re-run `b` of a layer into its earlier result `a`. `b` looked only for mappings
// strictly better than `a`'s (SearchOptions::beat), so `b` proven with nothing found means
// `a` is optimal. Both lower bounds hold for the whole space (b's because the subproblems it
// skipped, SearchOptions::resume_below, were finished by earlier runs), so the larger is kept.
SearchResult merge_rerun(const SearchResult &a, const SearchResult &b) {
  SearchResult out = b.found && (!a.found || b.objective < a.objective) ? b : a;
  out.stats.subproblems = std::max(a.stats.subproblems, b.stats.subproblems);
  out.stats.subproblems_pruned = b.stats.subproblems_pruned;
  out.stats.nodes = a.stats.nodes + b.stats.nodes;
  out.stats.pruned = a.stats.pruned + b.stats.pruned;
  out.stats.evaluations = a.stats.evaluations + b.stats.evaluations;
  out.stats.capacity_cuts = a.stats.capacity_cuts + b.stats.capacity_cuts;
  out.stats.seconds = a.stats.seconds + b.stats.seconds;
  out.optimal = b.optimal;
  out.interrupted = a.interrupted || b.interrupted;
  out.lower_bound = std::max(a.lower_bound, b.lower_bound);
  if (out.found) {
    if (out.optimal || out.lower_bound >= out.objective) {
      out.optimal = true;
      out.lower_bound = out.objective;
    }
    out.gap = out.objective > 0 ? (out.objective - out.lower_bound) / out.objective : 0;
  }
  return out;
}

} // namespace

namespace {
// What the single-buffer traffic bound of a layer may take without a time limit (search.h).
constexpr double kTrafficSeconds = 2.0;

// What a re-run may reuse: a proof (optimal, or nothing fits) that no stop cut short.
void keep_proven(const Network &network, const Arch &arch, const SearchOptions &options,
                 const std::vector<std::size_t> &uniques, const std::vector<SearchResult> &results,
                 const std::vector<double> &traffic, const std::vector<bool> &cached,
                 SearchCache *cache) {
  if (cache == nullptr) {
    return;
  }
  for (const std::size_t i : uniques) {
    if (!cached[i] && results[i].optimal && !results[i].interrupted) {
      cache->keep(network.layers[i].problem, arch, options, {results[i], traffic[i]});
    }
  }
}

} // namespace

void sum_totals(NetworkSchedule &schedule) {
  schedule.total_energy_pj = 0;
  schedule.total_cycles = 0;
  schedule.all_found = schedule.all_optimal = true;
  for (const auto &l : schedule.layers) {
    schedule.all_found = schedule.all_found && l.result.found;
    schedule.all_optimal = schedule.all_optimal && l.result.optimal;
    if (l.result.found) {
      schedule.total_energy_pj += l.result.evaluation.energy_pj * static_cast<double>(l.repeat);
      schedule.total_cycles += l.result.evaluation.cycles * l.repeat;
    }
  }
}

NetworkSchedule schedule_network(const Network &network, const Arch &arch,
                                 const SearchOptions &options,
                                 const std::function<void(const LayerSchedule &)> &on_layer) {
  SearchCache *const cache = options.cache;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool limited = options.time_limit_s > 0;
  auto seconds_left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(Clock::now() - start).count();
  };
  NetworkSchedule out;
  const std::size_t n = network.layers.size();
  // Unique shapes first, so the time budget can be shared among them.
  std::vector<int> first_of(n, -1);
  std::vector<std::size_t> uniques;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (first_of[k] < 0 && same_shape(network.layers[k].problem, network.layers[i].problem)) {
        first_of[i] = static_cast<int>(k);
        break;
      }
    }
    if (first_of[i] < 0) {
      uniques.push_back(i);
    }
  }
  out.unique_layers = static_cast<std::int64_t>(uniques.size());
  std::vector<SearchResult> results(n);
  std::vector<double> traffic(n, 0);
  std::vector<bool> searched(n, false);
  std::vector<bool> cached(n, false);
  const std::int64_t on_chip = arch_on_chip_words(arch);

  // Layers are reported in order, each once, with its final result: with a time limit an
  // unproven layer may still be re-run, so it (and everything after it) waits for the end.
  auto report_ready = [&](bool everything) {
    while (out.layers.size() < n) {
      const std::size_t i = out.layers.size();
      const std::size_t src = first_of[i] < 0 ? i : static_cast<std::size_t>(first_of[i]);
      if (!searched[src] || (!everything && limited && !results[src].optimal)) {
        return;
      }
      const NetworkLayer &nl = network.layers[i];
      LayerSchedule ls;
      ls.name = nl.problem.name;
      ls.repeat = nl.repeat;
      ls.problem = nl.problem;
      if (src != i) {
        ls.same_as = network.layers[src].problem.name;
      }
      ls.result = results[src];
      ls.attainable_traffic = traffic[src];
      ls.attainable_buffer_words = on_chip;
      ls.cached = cached[src];
      out.layers.push_back(std::move(ls));
      if (on_layer) {
        on_layer(out.layers.back());
      }
    }
  };

  // First pass: each unique layer gets an equal share of what is left when it starts, so
  // what a fast layer leaves unused goes to the layers after it.
  for (std::size_t u = 0; u < uniques.size(); ++u) {
    const std::size_t i = uniques[u];
    if (auto hit = cache ? cache->find(network.layers[i].problem, arch, options) : std::nullopt) {
      results[i] = std::move(hit->result);
      traffic[i] = hit->attainable_traffic;
      searched[i] = cached[i] = true;
      report_ready(false);
      continue;
    }
    SearchOptions o = options;
    double traffic_limit = kTrafficSeconds;
    if (limited) {
      // The traffic bound is part of the layer's share, or it alone would overrun the budget.
      const double share = std::max(1e-3, seconds_left() / static_cast<double>(uniques.size() - u));
      traffic_limit = std::min(kTrafficSeconds, share / 5);
      o.time_limit_s = share - traffic_limit;
    }
    results[i] = search(network.layers[i].problem, arch, o);
    traffic[i] = single_buffer_traffic_bound(network.layers[i].problem, on_chip, traffic_limit,
                                             options.stop);
    searched[i] = true;
    report_ready(false);
  }

  // Later passes (time limit only): what the first pass left over goes to the layers it did
  // not prove, shared the same way. A re-run starts from the layer's best mapping as its
  // incumbent (SearchOptions::beat), so it skips the random starts, and resumes where the
  // earlier runs stopped (SearchOptions::resume_below: only the root bounds are recomputed).
  // The merged lower bound keeps that valid over passes: every subproblem below it was
  // finished by one run or another. Passes repeat while proofs free time; a pass that proves
  // nothing ends with the budget spent. Without a time limit every layer is proven in the first
  // pass, so results stay deterministic.
  while (limited) {
    std::vector<std::size_t> open;
    for (const std::size_t i : uniques) {
      if (!results[i].optimal) {
        open.push_back(i);
      }
    }
    // Below a few milliseconds per layer a re-run cannot even bound its roots.
    if (open.empty() || options.stop.stop_requested() ||
        seconds_left() < 0.005 * static_cast<double>(open.size())) {
      break;
    }
    // Closest to a proof first: a layer proven early leaves its share to the others.
    std::stable_sort(open.begin(), open.end(), [&](std::size_t a, std::size_t b) {
      return results[a].found && (!results[b].found || results[a].gap < results[b].gap);
    });
    for (std::size_t u = 0; u < open.size(); ++u) {
      const std::size_t i = open[u];
      SearchOptions o = options;
      o.time_limit_s = std::max(1e-3, seconds_left() / static_cast<double>(open.size() - u));
      if (results[i].found) {
        o.beat = std::min(options.beat, results[i].objective);
        o.resume_below = results[i].lower_bound;
      }
      results[i] = merge_rerun(results[i], search(network.layers[i].problem, arch, o));
    }
  }
  report_ready(true);
  keep_proven(network, arch, options, uniques, results, traffic, cached, cache);
  sum_totals(out);
  out.interrupted = options.stop.interrupted();
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

} // namespace hcl::sched
