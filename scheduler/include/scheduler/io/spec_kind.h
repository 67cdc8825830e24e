// Which of our formats a file holds. Each top-level key is unique to one format
// (`workload:`, `arch:`, `schedule:`, `network:`), which is also what tells our files apart
// from Timeloop's (`problem:`, `architecture:`, `mapping:`).
#pragma once

#include <string>

namespace hcl::sched {

enum class SpecKind { Workload, Arch, Schedule, Network, Other };
// Which of our formats `path` holds, by its top-level key; Other for anything else (e.g. a
// Timeloop file). Throws SpecError only when the file cannot be read or parsed as YAML.
SpecKind detect_spec_kind(const std::string &path);

} // namespace hcl::sched
