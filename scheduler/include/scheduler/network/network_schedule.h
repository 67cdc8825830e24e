// Network mode of the auto-scheduler: every layer of a network scheduled with search(), layers
// of identical shape searched once, and totals over one inference (repeats included).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/network/network.h>
#include <scheduler/problem.h>
#include <scheduler/search/search.h>

namespace hcl::sched {

struct LayerSchedule {
  std::string name;
  std::int64_t repeat = 1;
  std::string same_as; // the earlier layer whose search result this one reuses, or empty
  Problem problem;
  SearchResult result;
  // Lower bound on backing-store words through one buffer as large as all on-chip storage
  // (single_buffer_traffic_bound, search.h); 0 when not computed.
  double attainable_traffic = 0;
  std::int64_t attainable_buffer_words = 0;
  bool cached = false; // the result came from a SearchCache, not a search of this run
};

// Finished searches kept between runs (the flows keep them on disk, flows/search_cache.h).
// schedule_network (given one in SearchOptions::cache) asks before searching a unique layer and
// hands over every layer it proved (optimal, or no mapping fits), so a re-run with the same inputs
// searches nothing again. An implementation must key on everything the result depends on: the
// problem's shape, the arch and the options' objective, mode, space and beat (not time limits,
// threads or stops).
class SearchCache {
public:
  struct Entry {
    SearchResult result;
    double attainable_traffic = 0;
  };
  virtual ~SearchCache() = default;
  virtual std::optional<Entry> find(const Problem &problem, const Arch &arch,
                                    const SearchOptions &options) = 0;
  virtual void keep(const Problem &problem, const Arch &arch, const SearchOptions &options,
                    const Entry &entry) = 0;
};

struct NetworkSchedule {
  std::vector<LayerSchedule> layers;
  double total_energy_pj = 0;    // sum of energy x repeat
  std::int64_t total_cycles = 0; // sum of cycles x repeat (layers run one after another)
  std::int64_t unique_layers = 0;
  bool all_found = true;
  bool all_optimal = true;
  bool interrupted =
      false; // SearchOptions::stop's flag ended the run: layers hold their best so far
  double seconds = 0;
};

// Schedules every layer. A time limit in `options` is the budget for the whole network: each
// unique layer gets an equal share of what is left when it starts, then what remains goes to
// re-runs of the layers not proven (seeded with their best mapping, results merged), until all
// are proven or the budget is spent; unless every layer is proven, the whole budget is used.
// `on_layer` is called once per layer, in order, with its final result (the reused one for
// duplicates): at once when there is no time limit or the layer is proven, else at the end.
NetworkSchedule schedule_network(const Network &network, const Arch &arch,
                                 const SearchOptions &options,
                                 const std::function<void(const LayerSchedule &)> &on_layer = {});

// Recomputes the totals and all_found / all_optimal from the layers, after a caller replaced
// some layers' results (a re-search); schedule_network's result is already summed.
void sum_totals(NetworkSchedule &schedule);

} // namespace hcl::sched
