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
