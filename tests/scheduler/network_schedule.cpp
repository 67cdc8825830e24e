#include <scheduler/network_schedule.h>

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
  Arch a = tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 512),
                              tlcase::dram("DRAM")});
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
  const NetworkSchedule s =
      schedule_network(n, a, SearchOptions{}, [&](const LayerSchedule &l) { seen.push_back(l.name); });
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
