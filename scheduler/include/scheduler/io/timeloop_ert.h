// Accelergy's energy reference table as Timeloop writes it next to its stats
// (timeloop-model.ERT_summary.yaml), read into a Timeloop arch's per-access energies.
#pragma once

#include <scheduler/io/timeloop_import.h>
#include <scheduler/io/yaml_util.h>

#include <string>

namespace hcl::sched {

// ERT_summary: {version, table_summary: [{name, actions: [{name, energy}], ...}]}. Sets read,
// write, update and leak energy of each level whose name matches the entry's last path
// component (without the [a..b] instance range) and the MAC energy from the compute entry
// (any entry with a `compute` action when compute_name is empty, e.g. for our own archs).
void apply_timeloop_ert(const std::string &path, TimeloopArch &arch);
void apply_timeloop_ert(const YamlView &doc, TimeloopArch &arch);

} // namespace hcl::sched
