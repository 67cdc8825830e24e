#include <scheduler/io/schedule_yaml.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

TEST_CASE("a schedule file loads into a valid mapping") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  const Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  REQUIRE(m.levels.size() == 3);
  const auto K = p.dim_index("K");
  const auto C = p.dim_index("C");
  const auto &gb = m.levels[1];
  REQUIRE(gb.temporal.size() == 4);
  CHECK(gb.temporal[0].dim == p.dim_index("Q")); // innermost first, as in `order`
  CHECK(gb.temporal[3].dim == K);
  REQUIRE(gb.spatial_x.size() == 1);
  CHECK(gb.spatial_x[0].dim == K);
  CHECK(gb.spatial_x[0].factor == 4);
  CHECK(gb.spatial_y[0].dim == C);
  CHECK(gb.keep == std::array<bool, 3>{false, true, true});
  CHECK(m.levels[0].keep == std::array<bool, 3>{true, true, true});
  CHECK_NOTHROW(validate(p, a, m));
  CHECK(tile_words(p, a, m, 0) == 18 + 18 + 1);
}

TEST_CASE("schedule round-trips through mapping_to_yaml") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  const Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  const auto path = spec_file("rt.schedule.yaml", "");
  save_mapping_yaml(path, p, a, m);
  const Mapping n = load_mapping_yaml(path, p, a);
  REQUIRE(n.levels.size() == m.levels.size());
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    const auto same = [](const std::vector<Loop> &x, const std::vector<Loop> &y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].dim != y[i].dim || x[i].factor != y[i].factor) {
          return false;
        }
      }
      return true;
    };
    CHECK(same(n.levels[l].temporal, m.levels[l].temporal));
    CHECK(same(n.levels[l].spatial_x, m.levels[l].spatial_x));
    CHECK(same(n.levels[l].spatial_y, m.levels[l].spatial_y));
    CHECK(n.levels[l].keep == m.levels[l].keep);
  }
}

TEST_CASE("padded schedules say so and load back") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  const std::string plain = mapping_to_yaml(p, a, m);
  CHECK(plain.find("padding") == std::string::npos);
  m.levels[0].temporal.back().factor = 3; // C: 3 * 2 * 2 = 12 > 8; the outer step is still needed
  const std::string padded = mapping_to_yaml(p, a, m);
  CHECK_THAT(padded, Catch::Contains("padding: true"));
  const auto path = spec_file("pad.schedule.yaml", padded);
  const Mapping back = load_mapping_yaml(path, p, a);
  CHECK(back.levels[0].temporal.back().factor == 3);
  // Without the flag the same factors are an error.
  const auto e = spec_error([&] {
    load_mapping_yaml(spec_file("nopad.schedule.yaml", plain.substr(0, plain.find("levels:")) +
                                                           padded.substr(padded.find("levels:"))),
                      p, a);
  });
  CHECK(e.key() == "C");
  CHECK(e.message() == "factors of C multiply to 12, layer has 8");
}

TEST_CASE("the bundled example schedule is valid on its architecture") {
  const std::string dir = HCL_SOURCE_DIR "/examples/schedules/";
  const Problem p = load_problem_yaml(dir + "alexnet_conv3.workload.yaml");
  const Arch a = load_arch_yaml(kArchDir + "interstellar_baseline.yaml");
  const Mapping m =
      load_mapping_yaml(dir + "alexnet_conv3.interstellar_baseline.schedule.yaml", p, a);
  CHECK(tile_words(p, a, m, 0) == 73); // numbers quoted in the file's comment
  CHECK(tile_words(p, a, m, 1) == 26320);

  const Arch eyeriss = load_arch_yaml(kArchDir + "eyeriss_like.yaml");
  const Mapping rs =
      load_mapping_yaml(dir + "alexnet_conv3.eyeriss_like.schedule.yaml", p, eyeriss);
  CHECK(tile_words(p, eyeriss, rs, 0) == 16);  // PsumSpad
  CHECK(tile_words(p, eyeriss, rs, 1) == 3);   // InputsSpad
  CHECK(tile_words(p, eyeriss, rs, 2) == 192); // WeightsSpad
  CHECK(tile_words(p, eyeriss, rs, 3) == 19808);
}

TEST_CASE("schedule errors name file, line and key") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  auto e = spec_error([&] { load_mapping_yaml(kSpecs + "bad_capacity.schedule.yaml", p, a); });
  CHECK(e.file() == kSpecs + "bad_capacity.schedule.yaml");
  CHECK(e.line() == 9);
  CHECK(e.key() == "RF");
  CHECK(e.message() == "tile needs 110 words at RF, capacity 64: Weights 72 + Inputs 36 + "
                       "Outputs 2");

  auto sched = [&](const std::string &levels) {
    return load_mapping_yaml(spec_file("s.yaml", "schedule:\n  levels:\n" + levels), p, a);
  };
  e = spec_error([&] { sched("    - {level: SRAM}\n"); });
  CHECK(e.line() == 3);
  CHECK(e.key() == "level");
  CHECK(e.message() == "'SRAM' is not a level of architecture 'small'; its levels are: DRAM, "
                       "GlobalBuffer, RF");

  e = spec_error([&] { sched("    - {level: DRAM}\n    - {level: DRAM}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.message() == "level 'DRAM' is scheduled twice (first at line 3)");

  e = spec_error([&] { sched("    - level: DRAM\n      temporal: {k: 16}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "k");
  CHECK_THAT(e.message(), Catch::Contains("'k' is not a dimension of layer 'small'; its "
                                          "dimensions are: R, S, P, Q, C, K, N"));

  e = spec_error([&] { sched("    - level: DRAM\n      temporal: {K: 16, C: 8}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "temporal");
  CHECK_THAT(e.message(), Catch::Contains("needs an 'order' (innermost first)"));

  e = spec_error(
      [&] { sched("    - level: DRAM\n      temporal: {K: 16, C: 8}\n      order: [C]\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "order");
  CHECK(e.message() == "the order at DRAM does not place K (factor 16); list every dimension "
                       "with a factor above 1, innermost first");

  e = spec_error([&] { sched("    - level: DRAM\n      spatial: {Z: {K: 2}}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "Z");

  e = spec_error([&] { sched("    - level: RF\n      keep: [Psums]\n"); });
  CHECK(e.key() == "keep[0]");
  CHECK(e.message() == "'Psums' is not valid; use one of: Weights, Inputs, Outputs");

  e = spec_error([&] { sched("    - level: RF\n      temporal: {K: 0}\n"); });
  CHECK(e.key() == "K");
  CHECK(e.message() == "must be at least 1, found 0");

  // Product errors are not about one level; they point at `levels` and name the dimension.
  e = spec_error([&] {
    sched("    - level: DRAM\n      temporal: {K: 16, C: 8, P: 8, Q: 8, R: 3, S: 2}\n"
          "      order: [K, C, P, Q, R, S]\n");
  });
  CHECK(e.line() == 2);
  CHECK(e.key() == "S");
  CHECK(e.message() == "factors of S multiply to 2, layer has 3");

  e = spec_error([&] {
    sched("    - level: DRAM\n      temporal: {C: 8, P: 8, Q: 8, R: 3, S: 3}\n"
          "      order: [C, P, Q, R, S]\n"
          "    - {level: GlobalBuffer, spatial: {X: {K: 16}}}\n");
  });
  CHECK(e.line() == 6);
  CHECK(e.key() == "GlobalBuffer");
  CHECK_THAT(e.message(), Catch::StartsWith("spatial factor 16 on X exceeds mesh 4 below "
                                            "GlobalBuffer"));
}

TEST_CASE("remaining schedule errors name their line and key") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  struct Case {
    const char *what;
    std::string levels;
    int line;
    const char *key;
    const char *message;
  };
  const Case cases[] = {
      {"order lists a dim twice", "    - {level: DRAM, temporal: {K: 16}, order: [K, K]}\n", 3,
       "order[1]", "'K' is listed twice in the order"},
      {"order without temporal", "    - {level: DRAM, order: [K]}\n", 3, "order",
       "an order without temporal factors has no effect at DRAM"},
      {"keep and bypass", "    - {level: RF, keep: [Inputs], bypass: [Weights]}\n", 3, "bypass",
       "give either keep or bypass, not both"},
      {"bypass at the backing store", "    - {level: DRAM, bypass: [Inputs]}\n", 3, "DRAM",
       "DRAM is the backing store and must keep Inputs"},
      {"levels not a list", "    level: DRAM\n", 2, "levels", "expected a list, found a mapping"},
  };
  for (const auto &c : cases) {
    INFO(c.what);
    const auto path = spec_file("case.yaml", "schedule:\n  levels:\n" + c.levels);
    const auto e = spec_error([&] { load_mapping_yaml(path, p, a); });
    CHECK(e.line() == c.line);
    CHECK(e.key() == c.key);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
  const auto e =
      spec_error([&] { load_mapping_yaml(spec_file("s.yaml", "schedule: []\n"), p, a); });
  CHECK(e.line() == 1);
  CHECK(e.key() == "schedule");
  CHECK_THAT(e.message(), Catch::Contains("expected schedule (a mapping of keys), found a list"));

  Mapping wrong;
  wrong.levels.resize(2);
  const auto w = spec_error([&] { mapping_to_yaml(p, a, wrong); });
  CHECK(w.message() == "mapping has 2 levels, architecture 'small' has 3");

  // Timeloop's model switches have no key in a schedule: refused, never dropped.
  wrong.levels.resize(3);
  wrong.levels[1].no_temporal_reuse[0] = true;
  const auto s = spec_error([&] { mapping_to_yaml(p, a, wrong); });
  CHECK_THAT(s.message(), Catch::Contains("no place in a schedule YAML"));
}
