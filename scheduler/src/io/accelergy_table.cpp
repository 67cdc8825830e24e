#include "accelergy_table.h"

namespace hcl::sched::detail {

AccelergyTable accelergy_table(const YamlView &doc, const std::string &kind) {
  const std::string summary = kind + "_summary";
  const std::string what = "an Accelergy " + summary;
  doc.require_map(what);
  doc.require_keys(std::vector<std::string>{summary}, what);
  const YamlView s = doc.at(summary);
  s.require_map(summary);
  s.require_keys({"version", "table_summary"}, summary);
  AccelergyTable t{s.at("table_summary"), s.at("table_summary").items()};
  for (const auto &e : t.entries) {
    e.require_map("an " + kind + " entry");
  }
  return t;
}

std::string accelergy_component(const YamlView &entry) {
  std::string name = entry.at("name").as_string();
  if (const auto bracket = name.find('['); bracket != std::string::npos) {
    name = name.substr(0, bracket);
  }
  if (const auto dot = name.rfind('.'); dot != std::string::npos) {
    name = name.substr(dot + 1);
  }
  return name;
}

} // namespace hcl::sched::detail
