// The opening of a timeloopfe dump (parsed-processed-input.yaml: every section of a Timeloop
// input in one file) with a small conv1d problem, for the tests that read such a file: the
// readers' (tests/scheduler/io/timeloop_problem.cpp) and the spec-file dispatch's
// (tests/flows/spec_files.cpp). Each appends its own architecture section; the problem has
// 3 x 16 MACs.
#pragma once

namespace hcl::test {

inline const char *const kTimeloopDumpProblem = R"(dumped_by_timeloop_front_end: true
problem:
  shape:
    name: conv1d
    dimensions: [R, P]
    data_spaces:
      - {name: Weights, projection: [[[R]]]}
      - {name: Inputs, projection: [[[R], [P]]]}
      - {name: Outputs, projection: [[[P]]], read_write: True}
  instance: {R: 3, P: 16}
)";

} // namespace hcl::test
