// Accelergy's area reference table as Timeloop writes it next to its stats
// (timeloop-model.ART_summary.yaml):
//   ART_summary: {version, table_summary: [{name: "System.Chip.PE.RegisterFile[0..15]",
//                                           area: 887.84, primitive_estimations: ...}]}
// The area of an entry is per instance, in um^2, like Level::area_um2 (area.h).
#pragma once

#include <string>

#include <scheduler/io/timeloop_import.h>
#include <scheduler/io/yaml_util.h>

namespace hcl::sched {

// Sets the area of every level named in the table (the last component of the entry's name,
// without its instance range) and of the MAC (the arch's compute component), and gives the
// arch an area model. Entries naming nothing in the arch (containers, components the import
// dropped) are ignored, as Timeloop's ERT reader does; an on-chip level or a MAC the table
// does not price is a SpecError, since a budget would count it as free. Throws SpecError
// naming file, line and key.
void apply_timeloop_art(const std::string &path, TimeloopArch &arch);
void apply_timeloop_art(const YamlView &doc, TimeloopArch &arch);

} // namespace hcl::sched
