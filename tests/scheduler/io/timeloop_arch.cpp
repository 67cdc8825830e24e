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

TEST_CASE("timeloop import: c5 spatial arch flattens the PE container into a fan-out level") {
  const Imported im = import_strings(kConv1dProblem, kSpatialArch, kMappingCp, kErt);
  const Arch &a = im.arch.arch;
  REQUIRE(a.levels.size() == 4);
  CHECK(a.levels[0].name == "RegisterFile");
  CHECK(a.levels[1].name == "GlobalBuffer");
  CHECK(a.levels[1].block_size == 8);
  CHECK(a.levels[1].size_words == 32768 * 8);
  CHECK(a.levels[2].name == "inter_PE_spatial");
  CHECK(a.levels[2].fanout_x == 16);
  CHECK(a.levels[3].name == "MainMemory");
  CHECK(a.levels[3].block_size == 32);
  CHECK(a.levels[3].kind == MemKind::DRAM);
  CHECK(im.arch.compute_name == "MACC");
  CHECK(a.mac_energy_pj == 0.845);
  CHECK(a.levels[1].read_energy_pj == 43.353054);
  // R=1 P=1 K=1 C=16: the factor-1 entries are no fan-out; C's 16 is the one loop on X.
  REQUIRE(im.mapping.levels[2].spatial_x.size() == 1);
  CHECK(im.mapping.levels[2].spatial_x[0].factor == 16);
}

TEST_CASE("timeloop import: v0.2 subtree arch with instance ranges (legacy c5)") {
  const Imported im = import_strings(kConv1dProblem, R"(architecture:
  version: 0.2
  subtree:
    - name: System
      local:
        - name: MainMemory
          class: DRAM
          attributes: {width: 256, block-size: 32, word-bits: 8}
      subtree:
        - name: Chip
          attributes: {technology: 40nm}
          local:
            - name: GlobalBuffer
              class: SRAM
              attributes: {depth: 8192, width: 256, block-size: 32, word-bits: 8}
          subtree:
            - name: PE
              local:
                - name: RegisterFile[0..15]
                  class: regfile
                  attributes: {depth: 64, width: 8, block-size: 1, word-bits: 8}
                - name: MACC[0..15]
                  class: intmac
                  attributes: {datawidth: 8}
)",
                                     R"(mapping:
  - {target: MainMemory, type: temporal, factors: R=1 P=1 K=1 C=1, permutation: PRKC}
  - {target: GlobalBuffer, type: temporal, factors: R=3 P=1 K=2 C=32, permutation: PRKC}
  - {target: GlobalBuffer, type: spatial, factors: R=1 P=1 K=16 C=1, permutation: PRKC}
  - {target: RegisterFile, type: temporal, factors: R=1 P=16 K=1 C=1, permutation: RPKC}
)");
  REQUIRE(im.arch.arch.levels.size() == 3);
  CHECK(im.arch.arch.levels[1].fanout_x == 16);
  CHECK(im.arch.arch.instances(0) == 16);
  EvalOptions legacy;
  legacy.legacy_first_fill = true;
  const Evaluation e = evaluate(im.problem, im.arch.arch, im.mapping, Mode::Timeloop, legacy);
  // Timeloop 2021 reference, c5 ref_legacy_kp/timeloop-model.stats.txt.
  CHECK(e.levels[1].tensors[2]->reads == 15872);
  CHECK(e.levels[1].tensors[2]->updates == 16384);
  CHECK(e.levels[1].tensors[1]->reads == 1152);
  CHECK(e.levels[0].tensors[2]->fills == 1024);
}

TEST_CASE("timeloop import: !Parallel per-tensor scratchpads and dataspace constraints, a "
          "!Nothing placeholder") {
  const Imported im = import_strings(kConv1dProblem, R"(architecture:
  version: 0.4
  nodes:
    - !Container {name: system}
    - !Component
      name: DRAM
      class: DRAM
      attributes: {width: 64, datawidth: 16}
    - !Component
      name: glb
      class: smartbuffer_SRAM
      attributes: {memory_depth: 1024, memory_width: 64, datawidth: 16, read_bandwidth: 16}
      constraints: {dataspace: {bypass: [Weights]}}
    - !Nothing {}
    - !Container
      name: PE
      spatial: {meshX: 4, meshY: 2}
      constraints: {spatial: {permutation: CK, split: 1}}
    - !Parallel
      nodes:
        - !Component
          name: ifmap_spad
          class: regfile
          attributes: {depth: 12, width: 16, datawidth: 16}
          constraints: {dataspace: {keep_only: [Inputs]}}
        - !Component
          name: weights_spad
          class: regfile
          attributes: {depth: 192, width: 16, datawidth: 16}
          constraints: {dataspace: {keep_only: [Weights]}, temporal: {permutation: PQ}}
        - !Component
          name: psum_spad
          class: regfile
          attributes: {depth: 16, width: 16, datawidth: 16}
          constraints: {dataspace: {keep_only: [Outputs]}}
    - !Component
      name: mac
      class: intmac
      attributes: {datawidth: 16}
)",
                                     R"(mapping:
  - {target: DRAM, type: temporal, factors: C=4 K=4 R=1 P=1, permutation: CKRP}
  - {target: glb, type: temporal, factors: C=2 K=2 R=1 P=1, permutation: CKRP}
  - {target: PE, type: spatial, factors: C=4 K=2, permutation: CK, split: 1}
  - {target: ifmap_spad, type: temporal, factors: P=16}
  - {target: weights_spad, type: temporal, factors: R=3}
  - {target: psum_spad, type: temporal, factors: K=2}
  - {target: glb, type: datatype, bypass: [Weights], keep: [Inputs, Outputs]}
)");
  const Arch &a = im.arch.arch;
  REQUIRE(a.levels.size() == 6); // timeloopfe's !Nothing adds no level
  CHECK(a.levels[0].name == "psum_spad");
  CHECK(a.levels[0].keeps == std::array<bool, 3>{false, false, true});
  CHECK(a.levels[2].name == "ifmap_spad");
  CHECK(a.levels[2].keeps == std::array<bool, 3>{false, true, false});
  CHECK(a.levels[3].name == "inter_PE_spatial");
  CHECK(a.levels[3].fanout_x == 4);
  CHECK(a.levels[3].fanout_y == 2);
  CHECK(a.levels[4].keeps == std::array<bool, 3>{false, true, true});
  CHECK(a.levels[4].read_bandwidth == 16);
  CHECK(im.mapping.levels[3].spatial_x.size() == 1);
  CHECK(im.mapping.levels[3].spatial_y.size() == 1);
  // glb and three scratchpads (dataspace), PE (spatial), weights_spad (temporal).
  CHECK(im.arch.constraints.size() == 6);
  const Evaluation e = evaluate(im.problem, a, im.mapping, Mode::Timeloop);
  CHECK(e.levels[0].instances == 8);
  CHECK_FALSE(e.levels[4].tensors[0].has_value());
  CHECK(e.macs == 32 * 32 * 3 * 16);
}

TEST_CASE("timeloop import: v0.3-style architecture_constraints targets") {
  const Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
  const std::string arch = std::string(kSpatialArch) + R"(architecture_constraints:
  targets:
    - {target: RegisterFile, type: bypass, bypass: [Inputs, Outputs], keep: [Weights]}
    - {target: RegisterFile, type: temporal, permutation: PRKC, factors: P=1}
    - {target: PE, type: spatial, permutation: CK, split: 1}
)";
  const TimeloopArch ta = parse_timeloop_arch(load_yaml_string(arch, "c.yaml"), p);
  CHECK(ta.arch.levels[0].keeps == std::array<bool, 3>{true, false, false});
  REQUIRE(ta.constraints.size() == 3);
  CHECK(ta.constraints[0].type == "dataspace");
  CHECK(ta.constraints[0].keep == std::array<int, 3>{1, -1, -1});
  CHECK(ta.constraints[2].target == "inter_PE_spatial");
  CHECK(ta.constraints[2].split == 1);
  // timeloopfe writes split 999 for "every loop on X" (the eyeriss_like exercise design);
  // Timeloop reads any unsigned split.
  std::string all_x = arch;
  all_x.replace(all_x.find("split: 1"), 8, "split: 999");
  CHECK(parse_timeloop_arch(load_yaml_string(all_x, "c.yaml"), p).constraints[2].split == 999);
  const std::string bad = std::string(kSpatialArch) + R"(architecture_constraints:
  targets:
    - {target: RegisterFile, type: temporal, keep: [Weights]}
)";
  CHECK_THROWS_WITH(parse_timeloop_arch(load_yaml_string(bad, "c.yaml"), p),
                    Catch::Contains("c.yaml:28") && Catch::Contains("keep"));
}

TEST_CASE("timeloop import: utilization constraints, min-utilization and no_link_transfer") {
  // NVlabs/timeloop v3.0.3 src/mapping/constraints.cpp: `type: utilization` (or parallelism)
  // takes `min`, the PEs' cumulative utilization, at the innermost storage level only;
  // src/model/buffer.cpp: a buffer's `min-utilization` attribute. hcl counts no link
  // transfers, so `no_link_transfer` holds for every mapping; its tensors must exist.
  const Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
  std::string arch = kSpatialArch;
  const std::string attrs = "{depth: 32768, width: 64, datawidth: 8}";
  arch.replace(arch.find(attrs), attrs.size(),
               "{depth: 32768, width: 64, datawidth: 8, min-utilization: 0.25}");
  const auto with = [&](const std::string &targets) {
    return arch + "architecture_constraints:\n  targets:\n" + targets;
  };
  const TimeloopArch ta = parse_timeloop_arch(
      load_yaml_string(with("    - {target: RegisterFile, type: utilization, min: 0.75}\n"
                            "    - {target: PE, type: spatial, no_link_transfer: [Inputs]}\n"),
                       "u.yaml"),
      p);
  CHECK(ta.min_utilization == 0.75);
  CHECK(ta.arch.levels[1].min_utilization == 0.25);
  CHECK(ta.arch.levels[0].min_utilization == 0);
  CHECK_THROWS_WITH(
      parse_timeloop_arch(
          load_yaml_string(with("    - {target: GlobalBuffer, type: parallelism, min: 0.5}\n"),
                           "u.yaml"),
          p),
      Catch::Contains("u.yaml:") && Catch::Contains("innermost storage level (RegisterFile)"));
  CHECK_THROWS_WITH(
      parse_timeloop_arch(
          load_yaml_string(with("    - {target: RegisterFile, type: utilization}\n"), "u.yaml"), p),
      Catch::Contains("needs min"));
  CHECK_THROWS_WITH(
      parse_timeloop_arch(
          load_yaml_string(with("    - {target: PE, type: spatial, no_link_transfer: [Psums]}\n"),
                           "u.yaml"),
          p),
      Catch::Contains("Psums"));
  CHECK_THROWS_WITH(
      parse_timeloop_arch(
          load_yaml_string(with("    - {target: PE, type: temporal, no_link_transfer: [Inputs]}\n"),
                           "u.yaml"),
          p),
      Catch::Contains("belongs to a spatial constraint"));
}

TEST_CASE("timeloop import: every constraint kind survives, keep and bypass separately") {
  // Timeloop's mapper semantics (NVlabs/timeloop src/mapping/constraints.cpp): `keep` forces,
  // `bypass` forbids, unlisted tensors stay the mapper's choice; "D<=n" is a maximum factor;
  // a spatial permutation with `split` sends its first `split` loops to X.
  const std::string arch = R"(architecture:
  version: 0.4
  nodes:
    - !Container {name: System}
    - !Component
      name: MainMemory
      class: DRAM
      attributes: {width: 256, datawidth: 8}
    - !Container
      name: PE
      spatial: {meshX: 4, meshY: 4}
      constraints: {spatial: {factors: K<=4 R=1, permutation: CK, split: 1}}
    - !Component
      name: GlobalBuffer
      class: SRAM
      attributes: {depth: 32768, width: 64, datawidth: 8}
      constraints:
        dataspace: {keep: [Weights], bypass: [Outputs]}
        temporal: {factors: C<=8 R=3, permutation: RP}
    - !Component
      name: RegisterFile
      class: regfile
      attributes: {depth: 64, width: 8, datawidth: 8}
      constraints: {dataspace: {bypass_only: [Inputs]}}
    - !Component
      name: MACC
      class: intmac
      attributes: {width: 8}
)";
  const Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
  const TimeloopArch ta = parse_timeloop_arch(load_yaml_string(arch, "arch.yaml"), p);
  const Arch &a = ta.arch;
  REQUIRE(a.levels.size() == 4);
  // Forced bypass removes a tensor from what the level can hold; keep does not narrow it.
  CHECK(a.levels[1].keeps == std::array<bool, 3>{true, true, false});
  CHECK(a.levels[0].keeps == std::array<bool, 3>{true, false, true});
  const auto lc = constraints_from_timeloop(p, a, ta.constraints);
  const auto C = static_cast<std::size_t>(p.dim_index("C"));
  const auto K = static_cast<std::size_t>(p.dim_index("K"));
  const auto R = static_cast<std::size_t>(p.dim_index("R"));
  CHECK(lc[1].keep == std::array<int, 3>{1, 0, -1});
  CHECK(lc[0].keep == std::array<int, 3>{1, -1, 1});
  CHECK(lc[1].temporal_max[C] == 8);
  CHECK(lc[1].temporal[R] == 3);
  CHECK(lc[1].permutation == std::vector<int>{p.dim_index("R"), p.dim_index("P")});
  CHECK(lc[2].spatial_max[K] == 4);
  CHECK(lc[2].spatial[R] == 1);
  CHECK(lc[2].spatial_permutation == std::vector<int>{p.dim_index("C"), p.dim_index("K")});
  CHECK(lc[2].split == 1);
  // The search space honours them: the keep sets keep Weights at the buffer and never Outputs.
  SpaceOptions so;
  so.constraints = lc;
  for (const auto &k : enumerate_keeps(p, a, so)) {
    CHECK(k[1][0]);
    CHECK_FALSE(k[1][2]);
    CHECK(k[0][0]);
    CHECK(k[0][2]);
  }
  for (const auto &sc : enumerate_spatial(p, a, so)) {
    for (const auto &l : sc.x[2]) {
      CHECK(l.dim == p.dim_index("C")); // split 1: only the first listed dim (C) goes to X
    }
    for (const auto &l : sc.y[2]) {
      CHECK(l.dim != p.dim_index("C"));
      CHECK((l.dim != p.dim_index("K") || l.factor <= 4));
    }
  }
}

TEST_CASE(
    "timeloop import: a keep list alone is all a component holds and factors split on commas") {
  // The exercises' eyeriss_like design gives its psum scratchpad `keep: [Outputs]` and nothing
  // else; timeloopfe's processed file of it bypasses Weights and Inputs there. Timeloop finds
  // its D=n factor tokens by a regular expression, so "C<=8,R=3" is two of them.
  const std::string arch = R"(architecture:
  version: 0.4
  nodes:
    - !Component
      name: MainMemory
      class: DRAM
      attributes: {width: 256, datawidth: 8}
    - !Component
      name: GlobalBuffer
      class: SRAM
      attributes: {depth: 32768, width: 64, datawidth: 8}
      constraints:
        dataspace: {keep: [Outputs]}
        temporal: {factors: "C<=8,R=3", permutation: RP}
    - !Component
      name: RegisterFile
      class: regfile
      attributes: {depth: 64, width: 8, datawidth: 8}
      constraints: {dataspace: {keep: [Weights], bypass: [Outputs]}}
    - !Component
      name: MACC
      class: intmac
      attributes: {width: 8}
)";
  const Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
  const TimeloopArch ta = parse_timeloop_arch(load_yaml_string(arch, "arch.yaml"), p);
  const Arch &a = ta.arch;
  REQUIRE(a.levels.size() == 3);
  CHECK(a.levels[1].keeps == std::array<bool, 3>{false, false, true});
  const auto lc = constraints_from_timeloop(p, a, ta.constraints);
  CHECK(lc[1].keep == std::array<int, 3>{-1, -1, 1});
  // With a bypass list too, the tensors neither list names stay the mapper's choice.
  CHECK(lc[0].keep == std::array<int, 3>{1, 0, -1});
  CHECK(lc[1].temporal_max[static_cast<std::size_t>(p.dim_index("C"))] == 8);
  CHECK(lc[1].temporal[static_cast<std::size_t>(p.dim_index("R"))] == 3);
}

TEST_CASE("timeloop import: constraint keys Timeloop does not have are errors") {
  const Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
  auto with = [&](const std::string &constraints) {
    return error_of([&] {
      parse_timeloop_arch(load_yaml_string(std::string(R"(architecture:
  version: 0.4
  nodes:
    - !Component
      name: MainMemory
      class: DRAM
      attributes: {width: 256, datawidth: 8}
    - !Component
      name: Buffer
      class: regfile
      attributes: {depth: 64, width: 8, datawidth: 8}
      constraints: )") + constraints + R"(
    - !Component
      name: MACC
      class: intmac
)",
                                           "k.arch.yaml"),
                          p);
    });
  };
  for (const char *key : {"factors_only", "max_factors", "no_reuse"}) {
    const std::string msg = with(std::string("{temporal: {") + key + ": K=2}}");
    INFO(msg);
    CHECK_THAT(msg, Catch::Contains("k.arch.yaml:12") && Catch::Contains(key) &&
                        Catch::Contains("permutation"));
  }
  CHECK_THAT(with("{dataspace: {keep: [Weights], bypass: [Weights]}}"),
             Catch::Contains("k.arch.yaml:12") && Catch::Contains("'Weights' is given twice"));
  CHECK_THAT(with("{dataspace: {keep_only: [Weights], bypass: [Inputs]}}"),
             Catch::Contains("fixes every data space"));
  CHECK_THAT(with("{spatial: {split: 1}}"), Catch::Contains("(no error)"));
  CHECK_THAT(with("{temporal: {split: 1}}"), Catch::Contains("split"));
}
