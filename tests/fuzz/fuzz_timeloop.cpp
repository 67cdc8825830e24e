// libFuzzer target for Timeloop's inputs (problem, architecture, mapping) and Accelergy's
// ERT/ART summaries, dispatched by the top-level key as `hcl evaluate` does. Architectures,
// mappings and summaries are read against the conv1d test problem and its two-level arch
// (tests/data/evaluate/); a mapping the reader accepts is then evaluated.
//
// Bad input is std::invalid_argument (SpecError); anything else escaping is a finding.
#include "fuzz_support.h"

#include <scheduler/io/timeloop_art.h>
#include <scheduler/io/timeloop_ert.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/model.h>

#include <stdexcept>

using namespace hcl::sched;

namespace {

const Problem &problem() {
  static const Problem p =
      load_timeloop_problem(hcl::fuzz::source_file("tests/data/evaluate/conv1d_k.prob.yaml"));
  return p;
}
const TimeloopArch &arch() {
  static const TimeloopArch a = load_timeloop_arch(
      hcl::fuzz::source_file("tests/data/evaluate/sram_rf.arch.yaml"), problem());
  return a;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)arch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string &path = hcl::fuzz::write_input("timeloop", ".yaml", data, size);
  try {
    switch (timeloop_kind(path)) {
    case TimeloopKind::Problem:
      (void)load_timeloop_problem(path);
      break;
    case TimeloopKind::Architecture:
      (void)load_timeloop_arch(path, problem());
      break;
    case TimeloopKind::Mapping: {
      const Mapping m = load_timeloop_mapping(path, problem(), arch().arch);
      (void)evaluate(problem(), arch().arch, m, Mode::Timeloop);
      break;
    }
    case TimeloopKind::Ert: {
      TimeloopArch a = arch();
      apply_timeloop_ert(path, a);
      break;
    }
    case TimeloopKind::None: {
      TimeloopArch a = arch();
      apply_timeloop_art(path, a); // ART summaries have no kind of their own
      break;
    }
    }
  } catch (const std::invalid_argument &) {
    // the documented error for bad input
  }
  return 0;
}
