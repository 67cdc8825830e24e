// The evaluation as JSON, in the one shape every tool of the project reads (CLI --json, the
// auto-scheduler's reports):
//   {"macs": N, "cycles": N, "utilization": F, "energy_pj": F,
//    "levels": [{"name": S, "instances": N,
//                "tensors": {"<tensor>": {"utilized_capacity": N, "utilized_instances": N,
//                                         "reads": N, "fills": N, "updates": N,
//                                         "energy_pj": F}}}]}
// Counts are per instance (as Timeloop prints them); levels innermost first; a tensor a level
// bypasses is absent from that level's "tensors".
#pragma once

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/problem.h>

namespace hcl::sched {

nlohmann::json to_json(const Problem &problem, const Arch &arch, const Evaluation &evaluation);

// The bounds of docs/cost-model.md ("Bounds shown beside a cost"), for reports that show them
// beside the evaluation:
// {"compute_cycles": N, "compulsory_backing_words": N, "backing_words": N}.
nlohmann::json bounds_to_json(const Evaluation &evaluation);

} // namespace hcl::sched
