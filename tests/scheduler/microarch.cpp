#include <scheduler/io/spec_yaml.h>
#include <scheduler/microarch.h>
#include <scheduler/schedule.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

namespace {

const std::string kSpecs = HCL_SOURCE_DIR "/tests/data/specs/";

// tests/data/specs/small.*: conv C=8 K=16 P=Q=8 R=S=3 N=1 on RF (64 words) < GlobalBuffer
// (8,192 words, double buffered, 4 x 2 mesh below it) < DRAM.
struct Fixture {
  Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
};

// The schedule of tests/scheduler/schedule.cpp: RF S3 R3 C2; K4 on X and C2 on Y below the
// global buffer; GB Q8 P4 C2 K2 with weights bypassing it; DRAM P2 K2.
Mapping known_schedule(const Fixture &f) {
  Schedule s(f.p, f.a);
  s.tile("RF", {{"S", 3}, {"R", 3}, {"C", 2}})
      .unroll("K", "GlobalBuffer", 4, Axis::X)
      .unroll("C", "GlobalBuffer", 2, Axis::Y)
      .tile("GlobalBuffer", {{"Q", 8}, {"P", 4}, {"C", 2}, {"K", 2}})
      .bypass("Weights", "GlobalBuffer")
      .reorder("DRAM", {"P", "K"});
  return s.mapping();
}

const MicroBuffer &level(const MicroArch &m, const std::string &name) {
  for (const auto &b : m.levels)
    if (b.name == name)
      return b;
  FAIL("no level " << name);
  throw std::logic_error("unreachable");
}

} // namespace

// Every expected number below is worked out by hand from the loop nest above.
TEST_CASE("microarch: array, banks and tiles of a known schedule, derived by hand") {
  const Fixture f;
  const Mapping m = known_schedule(f);
  const MicroArch u = derive_microarch(f.a, {{&f.p, &m}});
  CHECK(u.rows == 4);
  CHECK(u.cols == 2);
  CHECK(u.row_dims == std::vector<std::string>{"K"});
  CHECK(u.col_dims == std::vector<std::string>{"C"});
  REQUIRE(u.levels.size() == 3);
  CHECK(u.levels[0].name == "RF");
  const MicroBuffer &rf = level(u, "RF"), &gb = level(u, "GlobalBuffer"), &dram = level(u, "DRAM");
  CHECK(rf.instances == 8);
  CHECK(rf.size_words == 64);
  CHECK(gb.instances == 1);
  CHECK(gb.size_words == 8192); // 16 KB of 16-bit words
  CHECK(gb.double_buffered);
  CHECK(gb.mesh_x == 4);
  CHECK(gb.mesh_y == 2);
  // Banks: inputs depend on C only (2 on Y) -> 2 words a cycle from the GB; outputs on K
  // only (4 on X) -> 4. Weights bypass the GB, so DRAM feeds the 4 x 2 RFs directly: K and C
  // -> 8. Levels without a mesh below them feed one child.
  CHECK(gb.banks.count("Weights") == 0);
  CHECK(gb.banks.at("Inputs") == 2);
  CHECK(gb.banks.at("Outputs") == 4);
  CHECK(rf.banks.at("Inputs") == 1);
  CHECK(dram.banks.at("Weights") == 8);
  CHECK(dram.banks.at("Inputs") == 1);
  // RF tile: R3 S3 C2 -> weights 2*3*3 = 18, inputs C2 x H3 x W3 = 18, outputs 1.
  CHECK(rf.used_words.at("Weights") == 18);
  CHECK(rf.used_words.at("Inputs") == 18);
  CHECK(rf.used_words.at("Outputs") == 1);
  // GB tile: C 2*2*2 = 8, K 4*2 = 8, P4, Q8, R3, S3 -> inputs 8 x (4-1+3) x (8-1+3) = 480,
  // outputs 8*4*8 = 256; weights bypass it.
  CHECK(gb.used_words.at("Inputs") == 480);
  CHECK(gb.used_words.at("Outputs") == 256);
  CHECK(gb.used_words.count("Weights") == 0);
  CHECK(dram.used_words.at("Weights") == 16 * 8 * 3 * 3);

  REQUIRE(u.layers.size() == 1);
  const MicroLayer &l = u.layers[0];
  CHECK(l.name == f.p.name);
  CHECK(l.bounds == f.p.bounds);
  REQUIRE(l.levels.size() == 3);
  const MicroLevelTiling &g = l.levels[1];
  CHECK(g.level == "GlobalBuffer");
  CHECK(g.spatial_x == std::vector<MicroLoop>{{"K", 4}});
  CHECK(g.spatial_y == std::vector<MicroLoop>{{"C", 2}});
  CHECK(g.temporal == std::vector<MicroLoop>{{"Q", 8}, {"P", 4}, {"C", 2}, {"K", 2}});
  CHECK(g.keeps == std::vector<std::string>{"Inputs", "Outputs"});
  CHECK(g.tile[static_cast<std::size_t>(f.p.dim_index("C"))] == 8);
  CHECK(g.tile[static_cast<std::size_t>(f.p.dim_index("K"))] == 8);
  CHECK(g.tile[static_cast<std::size_t>(f.p.dim_index("P"))] == 4);
  CHECK(l.levels[2].temporal == std::vector<MicroLoop>{{"P", 2}, {"K", 2}});
  CHECK(l.levels[2].tile == f.p.bounds); // the backing store holds the whole layer

  const auto j = to_json(u);
  CHECK(j["array"]["rows"] == 4);
  CHECK(j["levels"][2]["banks"]["Weights"] == 8);
  CHECK(j["layers"][0]["levels"][1]["temporal"][0] == nlohmann::json({"Q", 8}));
}

TEST_CASE("microarch: several layers take the union of unrolled dims and the largest needs") {
  const Fixture f;
  const Mapping a = known_schedule(f);
  Schedule s(f.p, f.a);
  s.tile("RF", {{"S", 3}, {"R", 3}, {"C", 2}}).unroll("C", "GlobalBuffer", 4, Axis::X);
  const Mapping b = s.mapping();
  const MicroArch u = derive_microarch(f.a, {{&f.p, &a}, {&f.p, &b}});
  CHECK(u.row_dims == std::vector<std::string>{"K", "C"});
  CHECK(u.col_dims == std::vector<std::string>{"C"});
  const MicroBuffer &gb = u.levels[1];
  CHECK(gb.banks.at("Inputs") == 4);           // C4 on X in the second schedule
  CHECK(gb.banks.at("Weights") == 4);          // kept there only by the second schedule: C4
  CHECK(u.levels[2].banks.at("Weights") == 8); // DRAM, first schedule (bypassed GB)
  // Second schedule: GB holds C 8, K 1, everything else of P/Q at DRAM -> inputs 8 x 3 x 3.
  CHECK(gb.used_words.at("Inputs") == 480);
  CHECK(gb.used_words.at("Weights") == 8 * 3 * 3);
  CHECK(u.layers.size() == 2);
}

TEST_CASE("microarch: a mapping for another architecture is refused") {
  const Fixture f;
  Mapping m = known_schedule(f);
  m.levels.pop_back();
  CHECK_THROWS_WITH(derive_microarch(f.a, {{&f.p, &m}}),
                    Catch::Contains("the mapping has 2 levels, the architecture 'small' has 3"));
}
