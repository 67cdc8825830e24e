// JSON reports of the auto-scheduler (the shape `hcl schedule --json` writes):
//   {"layers": [{"name": S, "repeat": N, "same_as": S?, "cached": true?, "schedule": {...},
//                "evaluation": {the hcl evaluate JSON}, "bounds": {...},
//                "objective": S, "objective_value": F, "lower_bound": F,
//                "optimal": B, "gap": F, "stats": {...}}],
//    "total": {"energy_pj": F, "cycles": N}}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/problem.h>
#include <scheduler/search/search.h>

namespace hcl::sched {

// A mapping as data, levels outermost first like the schedule YAML: {"levels": [{"name",
// "temporal": [{"dim", "factor"}] (innermost first), "spatial_x": [...], "spatial_y": [...],
// "keep": [tensor names]}]}.
nlohmann::json schedule_json(const Problem &problem, const Arch &arch, const Mapping &mapping);

nlohmann::json stats_json(const SearchStats &stats);

// Distance to the bounds of docs/cost-model.md ("Bounds shown beside a cost"): compute bound
// and compulsory backing-store traffic, and the ratios of the evaluation to them. layer_json adds
// the attainable single-buffer traffic and its ratio when the layer has it.
nlohmann::json bounds_report_json(const Evaluation &evaluation);

// One layer entry (see above); a layer without a mapping has "schedule": null and
// "evaluation": null.
nlohmann::json layer_json(const LayerSchedule &layer, const Arch &arch, Objective objective);

nlohmann::json network_json(const NetworkSchedule &schedule, const Arch &arch, Objective objective);

} // namespace hcl::sched
