#include <scheduler/io/spec_yaml.h>
#include <scheduler/schedule.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

namespace {

const std::string kSpecs = HCL_SOURCE_DIR "/tests/data/specs/";

// The same layer, arch and schedule as tests/data/specs/small.*.yaml, so the C++ form can be
// compared against the YAML form.
struct Fixture {
  Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
};

bool same_loops(const std::vector<Loop> &x, const std::vector<Loop> &y) {
  if (x.size() != y.size()) {
    return false;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i].dim != y[i].dim || x[i].factor != y[i].factor) {
      return false;
    }
  }
  return true;
}

std::string error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const ScheduleError &e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("the C++ schedule API builds the same mapping as the YAML form") {
  Fixture f;
  Schedule s(f.p, f.a);
  s.tile("RF", {{"S", 3}, {"R", 3}, {"C", 2}})
      .unroll("K", "GlobalBuffer", 4, Axis::X)
      .unroll("C", "GlobalBuffer", 2, Axis::Y)
      .tile("GlobalBuffer", {{"Q", 8}, {"P", 4}, {"C", 2}, {"K", 2}})
      .bypass("Weights", "GlobalBuffer")
      .reorder("DRAM", {"P", "K"});
  CHECK(s.remaining("K") == 2);
  CHECK(s.remaining("P") == 2);
  CHECK(s.remaining("N") == 1);
  const Mapping m = s.mapping();
  const Mapping y = load_mapping_yaml(kSpecs + "small.schedule.yaml", f.p, f.a);
  REQUIRE(m.levels.size() == y.levels.size());
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    INFO("level " << l);
    CHECK(same_loops(m.levels[l].temporal, y.levels[l].temporal));
    CHECK(same_loops(m.levels[l].spatial_x, y.levels[l].spatial_x));
    CHECK(same_loops(m.levels[l].spatial_y, y.levels[l].spatial_y));
    CHECK(m.levels[l].keep == y.levels[l].keep);
  }
}

TEST_CASE("split places later splits outside, reorder sets the order innermost first") {
  Fixture f;
  Schedule s(f.p, f.a);
  s.split("P", "GlobalBuffer", 2).split("Q", "GlobalBuffer", 8).split("P", "GlobalBuffer", 2);
  const auto &gb = s.partial().levels[1].temporal;
  REQUIRE(gb.size() == 2);
  CHECK(gb[0].dim == f.p.dim_index("P")); // second split of P multiplied into the first
  CHECK(gb[0].factor == 4);
  CHECK(gb[1].dim == f.p.dim_index("Q"));
  s.reorder("GlobalBuffer", {"Q"});
  CHECK(s.partial().levels[1].temporal[0].dim == f.p.dim_index("Q"));
  CHECK(s.partial().levels[1].temporal[1].dim == f.p.dim_index("P"));
  // Remainders go to the backing store, in dimension order unless reordered.
  s.tile("RF", {{"R", 3}, {"S", 3}});
  const Mapping m = s.mapping();
  std::vector<std::string> dram;
  for (const auto &loop : m.levels[2].temporal) {
    dram.push_back(f.p.dim_names[static_cast<std::size_t>(loop.dim)] + "=" +
                   std::to_string(loop.factor));
  }
  CHECK(dram == std::vector<std::string>{"P=2", "C=8", "K=16"});
}

TEST_CASE("schedule calls report the caller's file and line") {
  Fixture f;
  Schedule s(f.p, f.a);
  const int line = __LINE__ + 1;
  const std::string e = error_of([&] { s.split("K", "GlobalBuffer", 5); });
  CHECK_THAT(e, Catch::Contains("schedule.cpp:" + std::to_string(line) + ": "));
  CHECK_THAT(e, Catch::EndsWith("factor 5 does not divide K = 16"));

  s.split("K", "RF", 4);
  CHECK_THAT(error_of([&] { s.unroll("K", "GlobalBuffer", 8, Axis::X); }),
             Catch::EndsWith("factor 8 does not divide the 4 iterations of K still unplaced "
                             "(K = 16 / 4 placed)"));
  CHECK_THAT(error_of([&] { s.split("X", "RF", 2); }),
             Catch::EndsWith("'X' is not a dimension of layer 'small'; its dimensions are: R, S, "
                             "P, Q, C, K, N"));
  CHECK_THAT(error_of([&] { s.split("P", "L2", 2); }),
             Catch::EndsWith("'L2' is not a level of architecture 'small'; its levels are: DRAM, "
                             "GlobalBuffer, RF"));
  CHECK_THAT(error_of([&] { s.bypass("Psums", "RF"); }),
             Catch::EndsWith("'Psums' is not a tensor of layer 'small'; its tensors are: "
                             "Weights, Inputs, Outputs"));
  CHECK_THAT(error_of([&] { s.bypass("Inputs", "DRAM"); }),
             Catch::EndsWith("DRAM is the backing store and must keep Inputs"));
  CHECK_THAT(error_of([&] { s.split("P", "RF", 0); }),
             Catch::EndsWith("factor of P is 0, factors must be at least 1"));
  CHECK_THAT(error_of([&] {
               s.reorder("RF", {"P", "P"});
             }),
             Catch::EndsWith("reorder at RF lists P twice"));
  CHECK_THROWS_AS(s.split("K", "RF", 3), std::invalid_argument);
}

TEST_CASE("in() cannot keep what the architecture bypasses") {
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  ConvShape c;
  c.name = "c";
  c.K = 4;
  const Problem p = make_conv2d(c);
  Schedule s(p, a);
  CHECK_THAT(error_of([&] { s.in("Weights", "GlobalBuffer"); }),
             Catch::EndsWith("GlobalBuffer cannot keep Weights: the architecture bypasses it "
                             "there"));
  s.bypass("Inputs", "GlobalBuffer").in("Inputs", "GlobalBuffer");
  CHECK(s.partial().levels[3].keep == std::array<bool, 3>{false, true, true});
}

TEST_CASE("mapping() validates the whole schedule at the call site") {
  Fixture f;
  Schedule s(f.p, f.a);
  s.tile("RF", {{"S", 3}, {"R", 3}, {"C", 8}}); // 72 + 72 + 1 words > 64
  const int line = __LINE__ + 1;
  const std::string e = error_of([&] { (void)s.mapping(); });
  CHECK_THAT(e, Catch::Contains("schedule.cpp:" + std::to_string(line) +
                                ": invalid mapping: "
                                "tile needs 145 words at RF, capacity 64"));
  // An edited copy of a loaded mapping.
  const Mapping y = load_mapping_yaml(kSpecs + "small.schedule.yaml", f.p, f.a);
  Schedule edit(f.p, f.a, y);
  CHECK(edit.remaining("K") == 1);
  edit.in("Weights", "GlobalBuffer");
  CHECK(edit.mapping().levels[1].keep == std::array<bool, 3>{true, true, true});
}

TEST_CASE("describe prints the loop nest outermost first") {
  Fixture f;
  const Mapping y = load_mapping_yaml(kSpecs + "small.schedule.yaml", f.p, f.a);
  const std::string text = describe(f.p, f.a, y);
  CHECK(text == "DRAM [ Weights Inputs Outputs ]\n"
                "| for K in [0:2)\n"
                "  | for P in [0:2)\n"
                "    GlobalBuffer [ Inputs Outputs ]\n"
                "    | for K in [0:2)\n"
                "      | for C in [0:2)\n"
                "        | for P in [0:4)\n"
                "          | for Q in [0:8)\n"
                "            | spatial-X K in [0:4)\n"
                "              | spatial-Y C in [0:2)\n"
                "                RF [ Weights Inputs Outputs ]\n"
                "                | for C in [0:2)\n"
                "                  | for R in [0:3)\n"
                "                    | for S in [0:3)\n");
}
