#include <scheduler/search/space_hint.h>

#include <scheduler/search/search.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

TEST_CASE("space_hint: the seed tool's hint fixes our factors, partitionings one level up") {
  ConvShape s;
  s.name = "c";
  s.R = s.S = 3;
  s.P = s.Q = 13;
  s.C = 8;
  s.K = 16;
  const Problem p = make_conv2d(s);
  Arch a;
  a.name = "a";
  Level rf, gb, dram;
  rf.name = "RF";
  rf.size_words = 256;
  gb.name = "GB";
  gb.fanout_x = gb.fanout_y = 16;
  dram.name = "DRAM";
  a.levels = {rf, gb, dram};
  // Eyeriss-like hint: FX blocked 3 in the RF, FY x OY unrolled 3 x 13.
  const auto hint = interstellar::parse_schedule_hint(
      R"({"schedule_hint": {"FX": {"level0": {"order": 0, "blocking_size": 3, "partitioning_size": 1}},
                            "FY": {"level0": {"order": 1, "blocking_size": 1, "partitioning_size": 3}},
                            "OY": {"level0": {"order": 2, "blocking_size": 1, "partitioning_size": 13}}}})",
      "hint.json", 3);
  const auto c = constraints_from_hint(p, a, hint);
  REQUIRE(c.size() == 3);
  CHECK(c[0].temporal[static_cast<std::size_t>(p.dim_index("S"))] == 3);
  CHECK(c[0].temporal[static_cast<std::size_t>(p.dim_index("R"))] == 1);
  CHECK(c[1].spatial[static_cast<std::size_t>(p.dim_index("R"))] == 3);
  CHECK(c[1].spatial[static_cast<std::size_t>(p.dim_index("P"))] == 13);
  CHECK(c[1].spatial[static_cast<std::size_t>(p.dim_index("S"))] == 1);
  SearchOptions o;
  o.space.constraints = c;
  const SearchResult r = search(p, a, o);
  REQUIRE(r.found);
  std::int64_t r_sp = 1, p_sp = 1;
  for (const auto *v : {&r.mapping.levels[1].spatial_x, &r.mapping.levels[1].spatial_y}) {
    for (const auto &l : *v) {
      CHECK(l.dim != p.dim_index("S"));
      if (l.dim == p.dim_index("R")) {
        r_sp *= l.factor;
      }
      if (l.dim == p.dim_index("P")) {
        p_sp *= l.factor;
      }
    }
  }
  CHECK(r_sp == 3);
  CHECK(p_sp == 13);

  const Problem g = tlcase::conv1d({"R", "P"}, {3, 16}); // no S dimension
  const auto bad = interstellar::parse_schedule_hint(
      R"({"schedule_hint": {"FX": {"level0": {"blocking_size": 3}}}})", "bad.json", 3);
  CHECK_THROWS_WITH(constraints_from_hint(g, a, bad), Catch::Contains("needs dimension S"));
}
