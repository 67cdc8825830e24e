#include <scheduler/timeloop_art.h>

#include <fmt/format.h>

#include <vector>

namespace hcl::sched {

void apply_timeloop_art(const std::string &path, TimeloopArch &arch) {
  apply_timeloop_art(load_yaml_file(path), arch);
}

void apply_timeloop_art(const YamlView &doc, TimeloopArch &ta) {
  doc.require_map("an Accelergy ART summary");
  doc.require_keys({"ART_summary"}, "an Accelergy ART summary");
  const YamlView s = doc.at("ART_summary");
  s.require_map("ART_summary");
  s.require_keys({"version", "table_summary"}, "ART_summary");
  std::vector<bool> priced(ta.arch.levels.size(), false);
  bool mac_priced = false;
  for (const auto &entry : s.at("table_summary").items()) {
    entry.require_map("an ART entry");
    entry.require_keys({"name", "area", "primitive_estimations"}, "an ART entry");
    // "System_top_level.GlobalBuffer[1..16]" -> "GlobalBuffer"
    std::string name = entry.at("name").as_string();
    if (const auto bracket = name.find('['); bracket != std::string::npos) {
      name = name.substr(0, bracket);
    }
    if (const auto dot = name.rfind('.'); dot != std::string::npos) {
      name = name.substr(dot + 1);
    }
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
  const auto where = s.at("table_summary");
  for (std::size_t l = 0; l < ta.arch.levels.size(); ++l) {
    if (!priced[l] && ta.arch.levels[l].kind != MemKind::DRAM) {
      where.fail(fmt::format("no entry for level '{}'; the table must price every on-chip level "
                             "(name ending in '{}[...]')",
                             ta.arch.levels[l].name, ta.arch.levels[l].name));
    }
  }
  if (!mac_priced) {
    where.fail(
        fmt::format("no entry for the compute component '{}'",
                    ta.compute_name.empty() ? std::string("(none in the arch)") : ta.compute_name));
  }
  ta.arch.has_area = true;
}

} // namespace hcl::sched
