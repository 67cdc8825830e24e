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

namespace {

// One run of schedule_network(): unique shapes first, each searched once (or taken from the
// cache); with a time limit, later passes give what is left to the layers not yet proven.
class NetworkScheduler {
public:
  NetworkScheduler(const Network &network, const Arch &arch, const SearchOptions &options,
                   const std::function<void(const LayerSchedule &)> &on_layer)
      : network_(network), arch_(arch), options_(options), on_layer_(on_layer),
        start_(Clock::now()), n_(network.layers.size()), limited_(options.time_limit_s > 0),
        results_(n_), traffic_(n_, 0), searched_(n_, false), cached_(n_, false),
        on_chip_(arch_on_chip_words(arch)) {}

  NetworkSchedule run() {
    find_uniques();
    for (std::size_t u = 0; u < uniques_.size(); ++u) {
      first_pass(u);
    }
    while (limited_ && rerun_pass()) {
    }
    report_ready(true);
    keep_proven(network_, arch_, options_, uniques_, results_, traffic_, cached_, options_.cache);
    sum_totals(out_);
    out_.interrupted = options_.stop.interrupted();
    out_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(out_);
  }

private:
  using Clock = std::chrono::steady_clock;

  double seconds_left() const {
    return options_.time_limit_s - std::chrono::duration<double>(Clock::now() - start_).count();
  }

  // Unique shapes first, so the time budget can be shared among them.
  void find_uniques() {
    first_of_.assign(n_, -1);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        if (first_of_[k] < 0 &&
            same_shape(network_.layers[k].problem, network_.layers[i].problem)) {
          first_of_[i] = static_cast<int>(k);
          break;
        }
      }
      if (first_of_[i] < 0) {
        uniques_.push_back(i);
      }
    }
    out_.unique_layers = static_cast<std::int64_t>(uniques_.size());
  }

  // Layers are reported in order, each once, with its final result: with a time limit an
  // unproven layer may still be re-run, so it (and everything after it) waits for the end.
  void report_ready(bool everything) {
    while (out_.layers.size() < n_) {
      const std::size_t i = out_.layers.size();
      const std::size_t src = first_of_[i] < 0 ? i : static_cast<std::size_t>(first_of_[i]);
      if (!searched_[src] || (!everything && limited_ && !results_[src].optimal)) {
        return;
      }
      const NetworkLayer &nl = network_.layers[i];
      LayerSchedule ls;
      ls.name = nl.problem.name;
      ls.repeat = nl.repeat;
      ls.problem = nl.problem;
      if (src != i) {
        ls.same_as = network_.layers[src].problem.name;
      }
      ls.result = results_[src];
      ls.attainable_traffic = traffic_[src];
      ls.attainable_buffer_words = on_chip_;
      ls.cached = cached_[src];
      out_.layers.push_back(std::move(ls));
      if (on_layer_) {
        on_layer_(out_.layers.back());
      }
    }
  }

  // The first pass: each unique layer gets an equal share of what is left when it starts, so
  // what a fast layer leaves unused goes to the layers after it.
  void first_pass(std::size_t u) {
    const std::size_t i = uniques_[u];
    const Problem &problem = network_.layers[i].problem;
    if (auto hit = options_.cache ? options_.cache->find(problem, arch_, options_) : std::nullopt) {
      results_[i] = std::move(hit->result);
      traffic_[i] = hit->attainable_traffic;
      searched_[i] = cached_[i] = true;
      report_ready(false);
      return;
    }
    SearchOptions o = options_;
    double traffic_limit = kTrafficSeconds;
    if (limited_) {
      // The traffic bound is part of the layer's share, or it alone would overrun the budget.
      const double share =
          std::max(1e-3, seconds_left() / static_cast<double>(uniques_.size() - u));
      traffic_limit = std::min(kTrafficSeconds, share / 5);
      o.time_limit_s = share - traffic_limit;
    }
    results_[i] = search(problem, arch_, o);
    traffic_[i] = single_buffer_traffic_bound(problem, on_chip_, traffic_limit, options_.stop);
    searched_[i] = true;
    report_ready(false);
  }

  // A later pass (time limit only): what the first pass left over goes to the layers it did
  // not prove, shared the same way. A re-run starts from the layer's best mapping as its
  // incumbent (SearchOptions::beat), so it skips the random starts, and resumes where the
  // earlier runs stopped (SearchOptions::resume_below: only the root bounds are recomputed).
  // The merged lower bound keeps that valid over passes: every subproblem below it was
  // finished by one run or another. Passes repeat while proofs free time; a pass that proves
  // nothing ends with the budget spent. Without a time limit every layer is proven in the
  // first pass, so results stay deterministic. False when no pass is worth running.
  bool rerun_pass() {
    std::vector<std::size_t> open;
    for (const std::size_t i : uniques_) {
      if (!results_[i].optimal) {
        open.push_back(i);
      }
    }
    // Below a few milliseconds per layer a re-run cannot even bound its roots.
    if (open.empty() || options_.stop.stop_requested() ||
        seconds_left() < 0.005 * static_cast<double>(open.size())) {
      return false;
    }
    // Closest to a proof first: a layer proven early leaves its share to the others.
    std::stable_sort(open.begin(), open.end(), [&](std::size_t a, std::size_t b) {
      return results_[a].found && (!results_[b].found || results_[a].gap < results_[b].gap);
    });
    for (std::size_t u = 0; u < open.size(); ++u) {
      const std::size_t i = open[u];
      SearchOptions o = options_;
      o.time_limit_s = std::max(1e-3, seconds_left() / static_cast<double>(open.size() - u));
      if (results_[i].found) {
        o.beat = std::min(options_.beat, results_[i].objective);
        o.resume_below = results_[i].lower_bound;
      }
      results_[i] = merge_rerun(results_[i], search(network_.layers[i].problem, arch_, o));
    }
    return true;
  }

  const Network &network_;
  const Arch &arch_;
  const SearchOptions &options_;
  const std::function<void(const LayerSchedule &)> &on_layer_;
  const Clock::time_point start_;
  const std::size_t n_;
  const bool limited_;
  NetworkSchedule out_;
  std::vector<int> first_of_; // the first layer of the same shape, -1 for a unique one
  std::vector<std::size_t> uniques_;
  std::vector<SearchResult> results_;
  std::vector<double> traffic_;
  std::vector<bool> searched_, cached_;
  const std::int64_t on_chip_;
};

} // namespace

NetworkSchedule schedule_network(const Network &network, const Arch &arch,
                                 const SearchOptions &options,
                                 const std::function<void(const LayerSchedule &)> &on_layer) {
  return NetworkScheduler(network, arch, options, on_layer).run();
}

} // namespace hcl::sched
