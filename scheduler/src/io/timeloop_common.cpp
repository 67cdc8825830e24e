#include "timeloop_common.h"

#include <fmt/format.h>

namespace hcl::sched {

namespace detail {

std::optional<YamlView> get_either(const YamlView &v, std::string_view a, std::string_view b) {
  if (auto x = v.get(a)) {
    return x;
  }
  return v.get(b);
}

int tensor_index(const YamlView &where, const Problem &p, const std::string &name) {
  for (std::size_t i = 0; i < p.tensors.size(); ++i) {
    if (p.tensors[i].name == name) {
      return static_cast<int>(i);
    }
  }
  std::vector<std::string> names;
  for (const auto &t : p.tensors) {
    names.push_back(t.name);
  }
  where.fail(fmt::format("unknown data space '{}'; valid are {}", name, join_names(names)));
}

} // namespace detail

} // namespace hcl::sched
