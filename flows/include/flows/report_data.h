// The data of the flow report, report.json: every number report.html draws, each next to the
// bound it is measured against. It is derived from flow.json and schedules.json alone, with
// no model run, so a stored pair of those files re-renders the same report.
//
// Shape (docs/flows.md, "report.json"): title, inputs, verdicts; summary {metrics [{name,
// label, unit, value, bound, bound_what, ratio, better}], dataflow, buffers}; network {layers
// ordered by energy x repeat, largest first; levels, the stack order}; layers [one per layer
// with its own schedule: loop_nest, energy, cycles, traffic, cosim]; hardware {array, levels,
// movements, params, area}; studies {dataflow, memory}; checks {lint, cosim}; files.
#pragma once

#include <nlohmann/json.hpp>

namespace hcl::flows {

// `flow` and `schedules` have the shapes `hcl flow` writes; missing keys give nulls (a
// network whose layers were all unmapped still has a report).
nlohmann::json report_data(const nlohmann::json &flow, const nlohmann::json &schedules);

} // namespace hcl::flows
