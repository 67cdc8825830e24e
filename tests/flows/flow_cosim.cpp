#include <flows/flow_cosim.h>

#include <generators/generate.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>

using namespace hcl::flows;
namespace sched = hcl::sched;
namespace gen = hcl::gen;

TEST_CASE("flow_cosim: the reference convolution on hand-computed cases") {
  ConvLayer c; // one channel, 2x2 kernel [[1, 0], [0, 1]], stride 2 -> a 4x4 input, 2x2 outputs
  c.P = c.Q = 2;
  c.R = c.S = 2;
  c.stride_h = c.stride_w = 2;
  REQUIRE(c.H() == 4);
  std::vector<std::int64_t> in(16);
  for (int i = 0; i < 16; ++i)
    in[static_cast<std::size_t>(i)] = i; // in[h][w] = 4h + w
  const std::vector<std::int64_t> w = {1, 0, 0, 1};
  // O[p][q] = in[2p][2q] + in[2p+1][2q+1]: 0+5, 2+7, 8+13, 10+15.
  CHECK(reference_conv(c, in, w, 32, true) == std::vector<std::int64_t>{5, 9, 21, 25});
  // An 8-bit signed accumulator wraps: 25 * 8 = 200 -> -56.
  const std::vector<std::int64_t> w8 = {8, 0, 0, 8};
  CHECK(reference_conv(c, in, w8, 8, true)[3] == -56);
  CHECK(reference_conv(c, in, w8, 8, false)[3] == 200);
  // Dilation 2 on a 3x3 input with a 2x2 kernel of ones: one output, the four corners.
  ConvLayer d;
  d.R = d.S = 2;
  d.dil_h = d.dil_w = 2;
  REQUIRE(d.H() == 3);
  CHECK(reference_conv(d, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 1, 1, 1}, 32, true) ==
        std::vector<std::int64_t>{1 + 3 + 7 + 9});
  CHECK(wrap_bits(-1, 4, false) == 15);
  CHECK(wrap_bits(9, 4, true) == -7);
}

namespace {

struct Built {
  gen::AcceleratorConfig cfg;
  std::vector<std::filesystem::path> rtl;
  std::string top;
};

// A 3 x 2 array with shallow buffers, so layers split into several ragged invocations.
Built build_accelerator() {
  Built b;
  b.cfg.rows = 3;
  b.cfg.cols = 2;
  b.cfg.in_depth = 24;
  b.cfg.wt_depth = 12;
  b.cfg.out_depth = 16;
  gen::GenerateRequest req{"accelerator", "tpu", {}};
  const nlohmann::json params = b.cfg.to_json()["params"]; // outlives the loop
  for (const auto &[k, v] : params.items())
    if (k != "preset")
      req.settings.push_back({k, v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump()});
  const gen::Generated g = gen::generate(req);
  b.top = g.params["top"].get<std::string>();
  for (const auto &f : gen::write_generated(g, hcl::test::scratch_dir("flow_cosim")))
    if (f.extension() == ".v")
      b.rtl.push_back(f);
  return b;
}

// Grouped, batched, strided and dilated: every index of the im2col lowering matters.
ConvLayer odd_conv() {
  sched::ConvShape s;
  s.name = "odd";
  s.N = 2;
  s.groups = 2;
  s.C = 4;
  s.K = 6;
  s.P = 3;
  s.Q = 4;
  s.R = 2;
  s.S = 3;
  s.stride_h = 2;
  s.dilation_w = 2;
  return conv_layer(sched::make_conv2d(s));
}

} // namespace

TEST_CASE("flow_cosim: a grouped, batched, strided conv runs bit-exactly on the generated top") {
  const Built b = build_accelerator();
  const ConvLayer c = odd_conv();
  const LayerPlan plan = plan_layer(b.cfg, c);
  REQUIRE(plan.c_chunks * plan.k_chunks * plan.x_chunks > 1); // several invocations per image
  const CosimResult r = cosimulate_layer(b.rtl, b.top, b.cfg, plan);
  CHECK(r.full_layer);
  CHECK(r.invocations == plan.invocations);
  CHECK(r.outputs_compared == c.N * c.G * c.K * c.P * c.Q);
  CHECK(r.mismatches == 0);
  CHECK(r.array_cycles == r.expected_cycles);
  CHECK(r.expected_cycles == plan.array_cycles);
  CHECK(r.passed());

  // A budget below one image runs a labelled slice: image 0, group 0, the first K chunk.
  CosimOptions small;
  small.max_cycles = 1;
  const CosimResult s = cosimulate_layer(b.rtl, b.top, b.cfg, plan, small);
  CHECK_FALSE(s.full_layer);
  CHECK_THAT(s.scope, Catch::StartsWith("a slice: batch image 0 of 2, group 0 of 2"));
  CHECK(s.outputs_compared == std::min(plan.k_chunk, c.K) * std::min(plan.x_chunk, c.gemm_x()));
  CHECK(s.passed());
}

TEST_CASE("flow_cosim: a wrong register value is caught as mismatches") {
  const Built b = build_accelerator();
  LayerPlan plan = plan_layer(b.cfg, odd_conv());
  // Point every shape's input base one word off: the array reads the wrong columns.
  const int base = gen::plan_accelerator(b.cfg).reg("base_input");
  for (auto &sh : plan.shapes)
    for (auto &[addr, value] : sh.config.writes)
      if (addr == base)
        value = 0;
  const CosimResult r = cosimulate_layer(b.rtl, b.top, b.cfg, plan);
  CHECK(r.mismatches > 0);
  CHECK_THAT(r.first_mismatch, Catch::StartsWith("O[n="));
  CHECK_FALSE(r.passed());
}
