#include <scheduler/io/search_json.h>

#include <scheduler/io/json_out.h>

namespace hcl::sched {

namespace {

nlohmann::json loops_json(const Problem &p, const std::vector<Loop> &loops) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto &l : loops) {
    out.push_back({{"dim", p.dim_names[static_cast<std::size_t>(l.dim)]}, {"factor", l.factor}});
  }
  return out;
}

} // namespace

nlohmann::json schedule_json(const Problem &problem, const Arch &arch, const Mapping &mapping) {
  nlohmann::json levels = nlohmann::json::array();
  for (std::size_t i = mapping.levels.size(); i-- > 0;) {
    const auto &lm = mapping.levels[i];
    nlohmann::json keep = nlohmann::json::array();
    for (std::size_t t = 0; t < problem.tensors.size(); ++t) {
      if (i + 1 == mapping.levels.size() || (lm.keep[t] && arch.levels[i].keeps[t])) {
        keep.push_back(problem.tensors[t].name);
      }
    }
    levels.push_back({{"name", arch.levels[i].name},
                      {"temporal", loops_json(problem, lm.temporal)},
                      {"spatial_x", loops_json(problem, lm.spatial_x)},
                      {"spatial_y", loops_json(problem, lm.spatial_y)},
                      {"keep", keep}});
  }
  return {{"levels", levels}};
}

nlohmann::json stats_json(const SearchStats &s) {
  const double total = static_cast<double>(s.nodes);
  return {{"subproblems", s.subproblems},
          {"subproblems_pruned", s.subproblems_pruned},
          {"nodes", s.nodes},
          {"pruned", s.pruned},
          {"capacity_cuts", s.capacity_cuts},
          {"evaluations", s.evaluations},
          {"fraction_pruned",
           total > 0 ? static_cast<double>(s.pruned + s.capacity_cuts) / total : 0.0},
          {"seconds", s.seconds}};
}

nlohmann::json bounds_report_json(const Evaluation &e) {
  nlohmann::json j = bounds_to_json(e);
  j["cycles_over_compute_bound"] =
      e.bounds.compute_cycles > 0
          ? static_cast<double>(e.cycles) / static_cast<double>(e.bounds.compute_cycles)
          : 0.0;
  j["traffic_over_compulsory"] = e.bounds.compulsory_backing_words > 0
                                     ? static_cast<double>(e.backing_words) /
                                           static_cast<double>(e.bounds.compulsory_backing_words)
                                     : 0.0;
  return j;
}

nlohmann::json layer_json(const LayerSchedule &l, const Arch &arch, Objective objective) {
  const SearchResult &r = l.result;
  nlohmann::json j = {{"name", l.name}, {"repeat", l.repeat}};
  if (!l.same_as.empty()) {
    j["same_as"] = l.same_as;
  }
  if (l.cached) {
    j["cached"] = true; // proven by an earlier run (SearchCache), not searched again
  }
  j["objective"] = objective_name(objective);
  if (r.found) {
    j["schedule"] = schedule_json(l.problem, arch, r.mapping);
    j["evaluation"] = to_json(l.problem, arch, r.evaluation);
    j["bounds"] = bounds_report_json(r.evaluation);
    // What no mapping of the layer beats: a report measures the energy against it.
    const double floor = objective_floor(l.problem, arch, Objective::Energy);
    j["bounds"]["energy_floor_pj"] = floor;
    j["bounds"]["energy_over_floor"] = floor > 0 ? r.evaluation.energy_pj / floor : 0.0;
    if (l.attainable_traffic > 0) {
      j["bounds"]["attainable_single_buffer_words"] = l.attainable_traffic;
      j["bounds"]["single_buffer_size_words"] = l.attainable_buffer_words;
      j["bounds"]["traffic_over_attainable"] =
          static_cast<double>(r.evaluation.backing_words) / l.attainable_traffic;
    }
    j["objective_value"] = r.objective;
    // Imperfect factorization (padding.h): the bounds the schedule computes, where larger.
    nlohmann::json padded = nlohmann::json::object();
    for (std::size_t d = 0; d < r.bounds.size() && d < l.problem.bounds.size(); ++d) {
      if (r.bounds[d] != l.problem.bounds[d]) {
        padded[l.problem.dim_names[d]] = r.bounds[d];
      }
    }
    if (!padded.empty()) {
      j["padded_bounds"] = padded;
    }
  } else {
    j["schedule"] = nullptr;
    j["evaluation"] = nullptr;
  }
  j["lower_bound"] = r.lower_bound;
  j["optimal"] = r.optimal;
  j["gap"] = r.gap;
  j["interrupted"] = r.interrupted;
  j["stats"] = stats_json(r.stats);
  return j;
}

nlohmann::json network_json(const NetworkSchedule &s, const Arch &arch, Objective objective) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto &l : s.layers) {
    layers.push_back(layer_json(l, arch, objective));
  }
  return {{"layers", layers},
          {"total",
           {{"energy_pj", s.total_energy_pj},
            {"cycles", s.total_cycles},
            {"unique_layers", s.unique_layers},
            {"all_optimal", s.all_optimal},
            {"interrupted", s.interrupted},
            {"seconds", s.seconds}}}};
}

} // namespace hcl::sched
