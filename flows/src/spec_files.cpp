#include <flows/spec_files.h>

#include <flows/errors.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_art.h>
#include <scheduler/io/timeloop_ert.h>

#include <fmt/core.h>

#include <filesystem>

namespace hcl::flows {

using namespace hcl::sched;

Problem load_problem_file(const std::string &path) {
  if (timeloop_holds(path, TimeloopKind::Problem)) {
    return load_timeloop_problem(path);
  }
  if (detect_spec_kind(path) == SpecKind::Workload) {
    return load_problem_yaml(path);
  }
  throw UsageError(fmt::format(
      "{}: not a problem file; expected Timeloop's 'problem:' or our 'workload:' at the top",
      path));
}

TimeloopArch load_arch_file(const std::string &path, const Problem &problem, const std::string &ert,
                            const std::string &art) {
  TimeloopArch a;
  if (timeloop_holds(path, TimeloopKind::Architecture)) {
    a = load_timeloop_arch(path, problem);
  } else if (detect_spec_kind(path) == SpecKind::Arch) {
    a.arch = load_arch_yaml(path);
  } else {
    throw UsageError(fmt::format(
        "{}: not an architecture file; expected Timeloop's 'architecture:' or our 'arch:'", path));
  }
  if (!ert.empty()) {
    require_file(ert, "--ert");
    if (timeloop_kind(ert) != TimeloopKind::Ert) {
      throw UsageError(
          fmt::format("{}: not an Accelergy ERT summary (expected 'ERT_summary:')", ert));
    }
    apply_timeloop_ert(ert, a);
  }
  if (!art.empty()) {
    require_file(art, "--art");
    apply_timeloop_art(art, a);
  }
  return a;
}

Mapping load_mapping_file(const std::string &path, const Problem &problem, const Arch &arch) {
  if (timeloop_holds(path, TimeloopKind::Mapping)) {
    return load_timeloop_mapping(path, problem, arch);
  }
  if (detect_spec_kind(path) == SpecKind::Schedule) {
    return load_mapping_yaml(path, problem, arch);
  }
  throw UsageError(fmt::format(
      "{}: not a mapping file; expected Timeloop's 'mapping:' or our 'schedule:'", path));
}

} // namespace hcl::flows
