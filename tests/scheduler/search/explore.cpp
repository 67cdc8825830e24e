#include <scheduler/search/explore.h>

#include <scheduler/io/spec_yaml.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

Problem layer() {
  ConvShape s;
  s.name = "c";
  s.R = s.S = 3;
  s.P = s.Q = 4;
  s.C = 4;
  s.K = 8;
  return make_conv2d(s);
}

Arch arch() {
  Arch a =
      tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 256), tlcase::dram("DRAM")});
  a.levels[0].kind = MemKind::RegFile;
  a.levels[1].kind = MemKind::SRAM;
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 4;
  return a;
}

} // namespace

TEST_CASE("explore: every dataflow is optimal for its loops and never beats the free search") {
  const Problem p = layer();
  const Arch a = arch();
  const auto pts = explore_dataflows(p, a, {"C|K", "R|P", "K"}, SearchOptions{});
  REQUIRE(pts.size() == 3);
  const SearchResult free = search(p, a, SearchOptions{});
  for (const auto &pt : pts) {
    INFO(pt.name);
    REQUIRE(pt.result.found);
    CHECK(pt.result.optimal);
    CHECK(pt.result.objective >= free.objective * (1 - 1e-12));
  }
  // C|K: C on X, K on Y.
  bool c_on_x = false;
  for (const auto &l : pts[0].result.mapping.levels[1].spatial_x) {
    c_on_x |= l.dim == p.dim_index("C");
  }
  CHECK(c_on_x);
  for (const auto *v :
       {&pts[2].result.mapping.levels[1].spatial_x, &pts[2].result.mapping.levels[1].spatial_y}) {
    for (const auto &l : *v) {
      CHECK(l.dim == p.dim_index("K"));
    }
  }
  const std::string csv = dataflows_csv(pts);
  CHECK(csv.rfind("dataflow,energy_pj,cycles,utilization,optimal,gap,relative_to_best\n", 0) == 0);
  CHECK(dataflows_json(p, a, pts)["dataflows"].size() == 3);
  CHECK_THROWS_WITH(explore_dataflows(p, a, {"C|Z"}, SearchOptions{}),
                    Catch::Contains("no dimension 'Z'"));
}

TEST_CASE("explore: memory grid resizes levels with the energy table") {
  const Arch a = arch();
  const Arch bigger = resize_level(a, 1, 2 * a.levels[1].size_words);
  CHECK(bigger.levels[1].size_words == a.levels[1].size_words * 2); // 8-bit words: bytes = words
  CHECK(bigger.levels[1].read_energy_pj == Approx(a.levels[1].read_energy_pj * 1.5));
  const Arch rf = resize_level(a, 0, 128);
  CHECK(rf.levels[0].read_energy_pj == Approx(a.levels[0].read_energy_pj * 2));

  const Problem p = layer();
  const MemoryGrid g =
      explore_memory(p, a, {{"RF", {16, 64}}, {"Buffer", {128, 1024}}}, SearchOptions{});
  REQUIRE(g.points.size() == 4);
  CHECK(g.points[1].size_bytes == std::vector<std::int64_t>{16, 1024});
  for (const auto &pt : g.points) {
    CHECK(pt.result.optimal);
  }
  CHECK(memory_csv(g).rfind("RF_bytes,Buffer_bytes,energy_pj,cycles,optimal,gap\n", 0) == 0);
  CHECK(memory_json(p, a, g)["points"].size() == 4);
  CHECK_THROWS_WITH(explore_memory(p, a, {{"L9", {16}}}, SearchOptions{}),
                    Catch::Contains("no level 'L9'"));
}
