#include <scheduler/io/timeloop_ert.h>

#include "accelergy_table.h"

#include <map>
#include <string>

namespace hcl::sched {

void apply_timeloop_ert(const std::string &path, TimeloopArch &arch) {
  apply_timeloop_ert(load_yaml_file(path), arch);
}

void apply_timeloop_ert(const YamlView &doc, TimeloopArch &ta) {
  for (const auto &entry : detail::accelergy_table(doc, "ERT").entries) {
    entry.require_keys({"name", "actions", "primitive_estimation(s)"}, "an ERT entry");
    const std::string name = detail::accelergy_component(entry);
    std::map<std::string, double> energy;
    for (const auto &a : entry.at("actions").items()) {
      a.require_map("an action");
      a.require_keys({"name", "energy", "average_energy", "max_energy", "min_energy", "arguments"});
      auto e = a.get("energy");
      if (!e) {
        e = a.get("average_energy");
      }
      if (!e) {
        a.fail("an action needs 'energy' (or 'average_energy')");
      }
      energy[a.at("name").as_string()] = e->as_double(0);
    }
    auto get = [&](const char *k) { return energy.count(k) ? energy[k] : 0.0; };
    if (name == ta.compute_name || (ta.compute_name.empty() && energy.count("compute"))) {
      ta.arch.mac_energy_pj = energy.count("compute") ? energy["compute"] : get("mac_random");
      continue;
    }
    for (auto &l : ta.arch.levels) {
      if (l.name == name) {
        l.read_energy_pj = get("read");
        l.write_energy_pj = energy.count("write") ? energy["write"] : get("fill");
        l.update_energy_pj = energy.count("update") ? energy["update"] : l.write_energy_pj;
        l.leak_energy_pj = get("leak");
      }
    }
  }
}

} // namespace hcl::sched
