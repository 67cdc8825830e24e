#include <scheduler/io/timeloop_import.h>

namespace hcl::sched {

namespace {

// Whether `doc` holds the document of that kind, by its top-level key.
bool holds(const YamlView &doc, TimeloopKind kind) {
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

} // namespace

TimeloopKind timeloop_kind(const std::string &path) {
  const YamlView doc = load_yaml_file(path);
  if (!doc.is_map()) {
    return TimeloopKind::None;
  }
  for (const TimeloopKind kind : {TimeloopKind::Problem, TimeloopKind::Architecture,
                                  TimeloopKind::Mapping, TimeloopKind::Ert}) {
    if (holds(doc, kind)) {
      return kind;
    }
  }
  return TimeloopKind::None;
}

bool timeloop_holds(const std::string &path, TimeloopKind kind) {
  const YamlView doc = load_yaml_file(path);
  return doc.is_map() && holds(doc, kind);
}

} // namespace hcl::sched
