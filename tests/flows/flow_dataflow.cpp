#include <flows/flow_dataflow.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/search/explore.h>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace hcl::flows;

TEST_CASE("flow_dataflow: Interstellar's names and ours give one canonical dataflow") {
  CHECK(canonical_dataflow("C|K") == "C|K");
  CHECK(canonical_dataflow("IC|OC") == "C|K");
  CHECK(canonical_dataflow("c|k") == "C|K");
  CHECK(canonical_dataflow("FY|Y") == "R|P");
  CHECK(canonical_dataflow("OX|OY") == "Q|P");
  CHECK(canonical_dataflow("FX|FY") == "S|R");
  CHECK(canonical_dataflow("C") == "C");
}

TEST_CASE("flow_dataflow: unknown loops and dataflows the template does not run are refused") {
  CHECK_THROWS_WITH(canonical_dataflow("C|Z"),
                    Catch::Contains("'Z' is not a loop") && Catch::Contains("FY|Y"));
  CHECK_THROWS_WITH(canonical_dataflow("C||K"), Catch::Contains("'' is not a loop"));
  CHECK_THROWS_WITH(choose_dataflow("FY|Y"),
                    Catch::Contains("'FY|Y' (R|P)") && Catch::Contains("it runs C|K, C"));
  CHECK(choose_dataflow("IC|OC").name == "C|K");
  const FlowDataflow a = choose_dataflow("auto");
  CHECK(a.name == "C|K");
  CHECK_THAT(a.why, Catch::Contains("without a study"));
  CHECK(choose_dataflow("c").name == "C");
}

namespace {

hcl::sched::Network tiny_network() {
  return hcl::sched::load_network_yaml(HCL_SOURCE_DIR "/examples/networks/tiny.yaml");
}
hcl::sched::Arch tpu_4x4() {
  return hcl::sched::load_arch_yaml(HCL_SOURCE_DIR "/tests/flows/data/flow_tpu_4x4.arch.yaml");
}

DataflowCandidate candidate(const std::string &name, bool runs, double objective) {
  DataflowCandidate c;
  c.name = name;
  c.runs = runs;
  c.all_found = c.all_optimal = true;
  c.objective = c.energy_pj = objective;
  return c;
}

} // namespace

TEST_CASE("flow_dataflow: the study's totals are explore dataflows' optima summed over the "
          "layers") {
  hcl::sched::Network net = tiny_network();
  const hcl::sched::Arch arch = tpu_4x4();
  net.layers.erase(std::remove_if(net.layers.begin(), net.layers.end(),
                                  [](const auto &l) { return l.problem.name == "dw"; }),
                   net.layers.end());
  REQUIRE(net.layers.size() == 3);
  const std::vector<std::string> dfs = study_dataflows();
  CHECK(dfs == std::vector<std::string>{"C|K", "R|P", "Q|P", "S|R", "C"});
  std::vector<std::string> reported;
  const auto study =
      compare_dataflows(net, arch, dfs, hcl::sched::SearchOptions{},
                        [&](const DataflowCandidate &c) { reported.push_back(c.name); });
  CHECK(reported == dfs);
  REQUIRE(study.size() == dfs.size());
  for (const auto &c : study) {
    INFO("dataflow " << c.name);
    double energy = 0;
    std::int64_t cycles = 0;
    std::vector<std::string> relaxed;
    for (const auto &l : net.layers) {
      auto r = hcl::sched::explore_dataflows(l.problem, arch, {c.name}, {}).front().result;
      if (!r.found) { // e.g. fc3 (R of 1) under R|P: only R and P may be unrolled, anywhere
        relaxed.push_back(l.problem.name);
        hcl::sched::SearchOptions so;
        so.space.unroll_dims = hcl::sched::dataflow_dims(l.problem, c.name);
        r = hcl::sched::search(l.problem, arch, so);
      }
      REQUIRE(r.found);
      energy += r.evaluation.energy_pj * static_cast<double>(l.repeat);
      cycles += r.evaluation.cycles * l.repeat;
    }
    CHECK(c.all_found);
    CHECK(c.all_optimal);
    CHECK(c.relaxed == relaxed);
    CHECK(c.energy_pj == Approx(energy).epsilon(1e-12));
    CHECK(c.cycles == cycles);
    CHECK(c.objective == Approx(c.energy_pj).epsilon(1e-12)); // the energy objective
    CHECK(c.runs == (c.name == "C|K" || c.name == "C"));
  }
}

TEST_CASE("flow_dataflow: a layer the dataflow cannot place is searched with only its loops "
          "unrolled, and listed") {
  const auto study = compare_dataflows(tiny_network(), tpu_4x4(), {"C|K"}, {});
  REQUIRE(study.size() == 1);
  CHECK(study[0].all_found);
  CHECK(study[0].relaxed == std::vector<std::string>{"dw"}); // C of 1 per group
  CHECK_THROWS_WITH(compare_dataflows(tiny_network(), tpu_4x4(), {"C|Z"}, {}),
                    Catch::Contains("Z"));
}

TEST_CASE("flow_dataflow: auto takes the study's best that the template runs, and says what "
          "the others cost") {
  // The template's dataflow is the best: the runners-up are named with their distance.
  FlowDataflow d =
      choose_dataflow("auto", {candidate("C|K", true, 100), candidate("R|P", false, 103),
                               candidate("Q|P", false, 150)});
  CHECK(d.name == "C|K");
  CHECK_THAT(d.why, Catch::Contains("R|P +3.0%") && Catch::Contains("Q|P +50.0%"));
  CHECK_THAT(d.why, !Catch::Contains("would be"));
  // A better dataflow the template does not run is named, not chosen.
  d = choose_dataflow("auto", {candidate("C|K", true, 100), candidate("R|P", false, 80)});
  CHECK(d.name == "C|K");
  CHECK_THAT(d.why, Catch::Contains("R|P would be 20.0% better") &&
                        Catch::Contains("does not run it yet"));
  // A candidate without a mapping for every layer is never chosen.
  DataflowCandidate unmapped = candidate("C|K", true, 1);
  unmapped.all_found = false;
  d = choose_dataflow("auto", {unmapped, candidate("R|P", false, 80)});
  CHECK(d.name == "C|K");
  CHECK_THAT(d.why, Catch::Contains("no dataflow the template runs"));
  // An explicit dataflow ignores the study.
  CHECK(choose_dataflow("IC|OC", {candidate("R|P", false, 1)}).why == "--dataflow IC|OC");
}
