// Timeloop-format inputs written as strings for the import tests (timeloop_problem.cpp,
// timeloop_arch.cpp, timeloop_mapping.cpp, timeloop_import.cpp), and importing them.
#pragma once

#include <scheduler/io/timeloop_ert.h>
#include <scheduler/io/timeloop_import.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace tl_test {

using namespace hcl::sched;

// Our own Timeloop-v0.4-format descriptions of the exercise cases (written for these tests;
// the golden counts they are checked against are the facts in support/timeloop_cases.h).
inline const char *kConv1dProblem = R"(problem:
  version: 0.4
  shape:
    name: Conv1D_OC
    dimensions: [C, K, R, P]
    data_spaces:
      - name: Weights
        projection: [[[C]], [[K]], [[R]]]
      - name: Inputs
        projection: [[[C]], [[R], [P]]]
      - name: Outputs
        projection: [[[K]], [[P]]]
        read_write: true
  instance: {C: 32, K: 32, R: 3, P: 16}
)";

inline const char *kSpatialArch = R"(architecture:
  version: 0.4
  nodes:
    - !Container
      name: System
      attributes: {technology: "40nm", global_cycle_seconds: 1e-9}
    - !Component
      name: MainMemory
      class: DRAM
      attributes: {width: 256, datawidth: 8}
    - !Container
      name: PE
      spatial: {meshX: 16}
    - !Component
      name: GlobalBuffer
      class: SRAM
      attributes: {depth: 32768, width: 64, datawidth: 8}
    - !Component
      name: RegisterFile
      class: regfile
      attributes: {depth: 64, width: 8, datawidth: 8}
    - !Component
      name: MACC
      class: intmac
      attributes: {width: 8}
)";

inline const char *kMappingCp = R"(mapping:
  - {target: MainMemory, type: temporal, factors: R=1 P=1 K=1 C=1, permutation: PRKC}
  - {target: GlobalBuffer, type: temporal, factors: R=3 P=1 K=32 C=2, permutation: PRKC}
  - {target: PE, type: spatial, factors: R=1 P=1 K=1 C=16, permutation: PRKC}
  - {target: RegisterFile, type: temporal, factors: R=1 P=16 K=1 C=1, permutation: RPKC}
)";

inline const char *kErt = R"(ERT_summary:
  version: '0.4'
  table_summary:
    - name: System_top_level.MainMemory[1..1]
      actions:
        - {name: update, energy: 2048.0}
        - {name: read, energy: 2048.0}
        - {name: write, energy: 2048.0}
        - {name: leak, energy: 0.0}
    - name: System_top_level.GlobalBuffer[1..16]
      actions:
        - {name: update, energy: 30.878292}
        - {name: read, energy: 43.353054}
        - {name: write, energy: 30.878292}
        - {name: leak, energy: 0.007972}
    - name: System_top_level.RegisterFile[1..16]
      actions:
        - {name: update, energy: 0.42564}
        - {name: read, energy: 0.42564}
        - {name: write, energy: 0.42564}
        - {name: leak, energy: 0.000861}
    - name: System_top_level.MACC[1..16]
      actions:
        - {name: compute, energy: 0.845}
)";

struct Imported {
  Problem problem;
  TimeloopArch arch;
  Mapping mapping;
};

inline Imported import_strings(const std::string &prob, const std::string &arch,
                               const std::string &map, const std::string &ert = "") {
  Imported im;
  im.problem = parse_timeloop_problem(load_yaml_string(prob, "prob.yaml"));
  im.arch = parse_timeloop_arch(load_yaml_string(arch, "arch.yaml"), im.problem);
  if (!ert.empty()) {
    apply_timeloop_ert(load_yaml_string(ert, "ERT_summary.yaml"), im.arch);
  }
  im.mapping = parse_timeloop_mapping(load_yaml_string(map, "map.yaml"), im.problem, im.arch.arch);
  return im;
}

inline std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace tl_test
