#include <scheduler/io/timeloop_ert.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/model.h>
#include <scheduler/search/space.h>
#include <scheduler/warnings.h>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>

#include "support/timeloop_cases.h"
#include "support/timeloop_strings.h"
#include "timeloop_dump.h"

using namespace hcl::sched;
using namespace tl_test;

TEST_CASE("timeloop import: v0.4 problem with coefficients") {
  const Problem p = parse_timeloop_problem(load_yaml_string(R"(problem:
  version: 0.4
  shape:
    name: CNN_Layer
    dimensions: [C, M, R, S, N, P, Q]
    coefficients:
      - {name: Wstride, default: 1}
      - {name: Hstride, default: 1}
      - {name: Wdilation, default: 1}
    data_spaces:
      - name: Weights
        projection: [[[C]], [[M]], [[R]], [[S]]]
      - name: Inputs
        projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S], [Q, Hstride]]]
      - name: Outputs
        projection: [[[N]], [[M]], [[P]], [[Q]]]
        read_write: True
  instance: {C: 3, M: 96, R: 11, S: 11, N: 1, P: 55, Q: 55, Wstride: 4, Hstride: 4}
)",
                                                            "alexnet1.yaml"));
  CHECK(p.dim_names.size() == 7);
  CHECK(p.macs() == 3LL * 96 * 121 * 55 * 55);
  // Input rows: (55-1)*4 + 11 = 227, AlexNet's input size.
  CHECK(p.tensor_size(1) == 3 * 227 * 227);
  CHECK(p.tensors[2].read_write);
  CHECK_FALSE(p.tensors[1].read_write);
}

TEST_CASE("timeloop import: instance keys Timeloop ignores (H, W, Hpad, Wpad) are ignored with a "
          "warning naming file, line and key") {
  std::vector<std::string> warnings;
  const auto old =
      hcl::sched::set_warning_sink([&](const std::string &w) { warnings.push_back(w); });
  const Problem p = parse_timeloop_problem(load_yaml_string(R"(problem:
  shape:
    name: CNN_Layer
    dimensions: [C, M, R, S, N, P, Q]
    data_spaces:
      - name: Weights
        projection: [[[C]], [[M]], [[R]], [[S]]]
      - name: Inputs
        projection: [[[N]], [[C]], [[R], [P]], [[S], [Q]]]
      - name: Outputs
        projection: [[[N]], [[M]], [[P]], [[Q]]]
        read_write: True
  instance:
    C: 3
    M: 8
    R: 3
    S: 3
    N: 1
    P: 6
    Q: 6
    H: 8
    W: 8
    Hpad: 0
    Wpad: 0
)",
                                                            "published.yaml"));
  hcl::sched::set_warning_sink(old);
  CHECK(p.macs() == 3LL * 8 * 9 * 36); // the ignored keys change nothing
  REQUIRE(warnings.size() == 4);
  CHECK_THAT(warnings[0], Catch::StartsWith("published.yaml:21: instance key 'H' is neither"));
  CHECK_THAT(warnings[0], Catch::Contains("Timeloop ignores it"));
  CHECK_THAT(warnings[3], Catch::Contains("'Wpad'"));
  // A map under an unknown key is still an error: it cannot be a number Timeloop ignores.
  CHECK_THAT(error_of([] {
               (void)parse_timeloop_problem(load_yaml_string(
                   "problem:\n  shape:\n    dimensions: [K]\n    data_spaces:\n      - {name: "
                   "O, projection: [[[K]]], read_write: true}\n  instance: {K: 4, X: {a: 1}}\n",
                   "bad.yaml"));
             }),
             Catch::Contains("bad.yaml:6") && Catch::Contains("X"));
}

TEST_CASE("timeloop import: a problem whose counts do not fit names the instance key") {
  std::string big = kConv1dProblem;
  big.replace(big.find("K: 32"), 5, "K: 1000000000000000");
  const std::string msg =
      error_of([&] { parse_timeloop_problem(load_yaml_string(big, "big.yaml")); });
  CHECK_THAT(msg, Catch::Contains("big.yaml:14: K:") && Catch::Contains("2^48"));
}

TEST_CASE("timeloop import: a whole Timeloop input in one file (timeloopfe's dump) gives the "
          "problem and the architecture") {
  // timeloopfe writes parsed-processed-input.yaml with every section Timeloop reads at the top
  // level (the exercises' ref_outputs hold 34 of them); each reader takes its own section.
  // A key that is no section of a Timeloop input is ignored, as Timeloop does, with a warning.
  std::vector<std::string> warnings;
  const auto old =
      hcl::sched::set_warning_sink([&](const std::string &w) { warnings.push_back(w); });
  const YamlView doc =
      load_yaml_string(std::string(hcl::test::kTimeloopDumpProblem) + R"(architecture:
  version: 0.4
  nodes:
    - !Component {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}
    - !Component {name: Buffer, class: SRAM, attributes: {depth: 256, width: 8, datawidth: 8}}
    - !Component {name: MACC, class: intmac, attributes: {width: 8}}
mapping: []
mapper: {optimization_metrics: [energy]}
mapspace: {template: ruby}
globals: {version: 0.4}
extras: {note: not a Timeloop section}
)",
                       "parsed-processed-input.yaml");
  const Problem p = parse_timeloop_problem(doc);
  const TimeloopArch ta = parse_timeloop_arch(doc, p);
  hcl::sched::set_warning_sink(old);
  CHECK(p.macs() == 3 * 16);
  CHECK(ta.arch.levels.size() == 2);
  REQUIRE(warnings.size() == 2); // one per reader
  CHECK_THAT(warnings[0], Catch::StartsWith("parsed-processed-input.yaml:21: 'extras' is not a "
                                            "section of a Timeloop input"));
  CHECK_THROWS_WITH(parse_timeloop_problem(load_yaml_string("mapper: {}\n", "m.yaml")),
                    Catch::Contains("m.yaml") && Catch::Contains("needs a 'problem' section"));
}
