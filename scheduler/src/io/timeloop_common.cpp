#include "timeloop_common.h"

#include <scheduler/warnings.h>

#include <fmt/format.h>

#include <algorithm>

namespace hcl::sched {

namespace detail {

std::optional<YamlView> get_either(const YamlView &v, std::string_view a, std::string_view b) {
  if (auto x = v.get(a)) {
    return x;
  }
  return v.get(b);
}

void check_sections(const YamlView &doc, std::initializer_list<const char *> needed,
                    const std::string &what) {
  doc.require_map(what);
  // The sections Timeloop v3.0.3's applications and timeloopfe's dump read.
  static const std::vector<std::string> known = {"problem",
                                                 "architecture",
                                                 "architecture_constraints",
                                                 "mapping",
                                                 "mapper",
                                                 "mapspace",
                                                 "mapspace_constraints",
                                                 "sparse_optimizations",
                                                 "model",
                                                 "compound_components",
                                                 "dumped_by_timeloop_front_end",
                                                 "globals",
                                                 "variables",
                                                 "components",
                                                 "ERT",
                                                 "ART",
                                                 "constraints",
                                                 "layer_fusion"};
  for (const auto &[key, v] : doc.entries()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      warn(fmt::format("{}:{}: '{}' is not a section of a Timeloop input ({}); Timeloop ignores "
                       "it, and so does hcl",
                       v.file(), v.line(), key, join_names(known)));
    }
  }
  for (const char *n : needed) {
    if (!doc.has(n)) {
      doc.fail(fmt::format("{} needs a '{}' section", what, n));
    }
  }
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
