#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/model.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

TEST_CASE("timeloop export: c3 tiled mapping in Timeloop's own words") {
  for (const auto &c : tlcase::all_cases()) {
    if (c.name != "c3 ref_v4_tiled") {
      continue;
    }
    const std::string y = mapping_to_timeloop_yaml(c.problem, c.arch, c.mapping);
    // Outermost first, permutation innermost first, every dimension's factor given.
    CHECK(y == "mapping:\n"
               "  - target: MainMemory\n    type: temporal\n    factors: K=16 R=1 P=16\n"
               "    permutation: PRK\n"
               "  - target: Buffer\n    type: temporal\n    factors: K=2 R=3 P=1\n"
               "    permutation: RPK\n");
  }
}

TEST_CASE("timeloop export: every golden mapping round-trips through the importer") {
  for (const auto &c : tlcase::all_cases()) {
    INFO(c.name);
    const std::string y = mapping_to_timeloop_yaml(c.problem, c.arch, c.mapping);
    const Mapping back = parse_timeloop_mapping(load_yaml_string(y, c.name), c.problem, c.arch);
    EvalOptions opt;
    opt.legacy_first_fill = c.legacy;
    const Evaluation a = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop, opt);
    const Evaluation b = evaluate(c.problem, c.arch, back, Mode::Timeloop, opt);
    CHECK(a.cycles == b.cycles);
    CHECK(a.energy_pj == b.energy_pj);
    for (std::size_t i = 0; i < a.levels.size(); ++i) {
      for (std::size_t t = 0; t < 3; ++t) {
        REQUIRE(a.levels[i].tensors[t].has_value() == b.levels[i].tensors[t].has_value());
        if (a.levels[i].tensors[t]) {
          CHECK(a.levels[i].tensors[t]->fills == b.levels[i].tensors[t]->fills);
          CHECK(a.levels[i].tensors[t]->reads == b.levels[i].tensors[t]->reads);
        }
      }
    }
  }
}

TEST_CASE("timeloop export: spatial split, bypass, atomic save, and what cannot be said") {
  auto c = tlcase::all_cases()[5]; // c5 ref_v4_cp
  REQUIRE(c.name == "c5 ref_v4_cp");
  c.arch.levels[2].fanout_y = 2;
  c.mapping.levels[2].spatial_y = {{c.problem.dim_index("K"), 2}};
  c.mapping.levels[1].temporal[2].factor = 16; // K: 16 x 2
  c.mapping.levels[1].keep = {true, false, true};
  const std::string y = mapping_to_timeloop_yaml(c.problem, c.arch, c.mapping);
  // Every dimension, as Timeloop v3.0.3 wants it (it warns otherwise): the factor-1 ones after
  // the loops on Y.
  CHECK_THAT(y, Catch::Contains("target: inter_PE_spatial\n    type: spatial\n    factors: C=16 "
                                "K=2 R=1 P=1\n    permutation: CKRP\n    split: 1"));
  CHECK_THAT(y, Catch::Contains("type: datatype\n    keep: [Weights, Outputs]\n    bypass: "
                                "[Inputs]"));
  const Mapping back = parse_timeloop_mapping(load_yaml_string(y, "x"), c.problem, c.arch);
  CHECK(back.levels[2].spatial_y.size() == 1);
  CHECK_FALSE(back.levels[1].keep[1]);

  const auto path = std::filesystem::temp_directory_path() / "hcl_tl_export_test.map.yaml";
  save_timeloop_mapping(path.string(), c.problem, c.arch, c.mapping);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == y);
  std::filesystem::remove(path);

  c.mapping.levels[0].temporal.push_back({c.problem.dim_index("P"), 1});
  CHECK_THROWS_WITH(mapping_to_timeloop_yaml(c.problem, c.arch, c.mapping),
                    Catch::Contains("two temporal loops over P"));
}
