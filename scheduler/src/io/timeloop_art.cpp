#include <scheduler/io/timeloop_art.h>

#include "accelergy_table.h"

#include <fmt/format.h>

#include <vector>

namespace hcl::sched {

void apply_timeloop_art(const std::string &path, TimeloopArch &arch) {
  apply_timeloop_art(load_yaml_file(path), arch);
}

void apply_timeloop_art(const YamlView &doc, TimeloopArch &ta) {
  const detail::AccelergyTable table = detail::accelergy_table(doc, "ART");
  std::vector<bool> priced(ta.arch.levels.size(), false);
  bool mac_priced = false;
  for (const auto &entry : table.entries) {
    entry.require_keys({"name", "area", "primitive_estimations"}, "an ART entry");
    const std::string name = detail::accelergy_component(entry);
    const double area = entry.at("area").as_double(0);
    if (name == ta.compute_name) {
      ta.arch.mac_area_um2 = area;
      mac_priced = true;
      continue;
    }
    for (std::size_t l = 0; l < ta.arch.levels.size(); ++l) {
      if (ta.arch.levels[l].name == name) {
        ta.arch.levels[l].area_um2 = area;
        priced[l] = true;
      }
    }
  }
  for (std::size_t l = 0; l < ta.arch.levels.size(); ++l) {
    if (!priced[l] && ta.arch.levels[l].kind != MemKind::DRAM) {
      table.list.fail(fmt::format("no entry for level '{}'; the table must price every on-chip "
                                  "level (name ending in '{}[...]')",
                                  ta.arch.levels[l].name, ta.arch.levels[l].name));
    }
  }
  if (!mac_priced) {
    table.list.fail(
        fmt::format("no entry for the compute component '{}'",
                    ta.compute_name.empty() ? std::string("(none in the arch)") : ta.compute_name));
  }
  ta.arch.has_area = true;
}

} // namespace hcl::sched
