// The derivation of the array's interconnect and timing from loop relevance (array_plan.cpp):
// routes, delays, skews and the configuration errors. The RTL is co-simulated in array.cpp.
#include <generators/array.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

using namespace hcl::gen;

TEST_CASE("array: presets derive the interconnect from loop relevance") {
  const ArrayPlan tpu = plan_array(array_preset("tpu"));
  CHECK(tpu.w.route == Route::Load);
  CHECK(tpu.x.route == Route::Horizontal); // inputs independent of K: shared along a row
  CHECK(tpu.x.flow == Flow::Systolic);
  CHECK(tpu.alpha == 1);
  CHECK(tpu.beta == 1);
  CHECK(tpu.x.skew == std::vector<int>{0, 1, 2, 3});
  CHECK(tpu.deskew == std::vector<int>{3, 2, 1, 0});
  CHECK(tpu.latency == 3 + 3 + 1);

  const ArrayPlan ey = plan_array(array_preset("eyeriss"));
  CHECK(ey.x.route == Route::Diagonal); // FY on rows, Y on cols: I[y + fy]
  CHECK(ey.x.lanes == 3 + 4 - 1);
  CHECK(ey.x.lane(1, 2) == 3);
  CHECK(ey.w.route == Route::Horizontal); // weights independent of Y: shared along a row
  CHECK(ey.alpha == 0);
  CHECK(ey.beta == 0);

  const ArrayPlan tree = plan_array(array_preset("tree"));
  CHECK(tree.x.flow == Flow::Broadcast);
  CHECK(tree.latency == 1);

  const ArrayPlan os = plan_array(array_preset("output-stationary"));
  CHECK(os.output_stationary);
  CHECK(os.w.route == Route::Horizontal); // weights independent of X
  CHECK(os.x.route == Route::Vertical);   // inputs independent of K
  CHECK(os.drain_wait == 3 + 3);

  // A custom mapping: C and FX share the rows (same relevance), inputs stationary on C x X.
  ArrayConfig is = array_preset("tpu");
  is.set("row_loops", "C");
  is.set("col_loops", "X");
  is.set("stationary", "input");
  is.set("weight_flow", "broadcast");
  const ArrayPlan isp = plan_array(is);
  CHECK(isp.x.route == Route::Load);
  CHECK(isp.w.route == Route::Horizontal);
}

TEST_CASE("array: invalid mappings name the key and the reason") {
  const auto err = [](std::vector<std::pair<std::string, std::string>> sets,
                      const std::string &preset = "tpu") {
    try {
      ArrayConfig c = array_preset(preset);
      for (auto &[k, v] : sets)
        c.set(k, v);
      plan_array(c);
    } catch (const ConfigError &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(err({{"rows", "0"}}), Catch::StartsWith("rows: must be in [1, 128] (got 0)"));
  CHECK_THAT(err({{"acc_width", "12"}}),
             Catch::StartsWith("acc_width: must hold the full product"));
  CHECK_THAT(
      err({{"row_loops", "FY:2,Y:2"}}),
      Catch::StartsWith("row_loops: the sliding-window pair FY and Y cannot share a dimension"));
  CHECK_THAT(err({{"row_loops", "C:2,N:2"}}),
             Catch::StartsWith("row_loops: loops C and N cannot share a dimension"));
  CHECK_THAT(err({{"row_loops", "C:3,FX:2"}}),
             Catch::StartsWith("row_loops: the loop sizes multiply to 6 but rows = 4"));
  CHECK_THAT(err({{"col_loops", "C"}}), Catch::StartsWith("col_loops: loop C is already unrolled"));
  CHECK_THAT(err({{"stationary", "none"}}), Catch::StartsWith("stationary: the weights depend"));
  CHECK_THAT(err({{"reduce", "tree"}}, "output-stationary"), Catch::Contains("no error"));
  CHECK_THAT(err({{"row_loops", "K"}, {"col_loops", "C"}}),
             Catch::StartsWith("col_loops: the outputs do not depend"));
  // Chain accumulation delays rows by one cycle, the diagonal broadcast needs equal delays.
  CHECK_THAT(err({{"reduce", "chain"}}, "eyeriss"),
             Catch::StartsWith("input_flow: diagonal inputs"));
  CHECK_THAT(err({{"row_loops", "Q"}}), Catch::Contains("unknown loop 'Q'"));
  CHECK_THROWS_WITH(array_preset("gemmini"), Catch::Contains("valid: tpu, eyeriss, tree"));
}
