// The spec files the scheduler commands (evaluate, schedule, explore) take, recognized by
// content: ours or Timeloop's. Every function throws hcl::flows::UsageError (exit 2) naming the
// file and what it expected, so the commands report bad input the same way.
#pragma once

#include <flows/errors.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

#include <string>

namespace hcl::flows {

// Timeloop's `problem:` or our `workload:`.
sched::Problem load_problem_file(const std::string &path);

// Timeloop's `architecture:` (with the mapper constraints it carries) or our `arch:`, then the
// Accelergy ERT and ART summaries when given (empty = none).
sched::TimeloopArch load_arch_file(const std::string &path, const sched::Problem &problem,
                                   const std::string &ert = "", const std::string &art = "");

// Timeloop's `mapping:` or our `schedule:`, read against the layer and arch it maps.
sched::Mapping load_mapping_file(const std::string &path, const sched::Problem &problem,
                                 const sched::Arch &arch);

} // namespace hcl::flows
