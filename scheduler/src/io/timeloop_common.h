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

// The index of data space `name` in `p`; an unknown name fails at `where`, listing the valid.
int tensor_index(const YamlView &where, const Problem &p, const std::string &name);

} // namespace hcl::sched::detail
