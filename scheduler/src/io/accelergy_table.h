// Accelergy's summary tables as Timeloop writes them next to its stats (ERT_summary for
// energy, ART_summary for area) share one envelope and one naming rule; the two readers
// (timeloop_ert.cpp, timeloop_art.cpp) differ only in what an entry prices.
#pragma once

#include <scheduler/io/yaml_util.h>

#include <string>
#include <vector>

namespace hcl::sched::detail {

// `<kind>_summary: {version, table_summary: [...]}` (kind "ERT" or "ART"): the table_summary
// list (for errors about the table as a whole) and its entries, each checked to be a map.
// Throws SpecError naming file, line and key.
struct AccelergyTable {
  YamlView list;
  std::vector<YamlView> entries;
};
AccelergyTable accelergy_table(const YamlView &doc, const std::string &kind);

// The component an entry prices, as the arch names it: the last dotted component without its
// instance range ("System_top_level.GlobalBuffer[1..16]" -> "GlobalBuffer").
std::string accelergy_component(const YamlView &entry);

} // namespace hcl::sched::detail
