// Helpers the Timeloop readers (timeloop_problem.cpp, timeloop_arch.cpp, timeloop_mapping.cpp)
// share.
#pragma once

#include <scheduler/io/yaml_util.h>
#include <scheduler/problem.h>

#include <optional>
#include <string>
#include <string_view>

namespace hcl::sched::detail {

// Key `a`, or else key `b`: Timeloop accepts both spellings of several keys across versions.
std::optional<YamlView> get_either(const YamlView &v, std::string_view a, std::string_view b);

// A Timeloop input's top level: the `needed` sections must be there (one of them when
// `any_of`), and the other sections of a whole Timeloop input (timeloopfe's
// parsed-processed-input.yaml holds them all in one file) are read by the other readers.
// Timeloop ignores any other key; so does hcl, with a warning naming file, line and key.
void check_sections(const YamlView &doc, std::initializer_list<const char *> needed,
                    const std::string &what);

// The index of data space `name` in `p`; an unknown name fails at `where`, listing the valid.
int tensor_index(const YamlView &where, const Problem &p, const std::string &name);

} // namespace hcl::sched::detail
