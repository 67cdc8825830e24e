// libFuzzer target for our YAML specs (workload, arch, schedule, network), read the way
// `hcl evaluate/schedule` read them: the kind from the top-level key, then that reader. A
// schedule is checked against the small test workload and arch and then evaluated, so the
// cost model sees every schedule the reader accepts. What a reader accepts must also survive
// its writer: the written text loads back.
//
// Bad input is std::invalid_argument (SpecError); anything else escaping is a finding.
#include "fuzz_support.h"

#include <scheduler/io/spec_yaml.h>
#include <scheduler/model/model.h>
#include <scheduler/network/network.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

using namespace hcl::sched;

namespace {

const Problem &small_problem() {
  static const Problem p =
      load_problem_yaml(hcl::fuzz::source_file("tests/data/specs/small.workload.yaml"));
  return p;
}
const Arch &small_arch() {
  static const Arch a = load_arch_yaml(hcl::fuzz::source_file("tests/data/specs/small.arch.yaml"));
  return a;
}

[[noreturn]] void writer_broke(const char *what, const std::invalid_argument &e) {
  std::fprintf(stderr, "the %s writer produced text its reader rejects: %s\n", what, e.what());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)small_problem();
  (void)small_arch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string &path = hcl::fuzz::write_input("ours", ".yaml", data, size);
  try {
    switch (detect_spec_kind(path)) {
    case SpecKind::Workload: {
      const Problem p = load_problem_yaml(path);
      try {
        (void)parse_problem(load_yaml_string(problem_to_yaml(p), "written").at("workload"));
      } catch (const std::invalid_argument &e) {
        writer_broke("workload", e);
      }
      break;
    }
    case SpecKind::Arch: {
      const Arch a = load_arch_yaml(path);
      try {
        (void)parse_arch(load_yaml_string(arch_to_yaml(a), "written").at("arch"));
      } catch (const std::invalid_argument &e) {
        writer_broke("arch", e);
      }
      break;
    }
    case SpecKind::Schedule: {
      const Mapping m = load_mapping_yaml(path, small_problem(), small_arch());
      (void)evaluate(small_problem(), small_arch(), m, Mode::Hcl);
      (void)evaluate(small_problem(), small_arch(), m, Mode::Timeloop);
      break;
    }
    case SpecKind::Network:
      (void)load_network_yaml(path);
      break;
    case SpecKind::Other:
      break;
    }
  } catch (const std::invalid_argument &) {
    // the documented error for bad input
  }
  return 0;
}
