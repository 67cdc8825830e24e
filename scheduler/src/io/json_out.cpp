#include <scheduler/io/json_out.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hcl::sched {

nlohmann::json to_json(const Problem &problem, const Arch &arch, const Evaluation &e) {
  if (e.levels.size() != arch.levels.size()) {
    throw std::invalid_argument(fmt::format("evaluation has {} levels, arch '{}' has {}",
                                            e.levels.size(), arch.name, arch.levels.size()));
  }
  nlohmann::json j;
  j["macs"] = e.macs;
  j["cycles"] = e.cycles;
  j["utilization"] = e.utilization;
  j["energy_pj"] = e.energy_pj;
  j["mac_energy_pj"] = e.mac_energy_pj;
  nlohmann::json levels = nlohmann::json::array();
  for (const auto &lr : e.levels) {
    nlohmann::json tensors = nlohmann::json::object();
    for (std::size_t t = 0; t < problem.tensors.size() && t < lr.tensors.size(); ++t) {
      const auto &c = lr.tensors[t];
      if (!c) {
        continue;
      }
      tensors[problem.tensors[t].name] = {{"utilized_capacity", c->utilized_capacity},
                                          {"utilized_instances", c->utilized_instances},
                                          {"reads", c->reads},
                                          {"fills", c->fills},
                                          {"updates", c->updates},
                                          {"energy_pj", c->energy_pj}};
    }
    levels.push_back({{"name", lr.name},
                      {"instances", lr.instances},
                      {"leak_energy_pj", lr.leak_energy_pj},
                      {"tensors", tensors}});
  }
  j["levels"] = levels;
  return j;
}

nlohmann::json bounds_to_json(const Evaluation &e) {
  return {{"compute_cycles", e.bounds.compute_cycles},
          {"compulsory_backing_words", e.bounds.compulsory_backing_words},
          {"backing_words", e.backing_words}};
}

} // namespace hcl::sched
