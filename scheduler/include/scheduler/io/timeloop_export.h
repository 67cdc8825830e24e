// Writing any of our mappings as a Timeloop v0.4 mapping YAML, so a schedule found here can be
// checked in Timeloop itself (timeloop-model with the same problem and architecture).
#pragma once

#include <string>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// One `temporal` directive per level (every dimension's factor, permutation innermost first),
// a `spatial` directive where a level fans out (X loops first, `split` = number of X loops)
// and a `datatype` directive where a level keeps less than all tensors. Levels outermost
// first, as Timeloop writes them. Targets are our level names, so a flattened container level
// keeps its inter_<name>_spatial name. Throws std::invalid_argument when a level has two loops
// over one dimension in the same directive, which Timeloop cannot express.
std::string mapping_to_timeloop_yaml(const Problem &problem, const Arch &arch,
                                     const Mapping &mapping);
// Same, written atomically (temp file + rename).
void save_timeloop_mapping(const std::string &path, const Problem &problem, const Arch &arch,
                           const Mapping &mapping);

} // namespace hcl::sched
