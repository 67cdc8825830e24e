// Our architecture format: `arch: {levels: [...]}`, read into an Arch (arch.h) and written
// back.
// Read strictly (yaml_util.h); every loader throws SpecError (a std::invalid_argument) naming
// file, line and key on bad input, and none returns a partially filled object. The format is
// documented with examples in docs/specs.md.
#pragma once

#include <scheduler/arch.h>
#include <scheduler/io/yaml_util.h>

#include <string>
#include <vector>

namespace hcl::sched {

// An arch file lists levels from the backing store inward; the returned Arch is innermost
// first (arch.h). A level with `partitioned:` becomes one level per tensor scratchpad.
Arch load_arch_yaml(const std::string &path);
Arch parse_arch(const YamlView &arch);
// Writes every level with explicit sizes and energies, so the file no longer depends on the
// energy table it may have come from.
std::string arch_to_yaml(const Arch &arch);
void save_arch_yaml(const std::string &path, const Arch &arch);

// Tensor names used by arch files (keep/bypass/partitioned): position i in Arch::Level::keeps.
const std::vector<std::string> &arch_tensor_names(); // {"Weights","Inputs","Outputs"}

} // namespace hcl::sched
