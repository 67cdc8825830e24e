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
  // Weights depending on both dimensions without being stationary take per-PE lanes now.
  CHECK_THAT(err({{"stationary", "none"}}), Catch::Contains("no error"));
  CHECK_THAT(err({{"reduce", "tree"}}, "output-stationary"), Catch::Contains("no error"));
  // Outputs independent of both dimensions are reduced into one lane, never kept in the PEs;
  // outputs depending on both are never reduced.
  CHECK_THAT(err({{"row_loops", "FY"}, {"col_loops", "FX"}, {"stationary", "output"}}),
             Catch::StartsWith("stationary: output-stationary PEs need outputs that depend on "
                               "both dimensions, but the outputs are reduced along both rows "
                               "and cols"));
  CHECK_THAT(err({{"stationary", "weight"}}, "xy"),
             Catch::StartsWith("stationary: the outputs depend on the loops of both dimensions"));
  // Reduced along the rows: a chain needs one cycle per column, the diagonal broadcast equal
  // delays, and weights broadcast down the columns none per row.
  CHECK_THAT(err({{"row_loops", "Y"}, {"col_loops", "FY"}, {"reduce", "chain"}}, "eyeriss"),
             Catch::StartsWith("input_flow: diagonal inputs need equal delays"));
  // Two loops with different relevance on the columns (the assignment's "K x X").
  CHECK_THAT(err({{"row_loops", "C"}, {"col_loops", "K:2,X:2"}}),
             Catch::StartsWith("col_loops: loops K and X cannot share a dimension"));
  // Chain accumulation delays rows by one cycle, the diagonal broadcast needs equal delays.
  CHECK_THAT(err({{"reduce", "chain"}}, "eyeriss"),
             Catch::StartsWith("input_flow: diagonal inputs"));
  CHECK_THAT(err({{"row_loops", "Q"}}), Catch::Contains("unknown loop 'Q'"));
  CHECK_THROWS_WITH(array_preset("gemmini"), Catch::Contains("valid: tpu, eyeriss, tree"));
}

TEST_CASE("array: outputs reduced across the columns leave at the row ends") {
  // K on rows, C on cols: the transposed TPU. Inputs I[c] go down the columns, weights
  // W[k][c] are stationary, and the partial sums run along each row to out_k.
  ArrayConfig kc = array_preset("tpu");
  kc.rows = 3;
  kc.cols = 5;
  kc.set("row_loops", "K");
  kc.set("col_loops", "C");
  const ArrayPlan t = plan_array(kc);
  CHECK(t.out_route == Route::Horizontal);
  CHECK(t.out_lanes == 3);
  CHECK(t.w.route == Route::Load);
  CHECK(t.x.route == Route::Vertical);
  CHECK(t.alpha == 1); // inputs forwarded down the columns
  CHECK(t.beta == 1);  // the chain along the rows
  CHECK(t.x.skew == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(t.deskew == std::vector<int>{2, 1, 0}); // row r ends at cycle r + 4: align to row 2
  CHECK(t.latency == 2 + 4 + 1);

  // The same with broadcast inputs and an adder tree per row: no skew at all.
  kc.set("input_flow", "broadcast");
  kc.set("reduce", "tree");
  const ArrayPlan tt = plan_array(kc);
  CHECK(tt.alpha == 0);
  CHECK(tt.beta == 0);
  CHECK(tt.deskew == std::vector<int>{0, 0, 0});
  CHECK(tt.latency == 1);

  // A chain along the rows with inputs broadcast down the columns: alpha 0, beta 1.
  kc.set("reduce", "chain");
  const ArrayPlan tc = plan_array(kc);
  CHECK(tc.alpha == 0);
  CHECK(tc.beta == 1);
  CHECK(tc.x.skew == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(tc.deskew == std::vector<int>{0, 0, 0});

  // Eyeriss transposed: Y on rows, FY on cols; diagonal inputs, weights down the columns.
  ArrayConfig yf = array_preset("eyeriss");
  yf.rows = 4;
  yf.cols = 3;
  yf.set("row_loops", "Y");
  yf.set("col_loops", "FY");
  const ArrayPlan e = plan_array(yf);
  CHECK(e.x.route == Route::Diagonal);
  CHECK(e.w.route == Route::Vertical);
  CHECK(e.out_route == Route::Horizontal);
  CHECK(e.out_lanes == 4);

  // Outputs reduced down the columns keep their lanes per column.
  const ArrayPlan tpu = plan_array(array_preset("tpu"));
  CHECK(tpu.out_route == Route::Vertical);
  CHECK(tpu.out_lanes == 4);
  CHECK(plan_array(array_preset("output-stationary")).out_lanes == 4);
}

TEST_CASE("array: two loops on a dimension index the PEs outer loop first") {
  ArrayConfig c = array_preset("tpu");
  c.rows = 6;
  c.set("row_loops", "C:2,FX:3");
  const ArrayPlan p = plan_array(c);
  CHECK(p.row_index_sizes == std::vector<int>{2, 3});
  CHECK(p.col_index_sizes == std::vector<int>{4});
  CHECK(p.x.route == Route::Horizontal); // C and FX both index the inputs: one lane per row
  CHECK(p.x.lanes == 6);
}

TEST_CASE("array: a tensor independent of both dimensions is shared or reduced over every PE") {
  // X|Y: weights on one lane for all PEs, inputs I[y+fy][x+fx] on one lane per PE.
  ArrayConfig xy = array_preset("xy");
  xy.rows = 3;
  xy.cols = 5;
  const ArrayPlan b = plan_array(xy);
  CHECK(b.output_stationary);
  CHECK(b.w.route == Route::All);
  CHECK(b.w.lanes == 1);
  CHECK(b.w.lane(2, 4) == 0);
  CHECK(b.x.route == Route::Unicast);
  CHECK(b.x.lanes == 15);
  CHECK(b.x.lane(2, 1) == 2 * 5 + 1); // row-major
  CHECK(b.alpha == 0);                // broadcast to every PE: no wavefront
  CHECK(b.beta == 0);
  CHECK(b.x.skew == std::vector<int>(15, 0));
  CHECK(b.drain_wait == 0);
  // Every PE reads the broadcast lane; none forwards.
  CHECK_FALSE(array_pe_config(xy, b, 0, 0).forward_w);

  // Forwarded along row 0 and down the columns: one cycle per hop in both directions, so PE
  // (r, c) sees the weight r + c cycles late and its input lane is skewed to match.
  xy.set("weight_flow", "systolic");
  const ArrayPlan s = plan_array(xy);
  CHECK(s.alpha == 1);
  CHECK(s.beta == 1);
  CHECK(s.x.skew[static_cast<std::size_t>(s.x.lane(2, 3))] == 5);
  CHECK(s.x.skew[static_cast<std::size_t>(s.x.lane(1, 0))] == 1);
  CHECK(s.drain_wait == 2 + 4);
  CHECK(array_pe_config(xy, s, 0, 3).forward_w);       // row 0 feeds right and down
  CHECK(array_pe_config(xy, s, 0, 4).forward_w);       // down only at the row's end
  CHECK(array_pe_config(xy, s, 1, 4).forward_w);       // down
  CHECK_FALSE(array_pe_config(xy, s, 2, 1).forward_w); // the bottom row feeds nobody

  // FX|FY: outputs reduced over all PEs into one lane by a tree (no skew at all).
  ArrayConfig f = array_preset("fxfy");
  f.rows = 2;
  f.cols = 4;
  const ArrayPlan t = plan_array(f);
  CHECK(t.out_route == Route::All);
  CHECK(t.out_lanes == 1);
  CHECK(t.w.route == Route::Load);
  CHECK(t.x.route == Route::Unicast);
  CHECK(t.x.lanes == 8);
  CHECK(t.alpha == 0);
  CHECK(t.beta == 0);
  CHECK(t.deskew == std::vector<int>{0});
  CHECK(t.latency == 1);

  // ... or by one chain: down column 0, into the top of column 1, ...: PE (r, c) is link
  // r + 2c of 8, so its lane is skewed by that and the sum leaves after the last link.
  f.set("reduce", "chain");
  f.set("stationary", "none");
  const ArrayPlan c = plan_array(f);
  CHECK(c.alpha == 1);
  CHECK(c.beta == 2);
  CHECK(c.w.route == Route::Unicast);
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 4; ++k) {
      CHECK(c.x.skew[static_cast<std::size_t>(c.x.lane(r, k))] == r + 2 * k);
      CHECK(c.w.skew[static_cast<std::size_t>(c.w.lane(r, k))] == r + 2 * k);
    }
  CHECK(c.latency == 7 + 1);
  CHECK(c.deskew == std::vector<int>{0});
}
