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

bool timeloop_holds(const std::string &path, TimeloopKind kind) {
  const YamlView doc = load_yaml_file(path);
  if (!doc.is_map()) {
    return false;
  }
  switch (kind) {
  case TimeloopKind::Problem:
    return doc.has("problem");
  case TimeloopKind::Architecture:
    return doc.has("architecture");
  case TimeloopKind::Mapping:
    return doc.has("mapping");
  case TimeloopKind::Ert:
    return doc.has("ERT_summary") || doc.has("ERT");
  case TimeloopKind::None:
    break;
  }
  return false;
}

} // namespace hcl::sched
