#include <scheduler/io/spec_yaml.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

Problem conv(const std::string &name, std::int64_t c, std::int64_t k, std::int64_t p) {
  ConvShape s;
  s.name = name;
  s.C = c;
  s.K = k;
  s.P = s.Q = p;
  s.R = s.S = 3;
  return make_conv2d(s);
}

Arch small_arch() {
  Arch a =
      tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 512), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 2;
  return a;
}

} // namespace

TEST_CASE("network_schedule: identical shapes are searched once, totals count repeats") {
  Network n;
  n.name = "toy";
  n.layers.push_back({conv("a", 4, 8, 4), 1});
  n.layers.push_back({conv("b", 8, 8, 4), 2});
  n.layers.push_back({conv("c", 4, 8, 4), 1}); // same shape as a
  const Arch a = small_arch();
  std::vector<std::string> seen;
  const NetworkSchedule s = schedule_network(
      n, a, SearchOptions{}, [&](const LayerSchedule &l) { seen.push_back(l.name); });
  REQUIRE(s.layers.size() == 3);
  CHECK(seen == std::vector<std::string>{"a", "b", "c"});
  CHECK(s.unique_layers == 2);
  CHECK(s.layers[2].same_as == "a");
  CHECK(s.layers[0].same_as.empty());
  CHECK(s.all_found);
  CHECK(s.all_optimal);
  CHECK(s.layers[2].result.objective == s.layers[0].result.objective);
  const double expect = s.layers[0].result.evaluation.energy_pj +
                        2 * s.layers[1].result.evaluation.energy_pj +
                        s.layers[2].result.evaluation.energy_pj;
  CHECK(s.total_energy_pj == Approx(expect).epsilon(1e-12));
  CHECK(s.total_cycles == s.layers[0].result.evaluation.cycles +
                              2 * s.layers[1].result.evaluation.cycles +
                              s.layers[2].result.evaluation.cycles);
  // Each layer on its own gives the same optimum.
  CHECK(search(n.layers[1].problem, a, SearchOptions{}).objective == s.layers[1].result.objective);
}

TEST_CASE("network_schedule: sum_totals follows a replaced result and a missing mapping") {
  Network n;
  n.name = "toy";
  n.layers.push_back({conv("a", 4, 8, 4), 3});
  n.layers.push_back({conv("b", 8, 8, 4), 1});
  NetworkSchedule s = schedule_network(n, small_arch(), SearchOptions{});
  const double a = s.layers[0].result.evaluation.energy_pj;
  const auto b_cycles = s.layers[1].result.evaluation.cycles;
  s.layers[1].result = SearchResult{}; // as a re-search that found nothing
  sum_totals(s);
  CHECK_FALSE(s.all_found);
  CHECK_FALSE(s.all_optimal);
  CHECK(s.total_energy_pj == Approx(3 * a).epsilon(1e-12));
  CHECK(s.total_cycles == 3 * s.layers[0].result.evaluation.cycles);
  CHECK(b_cycles > 0);
}

TEST_CASE("network_schedule: shape equality ignores the name, not the strides") {
  CHECK(same_shape(conv("x", 4, 8, 4), conv("y", 4, 8, 4)));
  CHECK_FALSE(same_shape(conv("x", 4, 8, 4), conv("x", 4, 16, 4)));
  ConvShape s;
  s.name = "s";
  s.C = 4;
  s.K = 8;
  s.P = s.Q = 4;
  s.R = s.S = 3;
  s.stride_h = 2;
  CHECK_FALSE(same_shape(conv("x", 4, 8, 4), make_conv2d(s)));
}

TEST_CASE("network_schedule: a budget left by fast layers goes back to unproven ones") {
  // A layer that takes a good fraction of a second to prove on Eyeriss-like, searched first
  // with a third of the budget, then two layers that finish in milliseconds: the old equal
  // share left their unused time to nobody. Now, unless every layer is proven, the whole
  // budget is spent, and a re-run layer's result is still a valid mapping with a valid bound.
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const Network resnet = load_network_yaml(HCL_SOURCE_DIR "/examples/networks/resnet50.yaml");
  Network n;
  n.name = "budget";
  for (const auto &l : resnet.layers) {
    if (l.problem.name == "layer2.1.conv1") {
      n.layers.push_back({l.problem, 1});
    }
  }
  REQUIRE(n.layers.size() == 1);
  ConvShape tiny;
  tiny.C = tiny.K = 4;
  tiny.P = tiny.Q = 2;
  tiny.R = tiny.S = 1;
  tiny.name = "tiny_a";
  n.layers.push_back({make_conv2d(tiny), 1});
  tiny.K = 8;
  tiny.name = "tiny_b";
  n.layers.push_back({make_conv2d(tiny), 1});
  n.layers.push_back({n.layers[0].problem, 1}); // a duplicate reports the re-run result too
  n.layers.back().problem.name = "again";

  SearchOptions unlimited;
  unlimited.threads = 2;
  std::vector<double> optimum;
  for (std::size_t i = 0; i < 3; ++i) {
    const SearchResult r = search(n.layers[i].problem, a, unlimited);
    REQUIRE(r.optimal);
    optimum.push_back(r.objective);
  }
  optimum.push_back(optimum[0]);

  for (const double budget : {0.15, 0.6}) {
    SearchOptions o = unlimited;
    o.time_limit_s = budget;
    std::vector<std::string> seen;
    const NetworkSchedule s =
        schedule_network(n, a, o, [&](const LayerSchedule &l) { seen.push_back(l.name); });
    INFO("budget " << budget << " s, took " << s.seconds << " s");
    CHECK(seen == std::vector<std::string>{"layer2.1.conv1", "tiny_a", "tiny_b", "again"});
    REQUIRE(s.layers.size() == 4);
    CHECK(s.layers[3].same_as == "layer2.1.conv1");
    CHECK(s.layers[3].result.objective == s.layers[0].result.objective);
    if (!s.all_optimal) {
      // The loop stops only when a re-run could not even bound its roots (5 ms per layer).
      CHECK(s.seconds >= budget - 0.005 * static_cast<double>(s.unique_layers));
    }
    for (std::size_t i = 0; i < 4; ++i) {
      const SearchResult &r = s.layers[i].result;
      INFO(s.layers[i].name);
      REQUIRE(r.found);
      CHECK(
          r.objective ==
          Approx(objective_value(evaluate(n.layers[i].problem, a, r.mapping, o.mode), o.objective))
              .epsilon(1e-12));
      CHECK(r.lower_bound <= optimum[i] * (1 + 1e-9));
      CHECK(r.objective >= optimum[i] * (1 - 1e-9));
      if (r.optimal) {
        CHECK(r.objective == Approx(optimum[i]).epsilon(1e-9));
        CHECK(r.gap == 0);
      }
    }
  }
}
