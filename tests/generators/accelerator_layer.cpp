#include "harness.h"

#include <generators/accelerator.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace hcl::gen;

namespace {

// What the hardware does with a layer's register values, replayed in C++ from the documented
// semantics alone (controller.h: level 0 innermost, bound 0 counts as 1, addresses wrap at
// addr_width; accelerator.h: phase < rows loads, == rows swaps, > rows streams; the accumulate
// generator is non-zero after the first reduction tile). Every step is checked against the
// layout functions by brute force: the weight row a load step reads must be the one the load
// chain needs next, each stream step must read I[c][x] for every row lane and write O[k][x]
// of every column lane to where output() says.
void replay(const AcceleratorConfig &cfg, const LayerConfig &l) {
  const AcceleratorPlan p = plan_accelerator(cfg);
  const int R = cfg.rows, K = cfg.cols;
  std::map<int, std::uint64_t> reg;
  for (const auto &[a, v] : l.writes)
    reg[a] = v;
  REQUIRE(static_cast<int>(reg.size()) == p.ctrl.config_registers()); // every register written
  const std::uint64_t m = (std::uint64_t{1} << p.ctrl.addr_width) - 1;
  std::uint64_t n[3];
  for (int lv = 0; lv < 3; ++lv)
    n[lv] = reg[p.bound_reg(lv)] == 0 ? 1 : reg[p.bound_reg(lv)];
  CHECK(n[1] == static_cast<std::uint64_t>(l.c_tiles));
  CHECK(n[2] == static_cast<std::uint64_t>(l.k_tiles));
  std::set<std::pair<int, int>> outputs_written; // (k, x) with x < X, k < K, final tile
  for (std::uint64_t kt = 0; kt < n[2]; ++kt)
    for (std::uint64_t ct = 0; ct < n[1]; ++ct)
      for (std::uint64_t s = 0; s < n[0]; ++s) {
        const std::uint64_t idx[3] = {s, ct, kt};
        std::uint64_t a[kAccelGens];
        for (int g = 0; g < kAccelGens; ++g) {
          a[g] = reg[p.base_reg(g)];
          for (int lv = 0; lv < 3; ++lv)
            a[g] += reg[p.stride_reg(g, lv)] * idx[lv];
          a[g] &= m;
        }
        const auto step = static_cast<int>(a[kGenPhase]);
        CHECK(step == static_cast<int>(s));
        CHECK((a[kGenAccumulate] != 0) == (ct != 0));
        if (step < R) {
          // Load j feeds the bottom of the chain first: row R-1-j of tile (kt, ct).
          const int c = static_cast<int>(ct) * R + (R - 1 - step);
          for (int k = 0; k < K; ++k) {
            const Slot want = l.weight(static_cast<int>(kt) * K + k, c);
            CHECK(want.bank == k);
            CHECK(static_cast<int>(a[kGenWeight]) == want.addr);
            CHECK(want.addr < l.wt_words);
          }
        } else if (step > R) {
          const int x = step - R - 1;
          REQUIRE(x < l.x_padded);
          for (int r = 0; r < R; ++r) {
            const Slot want = l.input(static_cast<int>(ct) * R + r, x);
            CHECK(want.bank == r);
            CHECK(static_cast<int>(a[kGenInput]) == want.addr);
            CHECK(want.addr < l.in_words);
          }
          for (int k = 0; k < K; ++k) {
            const Slot want = l.output(static_cast<int>(kt) * K + k, x);
            CHECK(want.bank == k);
            CHECK(static_cast<int>(a[kGenOutput]) == want.addr);
            CHECK(want.addr < l.out_words);
            const int kk = static_cast<int>(kt) * K + k;
            if (ct + 1 == n[1] && kk < l.shape.K && x < l.shape.X)
              outputs_written.insert({kk, x});
          }
        }
      }
  CHECK(outputs_written.size() == static_cast<std::size_t>(l.shape.K * l.shape.X));
  // Distinct tensor elements never share a word.
  std::set<std::pair<int, int>> in, wt, out;
  for (int c = 0; c < l.c_tiles * R; ++c)
    for (int x = 0; x < l.x_padded; ++x) {
      const Slot s = l.input(c, x);
      CHECK(in.insert({s.bank, s.addr}).second);
    }
  for (int k = 0; k < l.k_tiles * K; ++k)
    for (int c = 0; c < l.c_tiles * R; ++c) {
      const Slot s = l.weight(k, c);
      CHECK(wt.insert({s.bank, s.addr}).second);
    }
  for (int k = 0; k < l.k_tiles * K; ++k)
    for (int x = 0; x < l.x_padded; ++x) {
      const Slot s = l.output(k, x);
      CHECK(out.insert({s.bank, s.addr}).second);
    }
}

} // namespace

TEST_CASE("accelerator_layer: parse_layer reads C, K, X and a name; errors name --layer") {
  const LayerShape s = parse_layer("C=64,K=32,X=49,name=conv3");
  CHECK(s.C == 64);
  CHECK(s.K == 32);
  CHECK(s.X == 49);
  CHECK(s.name == "conv3");
  CHECK_THROWS_WITH(parse_layer("C=1,K=2"), Catch::StartsWith("--layer: needs all of C, K and X"));
  CHECK_THROWS_WITH(parse_layer("C=1,K=2,Y=3"), Catch::StartsWith("--layer: unknown field 'Y'"));
  CHECK_THROWS_WITH(parse_layer("C=0,K=2,X=3"), Catch::StartsWith("C: must be in [1, 16777216]"));
  CHECK_THROWS_WITH(parse_layer("C=1,K=2,X=3,name=../x"),
                    Catch::StartsWith("--layer: name must be a plain file name"));
  CHECK_THROWS_AS(parse_layer("C"), ConfigError);
}

TEST_CASE("accelerator_layer: layers that do not fit name C, K or X and give the limit") {
  AcceleratorConfig c; // 4x4, 256-word buffers, min_stream 6
  CHECK_THROWS_WITH(configure_layer(c, {"", 4, 4, 257}),
                    Catch::StartsWith("X: the layer needs ceil(C/4) * 257 = 257 input words"));
  CHECK_THROWS_WITH(configure_layer(c, {"", 9, 4, 100}),
                    Catch::StartsWith("C: the layer needs ceil(C/4) * 100 = 300 input words"));
  CHECK_THROWS_WITH(configure_layer(c, {"", 64, 80, 6}),
                    Catch::StartsWith("K: the layer needs ceil(K/4) * ceil(C/4) * 4 = 1280"));
  CHECK_THROWS_WITH(configure_layer(c, {"", 4, 200, 6}),
                    Catch::StartsWith("K: the layer needs ceil(K/4) * 6 = 300 output words"));
  CHECK_THROWS_WITH(configure_layer(c, {"", 4, 0, 6}), Catch::StartsWith("K: must be >= 1"));
  const LayerConfig ok = configure_layer(c, {"", 16, 16, 60});
  CHECK(ok.c_tiles == 4);
  CHECK(ok.k_tiles == 4);
  CHECK(ok.x_padded == 60);
  CHECK(ok.file_stem() == "c16_k16_x60");
  const auto j = ok.to_json();
  CHECK(j["registers"].size() == 23);
  CHECK(j["registers"][0]["name"] == "bound_step");
  CHECK(j["registers"][0]["value"] == 4 + 1 + 60);
}

TEST_CASE("accelerator_layer: register values walk exactly the documented layouts") {
  std::vector<AcceleratorConfig> cfgs(3);
  cfgs[1].rows = 3;
  cfgs[1].cols = 5;
  cfgs[1].in_depth = 50;
  cfgs[1].wt_depth = 100;
  cfgs[1].out_depth = 70;
  cfgs[2] = accelerator_preset("tree"); // min_stream 1: no padding
  cfgs[2].rows = 1;
  cfgs[2].cols = 2;
  cfgs[2].in_depth = 2;
  cfgs[2].wt_depth = 4;
  cfgs[2].out_depth = 4;
  const std::vector<std::vector<LayerShape>> shapes = {
      {{"", 4, 4, 6}, {"", 9, 7, 1}, {"", 16, 16, 16}, {"", 1, 13, 19}},
      {{"", 7, 11, 9}, {"", 3, 5, 2}, {"", 10, 1, 5}},
      {{"", 2, 3, 1}, {"", 1, 4, 1}, {"", 1, 1, 2}}};
  for (std::size_t i = 0; i < cfgs.size(); ++i)
    for (const auto &s : shapes[i]) {
      INFO("config " << i << " C=" << s.C << " K=" << s.K << " X=" << s.X);
      replay(cfgs[i], configure_layer(cfgs[i], s));
    }
}
