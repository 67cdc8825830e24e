#include <scheduler/model.h>
#include <scheduler/space.h>
#include <scheduler/timeloop_ert.h>
#include <scheduler/timeloop_import.h>
#include <scheduler/warnings.h>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

// Our own Timeloop-v0.4-format descriptions of the exercise cases (written for these tests;
// the golden counts they are checked against are the facts in support/timeloop_cases.h).
const char *kConv1dProblem = R"(problem:
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

const char *kSpatialArch = R"(architecture:
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

const char *kMappingCp = R"(mapping:
  - {target: MainMemory, type: temporal, factors: R=1 P=1 K=1 C=1, permutation: PRKC}
  - {target: GlobalBuffer, type: temporal, factors: R=3 P=1 K=32 C=2, permutation: PRKC}
  - {target: PE, type: spatial, factors: R=1 P=1 K=1 C=16, permutation: PRKC}
  - {target: RegisterFile, type: temporal, factors: R=1 P=16 K=1 C=1, permutation: RPKC}
)";

const char *kErt = R"(ERT_summary:
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

Imported import_strings(const std::string &prob, const std::string &arch, const std::string &map,
                        const std::string &ert = "") {
  Imported im;
  im.problem = parse_timeloop_problem(load_yaml_string(prob, "prob.yaml"));
  im.arch = parse_timeloop_arch(load_yaml_string(arch, "arch.yaml"), im.problem);
  if (!ert.empty()) {
    apply_timeloop_ert(load_yaml_string(ert, "ERT_summary.yaml"), im.arch);
  }
  im.mapping = parse_timeloop_mapping(load_yaml_string(map, "map.yaml"), im.problem, im.arch.arch);
  return im;
}

std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

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
  CHECK(im.mapping.levels[2].spatial_x.size() == 4);
}

TEST_CASE("timeloop import: imported c5 cp reproduces Timeloop's counts") {
  const Imported im = import_strings(kConv1dProblem, kSpatialArch, kMappingCp, kErt);
  const Evaluation e = evaluate(im.problem, im.arch.arch, im.mapping, Mode::Timeloop);
  for (const auto &c : tlcase::all_cases()) {
    if (c.name != "c5 ref_v4_cp") {
      continue;
    }
    CHECK(e.cycles == c.cycles);
    CHECK(e.energy_pj == Approx(c.total_energy_pj).epsilon(1e-5));
    for (const auto &row : c.rows) {
      INFO(row.level << " " << row.tensor);
      const Evaluation ref = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
      for (std::size_t i = 0; i < e.levels.size(); ++i) {
        if (e.levels[i].name != row.level) {
          continue;
        }
        for (std::size_t t = 0; t < 3; ++t) {
          if (im.problem.tensors[t].name != row.tensor) {
            continue;
          }
          REQUIRE(e.levels[i].tensors[t].has_value());
          CHECK(e.levels[i].tensors[t]->reads == row.reads);
          CHECK(e.levels[i].tensors[t]->fills == row.fills);
          CHECK(e.levels[i].tensors[t]->updates == row.updates);
          CHECK(e.levels[i].tensors[t]->utilized_capacity == row.capacity);
          CHECK(e.levels[i].tensors[t]->utilized_instances == row.instances);
          CHECK(e.levels[i].tensors[t]->energy_pj == Approx(row.energy_pj).margin(0.006));
        }
      }
    }
  }
}

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
  const std::string bad = std::string(kSpatialArch) + R"(architecture_constraints:
  targets:
    - {target: RegisterFile, type: temporal, keep: [Weights]}
)";
  CHECK_THROWS_WITH(parse_timeloop_arch(load_yaml_string(bad, "c.yaml"), p),
                    Catch::Contains("c.yaml:28") && Catch::Contains("keep"));
}

TEST_CASE("timeloop import: a problem whose counts do not fit names the instance key") {
  std::string big = kConv1dProblem;
  big.replace(big.find("K: 32"), 5, "K: 1000000000000000");
  const std::string msg =
      error_of([&] { parse_timeloop_problem(load_yaml_string(big, "big.yaml")); });
  CHECK_THAT(msg, Catch::Contains("big.yaml:14: K:") && Catch::Contains("2^48"));
}

TEST_CASE("timeloop import: errors name file, line and key") {
  // Unknown key in a component.
  std::string msg = error_of([] {
    Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
    parse_timeloop_arch(load_yaml_string(R"(architecture:
  version: 0.4
  nodes:
    - !Component
      name: Mem
      class: SRAM
      atributes: {depth: 4}
)",
                                         "bad.arch.yaml"),
                        p);
  });
  CHECK_THAT(msg, Catch::Contains("bad.arch.yaml:7") && Catch::Contains("atributes") &&
                      Catch::Contains("attributes"));
  // Unknown tag.
  msg = error_of([] {
    Problem p = parse_timeloop_problem(load_yaml_string(kConv1dProblem, "prob.yaml"));
    parse_timeloop_arch(load_yaml_string("architecture:\n  version: 0.4\n  nodes:\n    - !Box "
                                         "{name: x}\n",
                                         "tag.yaml"),
                        p);
  });
  CHECK_THAT(msg, Catch::Contains("tag.yaml:4") && Catch::Contains("!Box") &&
                      Catch::Contains("!Container"));
  // Mapping: unknown target, unknown dimension, factors that do not multiply out.
  msg = error_of([] {
    import_strings(kConv1dProblem, kSpatialArch,
                   "mapping:\n  - {target: GLB, type: temporal, factors: R=3}\n");
  });
  CHECK_THAT(msg, Catch::Contains("map.yaml:2") && Catch::Contains("GLB") &&
                      Catch::Contains("GlobalBuffer"));
  msg = error_of([] {
    import_strings(kConv1dProblem, kSpatialArch,
                   "mapping:\n  - target: MainMemory\n    type: temporal\n    factors: X=3\n");
  });
  CHECK_THAT(msg, Catch::Contains("map.yaml:4") && Catch::Contains("factors") &&
                      Catch::Contains("unknown dimension 'X'"));
  msg = error_of([] {
    import_strings(kConv1dProblem, kSpatialArch,
                   "mapping:\n  - {target: MainMemory, type: temporal, factors: C=32 K=32 R=3 "
                   "P=8}\n");
  });
  CHECK_THAT(msg, Catch::Contains("factors of P multiply to 8, problem has 16"));
  msg = error_of([] {
    import_strings(kConv1dProblem, kSpatialArch,
                   "mapping:\n  - {target: MainMemory, type: sideways}\n");
  });
  CHECK_THAT(msg, Catch::Contains("map.yaml:2") && Catch::Contains("temporal"));
  // Problem: misplaced key.
  msg = error_of([] {
    parse_timeloop_problem(load_yaml_string("problem:\n  shape:\n    name: x\n    dimensions: "
                                            "[R]\n    instance: {R: 3}\n",
                                            "p.yaml"));
  });
  CHECK_THAT(msg, Catch::Contains("p.yaml:5") && Catch::Contains("instance"));
  // ERT: unknown action key.
  msg = error_of([] {
    Imported im = import_strings(kConv1dProblem, kSpatialArch, kMappingCp);
    apply_timeloop_ert(load_yaml_string("ERT_summary:\n  table_summary:\n    - name: a.MACC\n  "
                                        "    actions:\n        - {name: compute, energie: 1}\n",
                                        "ert.yaml"),
                       im.arch);
  });
  CHECK_THAT(msg, Catch::Contains("ert.yaml:5") && Catch::Contains("energie"));
}

// ---- Extra layer: the shared Timeloop cases, imported from their own files ----------------

namespace {

struct SharedCase {
  const char *dir, *prob, *arch, *map, *ref;
  bool legacy;
};

const SharedCase kShared[] = {
    {"c1_conv1d_1level", "inputs/conv1d.prob.yaml", "inputs/1level.arch.yaml",
     "inputs/conv1d-1level.map.yaml", "ref_v4", false},
    {"c2_conv1d_2level_ws_os", "inputs/conv1d.prob.yaml", "inputs/2level.arch.yaml",
     "inputs/conv1d-2level-ws.map.yaml", "ref_v4_ws", false},
    {"c2_conv1d_2level_ws_os", "inputs/conv1d.prob.yaml", "inputs/2level.arch.yaml",
     "inputs/conv1d-2level-os.map.yaml", "ref_v4_os", false},
    {"c3_conv1d_oc_2level_tiling", "inputs/conv1d+oc.prob.yaml", "inputs/2level.arch.yaml",
     "inputs/conv1d+oc-2level-os.map.yaml", "ref_v4_untiled", false},
    {"c3_conv1d_oc_2level_tiling", "inputs/conv1d+oc.prob.yaml", "inputs/2level.arch.yaml",
     "inputs/conv1d+oc-2level-os-tiled.map.yaml", "ref_v4_tiled", false},
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_v4_as_run/conv1d+oc+ic.prob.yaml",
     "inputs_v4_as_run/3levelspatial.arch.AS_RUN_2ffec69.yaml",
     "inputs_v4_as_run/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "ref_v4_cp", false},
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_v4_as_run/conv1d+oc+ic.prob.yaml",
     "inputs_v4_as_run/3levelspatial.arch.AS_RUN_2ffec69.yaml",
     "inputs_v4_as_run/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "ref_v4_kp", false},
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_legacy_v02/conv1d+oc+ic.prob.yaml",
     "inputs_legacy_v02/3levelspatial.arch.yaml",
     "inputs_legacy_v02/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "ref_legacy_cp", true},
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_legacy_v02/conv1d+oc+ic.prob.yaml",
     "inputs_legacy_v02/3levelspatial.arch.yaml",
     "inputs_legacy_v02/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "ref_legacy_kp", true},
    // The repository's later fix (PE container below the GlobalBuffer) has no reference of its
    // own; it is the legacy design in v0.4 syntax, so with the legacy first-fill rule it must
    // reproduce the legacy counts.
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_v4_as_run/conv1d+oc+ic.prob.yaml",
     "inputs_v4_fixed_arch_no_ref/3levelspatial.arch.FIXED_800c916.yaml",
     "inputs_v4_as_run/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "ref_legacy_cp", true},
    {"c5_conv1d_oc_ic_spatial16_cp_kp", "inputs_v4_as_run/conv1d+oc+ic.prob.yaml",
     "inputs_v4_fixed_arch_no_ref/3levelspatial.arch.FIXED_800c916.yaml",
     "inputs_v4_as_run/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "ref_legacy_kp", true},
};

// The legacy v0.2 problem file spells `data-spaces`/`read-write` and has no version key.
double to_double(const YAML::Node &n) {
  std::string s = n.as<std::string>();
  return std::stod(s);
}

} // namespace

TEST_CASE("timeloop import (reference cases): every case and variant matches expected_extracted") {
  const std::filesystem::path root =
      std::filesystem::path(HCL_REFERENCE_CASES) / "cases" / "timeloop";
  if (!std::filesystem::exists(root)) {
    WARN("skipped: HCL_REFERENCE_CASES has no cases/timeloop");
    return;
  }
  int compared = 0;
  for (const auto &sc : kShared) {
    const auto dir = root / sc.dir;
    INFO(sc.dir << " " << sc.ref);
    const Problem p = load_timeloop_problem((dir / sc.prob).string());
    TimeloopArch ta = load_timeloop_arch((dir / sc.arch).string(), p);
    const auto ert = dir / sc.ref / "timeloop-model.ERT_summary.yaml";
    if (!sc.legacy) {
      REQUIRE(timeloop_kind(ert.string()) == TimeloopKind::Ert);
      apply_timeloop_ert(ert.string(), ta);
    }
    const Mapping m = load_timeloop_mapping((dir / sc.map).string(), p, ta.arch);
    EvalOptions opt;
    opt.legacy_first_fill = sc.legacy;
    const Evaluation e = evaluate(p, ta.arch, m, Mode::Timeloop, opt);
    const YAML::Node ref = YAML::LoadFile((dir / sc.ref / "expected_extracted.yaml").string());
    CHECK(e.cycles == ref["summary"]["Cycles"].as<std::int64_t>());
    if (!sc.legacy) {
      const double fj = to_double(ref["summary"]["fJ/Compute"]["Total"]);
      CHECK(e.energy_pj == Approx(fj * static_cast<double>(e.macs) / 1000).epsilon(1e-5));
    }
    for (const auto &lvl : ref["levels"]) {
      if (!lvl["per_dataspace"]) {
        continue; // the MACC entry
      }
      const std::string name = lvl["name"].as<std::string>();
      const LevelResult *lr = nullptr;
      for (const auto &l : e.levels) {
        if (l.name == name) {
          lr = &l;
        }
      }
      REQUIRE(lr != nullptr);
      for (const auto &kv : lvl["per_dataspace"]) {
        const std::string tname = kv.first.as<std::string>();
        INFO(name << " " << tname);
        std::size_t t = 0;
        while (t < p.tensors.size() && p.tensors[t].name != tname) {
          ++t;
        }
        REQUIRE(t < p.tensors.size());
        REQUIRE(lr->tensors[t].has_value());
        const auto &c = *lr->tensors[t];
        const YAML::Node &x = kv.second;
        CHECK(c.utilized_capacity == x["utilized_capacity"].as<std::int64_t>());
        CHECK(c.utilized_instances == x["utilized_instances_max"].as<std::int64_t>());
        CHECK(c.reads == x["reads_per_instance"].as<std::int64_t>());
        CHECK(c.fills == x["fills_per_instance"].as<std::int64_t>());
        CHECK(c.updates == x["updates_per_instance"].as<std::int64_t>());
        if (!sc.legacy) {
          CHECK(c.energy_pj == Approx(x["energy_total"].as<double>()).margin(0.006));
        }
        ++compared;
      }
    }
  }
  CHECK(compared == 3 + 6 * 4 + 9 * 4 + 9 * 2);
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
