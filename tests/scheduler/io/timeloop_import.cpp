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
