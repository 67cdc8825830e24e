#include <scheduler/io/timeloop_import.h>

namespace hcl::sched {

TimeloopKind timeloop_kind(const std::string &path) {
  const YamlView doc = load_yaml_file(path);
  if (!doc.is_map()) {
    return TimeloopKind::None;
  }
  if (doc.has("problem")) {
    return TimeloopKind::Problem;
  }
  if (doc.has("architecture")) {
    return TimeloopKind::Architecture;
  }
  if (doc.has("mapping")) {
    return TimeloopKind::Mapping;
  }
  if (doc.has("ERT_summary") || doc.has("ERT")) {
    return TimeloopKind::Ert;
  }
  return TimeloopKind::None;
}

} // namespace hcl::sched
