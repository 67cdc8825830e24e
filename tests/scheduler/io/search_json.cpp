#include <scheduler/io/search_json.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

TEST_CASE("search_json: the hcl schedule JSON shape") {
  ConvShape s;
  s.name = "c";
  s.R = 3;
  s.P = 8;
  s.C = 4;
  s.K = 8;
  Network n;
  n.layers.push_back({make_conv2d(s), 2});
  Arch a =
      tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 256), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 4;
  const NetworkSchedule ns = schedule_network(n, a, SearchOptions{});
  const auto j = network_json(ns, a, Objective::Energy);
  REQUIRE(j["layers"].size() == 1);
  const auto &l = j["layers"][0];
  CHECK(l["name"] == "c");
  CHECK(l["optimal"] == true);
  CHECK(l["gap"] == 0.0);
  CHECK(l["evaluation"]["energy_pj"].get<double>() == ns.layers[0].result.evaluation.energy_pj);
  CHECK(l["schedule"]["levels"][0]["name"] == "DRAM"); // outermost first
  CHECK(l["schedule"]["levels"].size() == 3);
  CHECK(l["stats"]["evaluations"].get<std::int64_t>() > 0);
  CHECK(l["bounds"]["traffic_over_compulsory"].get<double>() >= 1.0);
  CHECK(l["bounds"]["cycles_over_compute_bound"].get<double>() >= 1.0);
  CHECK(l["bounds"]["traffic_over_attainable"].get<double>() >= 1.0 - 1e-12);
  CHECK(l["bounds"]["single_buffer_size_words"].get<std::int64_t>() == arch_on_chip_words(a));
  // The energy floor: every MAC and each used word once at DRAM's cheapest access, below the
  // optimum; the MACs alone are below the floor.
  const double floor = l["bounds"]["energy_floor_pj"].get<double>();
  CHECK(floor == objective_floor(n.layers[0].problem, a, Objective::Energy));
  CHECK(floor > l["evaluation"]["mac_energy_pj"].get<double>());
  CHECK(l["bounds"]["energy_over_floor"].get<double>() >= 1.0);
  CHECK(j["total"]["energy_pj"].get<double>() ==
        Approx(2 * ns.layers[0].result.evaluation.energy_pj));
  CHECK(j["total"]["cycles"].get<std::int64_t>() == 2 * ns.layers[0].result.evaluation.cycles);
  // Every factor of a dimension multiplies to its bound.
  std::int64_t k = 1;
  for (const auto &lv : l["schedule"]["levels"]) {
    for (const char *key : {"temporal", "spatial_x", "spatial_y"}) {
      for (const auto &loop : lv[key]) {
        if (loop["dim"] == "K") {
          k *= loop["factor"].get<std::int64_t>();
        }
      }
    }
  }
  CHECK(k == 8);
}
