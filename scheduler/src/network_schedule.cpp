#include <scheduler/network_schedule.h>

#include <chrono>

namespace hcl::sched {

namespace {

bool same_terms(const std::vector<Term> &a, const std::vector<Term> &b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].dim != b[i].dim || a[i].coef != b[i].coef) {
      return false;
    }
  }
  return true;
}

} // namespace

bool same_shape(const Problem &a, const Problem &b) {
  if (a.dim_names != b.dim_names || a.bounds != b.bounds || a.tensors.size() != b.tensors.size()) {
    return false;
  }
  for (std::size_t t = 0; t < a.tensors.size(); ++t) {
    const auto &x = a.tensors[t];
    const auto &y = b.tensors[t];
    if (x.name != y.name || x.read_write != y.read_write ||
        x.projection.size() != y.projection.size()) {
      return false;
    }
    for (std::size_t r = 0; r < x.projection.size(); ++r) {
      if (!same_terms(x.projection[r], y.projection[r])) {
        return false;
      }
    }
  }
  return true;
}

NetworkSchedule schedule_network(const Network &network, const Arch &arch,
                                 const SearchOptions &options,
                                 const std::function<void(const LayerSchedule &)> &on_layer) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  NetworkSchedule out;
  // Unique shapes first, so the time budget can be shared among them.
  std::vector<int> first_of(network.layers.size(), -1);
  std::int64_t unique = 0;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (first_of[k] < 0 && same_shape(network.layers[k].problem, network.layers[i].problem)) {
        first_of[i] = static_cast<int>(k);
        break;
      }
    }
    if (first_of[i] < 0) {
      ++unique;
    }
  }
  out.unique_layers = unique;
  std::int64_t left = unique;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const NetworkLayer &nl = network.layers[i];
    LayerSchedule ls;
    ls.name = nl.problem.name;
    ls.repeat = nl.repeat;
    ls.problem = nl.problem;
    if (first_of[i] >= 0) {
      const LayerSchedule &src = out.layers[static_cast<std::size_t>(first_of[i])];
      ls.same_as = src.name;
      ls.result = src.result;
      ls.attainable_traffic = src.attainable_traffic;
      ls.attainable_buffer_words = src.attainable_buffer_words;
    } else {
      SearchOptions o = options;
      if (options.time_limit_s > 0) {
        const double used = std::chrono::duration<double>(Clock::now() - start).count();
        o.time_limit_s = std::max(1e-3, (options.time_limit_s - used) / static_cast<double>(left));
      }
      ls.result = search(nl.problem, arch, o);
      ls.attainable_buffer_words = arch_on_chip_words(arch);
      ls.attainable_traffic = single_buffer_traffic_bound(nl.problem, ls.attainable_buffer_words, 1.0);
      --left;
    }
    out.all_found = out.all_found && ls.result.found;
    out.all_optimal = out.all_optimal && ls.result.optimal;
    if (ls.result.found) {
      out.total_energy_pj += ls.result.evaluation.energy_pj * static_cast<double>(ls.repeat);
      out.total_cycles += ls.result.evaluation.cycles * ls.repeat;
    }
    out.layers.push_back(std::move(ls));
    if (on_layer) {
      on_layer(out.layers.back());
    }
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

} // namespace hcl::sched
