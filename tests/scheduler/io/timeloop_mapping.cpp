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

TEST_CASE("timeloop import: Timeloop's own map.yaml output form (K16, lists, empty keep)") {
  const Imported a = import_strings(kConv1dProblem, kSpatialArch, kMappingCp, kErt);
  const Imported b = import_strings(kConv1dProblem, kSpatialArch, R"(mapping:
  - target: inter_PE_spatial
    type: datatype
    keep:
      []
    bypass: [Weights, Inputs, Outputs]
  - {target: MainMemory, type: temporal, factors: R1 P1 K1 C1, permutation: PRKC}
  - {target: GlobalBuffer, type: temporal, factors: [R=3, P=1, K=32, C=2], permutation: PRKC}
  - {target: inter_PE_spatial, type: spatial, factors: C16 K1, permutation: CK, split: 1}
  - {target: inter_PE_spatial, type: temporal, factors: C1 K1 R1 P1, permutation: CKRP}
  - {target: RegisterFile, type: temporal, factors: R1 P16 K1 C1, permutation: RPKC}
)",
                                    kErt);
  const Evaluation ea = evaluate(a.problem, a.arch.arch, a.mapping, Mode::Timeloop);
  const Evaluation eb = evaluate(b.problem, b.arch.arch, b.mapping, Mode::Timeloop);
  CHECK(ea.energy_pj == eb.energy_pj);
  CHECK(ea.levels[1].tensors[1]->fills == eb.levels[1].tensors[1]->fills);
  CHECK_THROWS_WITH(import_strings(kConv1dProblem, kSpatialArch,
                                   "mapping:\n  - {target: MainMemory, type: temporal, factors: "
                                   "K16x}\n"),
                    Catch::Contains("factor 'K16x' is not DIM=N"));
}

TEST_CASE("timeloop import: a dataspace directive in a mapping is keep/bypass, as datatype") {
  const Imported plain = import_strings(kConv1dProblem, kSpatialArch, kMappingCp, kErt);
  const auto with = [&](const char *type) {
    return import_strings(kConv1dProblem, kSpatialArch,
                          std::string(kMappingCp) + "  - {target: GlobalBuffer, type: " + type +
                              ", keep: [Inputs, Outputs], bypass: [Weights]}\n",
                          kErt);
  };
  const Imported a = with("datatype"), b = with("dataspace");
  std::size_t gb = 0;
  while (a.arch.arch.levels[gb].name != "GlobalBuffer")
    ++gb;
  CHECK(plain.mapping.levels[gb].keep[0]); // Weights kept there unless bypassed
  CHECK_FALSE(a.mapping.levels[gb].keep[0]);
  for (std::size_t l = 0; l < a.mapping.levels.size(); ++l)
    CHECK(a.mapping.levels[l].keep == b.mapping.levels[l].keep);
  CHECK(evaluate(a.problem, a.arch.arch, a.mapping, Mode::Timeloop).energy_pj ==
        evaluate(b.problem, b.arch.arch, b.mapping, Mode::Timeloop).energy_pj);
}
