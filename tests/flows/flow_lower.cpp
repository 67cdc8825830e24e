#include <flows/flow_lower.h>

#include <generators/require.h>
#include <scheduler/spec_yaml.h>

#include <catch2/catch.hpp>

#include <set>
#include <tuple>

using namespace hcl::flows;
namespace sched = hcl::sched;
namespace gen = hcl::gen;

TEST_CASE("flow_lower: conv_layer reads shape, stride, dilation and groups back from a Problem") {
  sched::ConvShape s;
  s.name = "c";
  s.N = 2;
  s.C = 6;
  s.K = 4;
  s.P = 5;
  s.Q = 3;
  s.R = 3;
  s.S = 2;
  s.stride_h = 4;
  s.stride_w = 1;
  s.dilation_h = 1;
  s.dilation_w = 2;
  s.groups = 2;
  const ConvLayer c = conv_layer(sched::make_conv2d(s));
  CHECK(c.N == 2);
  CHECK(c.G == 2);
  CHECK(c.C == 3); // per group
  CHECK(c.K == 2);
  CHECK(c.P == 5);
  CHECK(c.Q == 3);
  CHECK(c.stride_h == 4);
  CHECK(c.stride_w == 1);
  CHECK(c.dil_h == 1);
  CHECK(c.dil_w == 2);
  CHECK(c.H() == (5 - 1) * 4 + 3);     // 19 input rows
  CHECK(c.W() == (3 - 1) * 1 + 2 * 1 + 1); // 5 input columns
  CHECK(c.gemm_c() == 3 * 3 * 2);
  CHECK(c.gemm_x() == 15);
  CHECK(c.macs() == sched::make_conv2d(s).macs());

  const ConvLayer fc = conv_layer(sched::make_gemm("fc", 1, 10, 128));
  CHECK(fc.C == 128);
  CHECK(fc.K == 10);
  CHECK(fc.gemm_x() == 1);

  sched::Problem odd = sched::make_gemm("odd", 1, 4, 4);
  odd.dim_names.push_back("Z");
  odd.bounds.push_back(3);
  CHECK_THROWS_WITH(conv_layer(odd), Catch::Contains("layer 'odd': dimension 'Z' (bound 3)"));
}

TEST_CASE("flow_lower: the accelerator follows the arch's mesh, word bits and buffer sizes") {
  // tpu_like: 16 x 16 mesh, 16-bit words, 96 KB UnifiedBuffer (49,152 words) for inputs,
  // 16 KB of 32-bit Accumulators (4,096 words), weights only in the per-PE register.
  const sched::Arch a = sched::load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/tpu_like.yaml");
  const sched::MicroArch m = sched::derive_microarch(a, {});
  Provenance why;
  gen::AcceleratorConfig c = accelerator_config(m, a, {}, &why);
  CHECK(c.rows == 16);
  CHECK(c.cols == 16);
  CHECK(c.data_width == 16);
  CHECK(c.weight_width == 16);
  CHECK(c.acc_width == 32);
  CHECK(c.in_depth == 49152 / 16 / 2); // ping-pong halves
  CHECK(c.out_depth == 4096 / 16);
  CHECK(c.wt_depth == c.in_depth);     // no weight buffer in the arch: sized like the inputs
  CHECK_THAT(why.at("wt_depth"), Catch::Contains("no on-chip level above the mesh keeps Weights"));
  // Overrides: rows re-divides the same buffer, a depth set explicitly wins.
  c = accelerator_config(m, a, {{"rows", "8"}, {"out_depth", "100"}, {"preset", "tree"}}, &why);
  CHECK(c.rows == 8);
  CHECK(c.in_depth == 49152 / 8 / 2);
  CHECK(c.out_depth == 100);
  CHECK(c.preset == "tree");
  CHECK(why.at("out_depth") == "--set out_depth=100");
  CHECK_THROWS_AS(accelerator_config(m, a, {{"depth", "4"}}), gen::ConfigError);
  CHECK_THROWS_WITH(accelerator_config(m, a, {{"rows", "0"}}), Catch::StartsWith("rows: must be in [1, 128]"));
}

TEST_CASE("flow_lower: every layer's invocations fit the buffers and cover its GEMM exactly") {
  gen::AcceleratorConfig cfg; // 4x4
  cfg.in_depth = 40;
  cfg.wt_depth = 24;
  cfg.out_depth = 30;
  sched::ConvShape s;
  s.name = "conv";
  s.N = 2;
  s.C = 5;
  s.K = 11;
  s.P = 7;
  s.Q = 9;
  s.R = 3;
  s.S = 3;
  s.groups = 1;
  for (const auto &p : {sched::make_conv2d(s), sched::make_gemm("fc", 1, 70, 300)}) {
    const ConvLayer c = conv_layer(p);
    const LayerPlan plan = plan_layer(cfg, c);
    INFO(c.name << ": chunks " << plan.c_chunk << " x " << plan.k_chunk << " x " << plan.x_chunk);
    // Brute force over every chunk origin: each resolves to a configured shape of the right
    // size, and the chunks tile C' x K x X with no overlap.
    std::int64_t covered = 0, invocations = 0;
    std::uint64_t cycles = 0;
    for (std::int64_t k0 = 0; k0 < c.K; k0 += plan.k_chunk)
      for (std::int64_t x0 = 0; x0 < c.gemm_x(); x0 += plan.x_chunk)
        for (std::int64_t c0 = 0; c0 < c.gemm_c(); c0 += plan.c_chunk) {
          const gen::LayerConfig &l = plan.chunk(c0, k0, x0);
          CHECK(l.shape.C == std::min(plan.c_chunk, c.gemm_c() - c0));
          CHECK(l.shape.K == std::min(plan.k_chunk, c.K - k0));
          CHECK(l.shape.X == std::min(plan.x_chunk, c.gemm_x() - x0));
          CHECK(l.in_words <= cfg.in_depth);
          CHECK(l.wt_words <= cfg.wt_depth);
          CHECK(l.out_words <= cfg.out_depth);
          covered += std::int64_t{l.shape.C} * l.shape.K * l.shape.X;
          cycles += l.cycles;
          ++invocations;
        }
    CHECK(covered == c.gemm_c() * c.K * c.gemm_x());
    CHECK(invocations * c.N * c.G == plan.invocations);
    CHECK(cycles * static_cast<std::uint64_t>(c.N * c.G) == plan.array_cycles);
    std::int64_t counted = 0;
    for (const auto &sh : plan.shapes)
      counted += sh.count;
    CHECK(counted == plan.invocations);
    // Chunks are whole array tiles except the last.
    CHECK((plan.c_chunk % cfg.rows == 0 || plan.c_chunk == c.gemm_c()));
    CHECK((plan.k_chunk % cfg.cols == 0 || plan.k_chunk == c.K));
    const auto j = layer_plan_json(plan);
    CHECK(j["invocations"] == plan.invocations);
    CHECK(j["gemm"]["C"] == c.gemm_c());
    CHECK(j["tiling"]["accumulation"].get<std::string>().rfind(plan.c_chunks > 1 ? "host" : "none", 0) == 0);
  }
  // 300 rows of C' cannot fit 24-word weight banks at once: host accumulation.
  CHECK(plan_layer(cfg, conv_layer(sched::make_gemm("fc", 1, 70, 300))).c_chunks > 1);
  cfg.wt_depth = 3; // less than one 4-row tile
  CHECK_THROWS_WITH(plan_layer(cfg, conv_layer(sched::make_gemm("fc", 1, 4, 4))),
                    Catch::StartsWith("wt_depth: layer 'fc': wt_depth 3 holds less than one 4-row"));
}
