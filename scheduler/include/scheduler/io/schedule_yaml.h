// Our schedule format: `schedule: {levels: [...]}`, read into a Mapping (mapping.h) of one
// problem on one architecture, and written back.
// Read strictly (yaml_util.h); every loader throws SpecError (a std::invalid_argument) naming
// file, line and key on bad input, and none returns a partially filled object. The format is
// documented with examples in docs/specs.md.
#pragma once

#include <scheduler/arch.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

#include <string>

namespace hcl::sched {

// A schedule file holds `schedule: {levels: [...]}` with levels named as in `arch`. It is
// checked against `problem` and `arch` with validate() (validate.h); a failure becomes a
// SpecError at the line of the offending level entry.
Mapping load_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch);
Mapping parse_mapping(const YamlView &schedule, const Problem &problem, const Arch &arch);
// Levels are written outermost first, each with its temporal factors, order (innermost first),
// spatial factors per axis and keep list; levels without loops and with the default keep set
// are still written so the file shows the whole hierarchy.
std::string mapping_to_yaml(const Problem &problem, const Arch &arch, const Mapping &mapping);
void save_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch,
                       const Mapping &mapping);

} // namespace hcl::sched
