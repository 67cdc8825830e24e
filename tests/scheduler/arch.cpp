#include <scheduler/arch.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

TEST_CASE("arch instances are the product of fan-outs above a level") {
  Arch a;
  a.name = "eyeriss-like";
  a.levels.resize(4);
  a.levels[0].name = "RF";
  a.levels[1].name = "PE";
  a.levels[1].fanout_x = 14;
  a.levels[1].fanout_y = 12;
  a.levels[2].name = "GLB";
  a.levels[3].name = "DRAM";
  a.levels[3].fanout_x = 2;
  CHECK(a.instances(3) == 1);
  CHECK(a.instances(2) == 2);
  CHECK(a.instances(1) == 2);
  CHECK(a.instances(0) == 2 * 168);
  CHECK(a.total_macs() == 2 * 168);
  CHECK_THROWS_AS(a.instances(4), std::invalid_argument);
  CHECK_THROWS_AS(a.instances(-1), std::invalid_argument);
}
