#include <scheduler/io/spec_kind.h>
#include <scheduler/io/yaml_util.h>

#include <fmt/format.h>

namespace hcl::sched {

SpecKind detect_spec_kind(const std::string &path) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::BadFile &) {
    throw SpecError(path, 0, "", "cannot open file");
  } catch (const YAML::Exception &e) {
    throw SpecError(path, e.mark.is_null() ? 0 : e.mark.line + 1, "",
                    "YAML syntax error: " + e.msg);
  }
  if (!doc.IsMap()) {
    return SpecKind::Other;
  }
  // Any of our keys decides, even next to stray ones: the loader then names the stray key,
  // which helps more than "not a workload file".
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (key == "workload") {
      return SpecKind::Workload;
    }
    if (key == "arch") {
      return SpecKind::Arch;
    }
    if (key == "schedule") {
      return SpecKind::Schedule;
    }
    if (key == "network") {
      return SpecKind::Network;
    }
  }
  return SpecKind::Other;
}

} // namespace hcl::sched
