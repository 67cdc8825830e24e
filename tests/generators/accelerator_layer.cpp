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
// addr_width; accelerator.h: the stream controller's step 0 swaps and step s >= 1 streams
// column s - 1, its accumulate generator is non-zero after the first reduction tile; the load
// controller's step j loads the row the column chains need next, bottom row first). Every
// step is checked against the layout functions by brute force.
struct Walk {
  std::vector<std::uint64_t> bound;             // per level, 0 read as 1
  std::vector<std::vector<std::uint64_t>> addr; // per iteration (level 0 fastest), per gen
  std::vector<std::vector<std::uint64_t>> idx;  // per iteration, per level
};
Walk walk(const ControllerConfig &c, int reg_base, const std::map<int, std::uint64_t> &reg) {
  Walk w;
  const std::uint64_t m = (std::uint64_t{1} << c.addr_width) - 1;
  std::uint64_t total = 1;
  for (int lv = 0; lv < c.levels; ++lv) {
    const std::uint64_t b = reg.at(reg_base + c.bound_reg(lv));
    w.bound.push_back(b == 0 ? 1 : b);
    total *= w.bound.back();
  }
  for (std::uint64_t i = 0; i < total; ++i) {
    std::vector<std::uint64_t> idx;
    std::uint64_t rest = i;
    for (int lv = 0; lv < c.levels; ++lv) {
      idx.push_back(rest % w.bound[static_cast<std::size_t>(lv)]);
      rest /= w.bound[static_cast<std::size_t>(lv)];
    }
    std::vector<std::uint64_t> a;
    for (int g = 0; g < c.addr_gens; ++g) {
      std::uint64_t v = reg.at(reg_base + c.base_reg(g));
      for (int lv = 0; lv < c.levels; ++lv)
        v += reg.at(reg_base + c.stride_reg(g, lv)) * idx[static_cast<std::size_t>(lv)];
      a.push_back(v & m);
    }
    w.idx.push_back(idx);
    w.addr.push_back(a);
  }
  return w;
}

void replay(const AcceleratorConfig &cfg, const LayerConfig &l) {
  const AcceleratorPlan p = plan_accelerator(cfg);
  const int R = cfg.rows, K = cfg.cols;
  std::map<int, std::uint64_t> reg;
  for (const auto &[a, v] : l.writes)
    reg[a] = v;
  REQUIRE(static_cast<int>(reg.size()) == p.registers()); // every register written
  const Walk ld = walk(p.load, p.load_base, reg);
  const Walk st = walk(p.stream, 0, reg);
  const std::vector<std::uint64_t> tiles = {static_cast<std::uint64_t>(l.c_tiles),
                                            static_cast<std::uint64_t>(l.k_tiles)};
  CHECK(std::vector<std::uint64_t>(ld.bound.begin() + 1, ld.bound.end()) == tiles);
  CHECK(std::vector<std::uint64_t>(st.bound.begin() + 1, st.bound.end()) == tiles);
  CHECK(ld.bound[0] == static_cast<std::uint64_t>(R));
  CHECK(st.bound[0] == static_cast<std::uint64_t>(l.shape.X) + 1);
  // Loads: row step j of tile (kt, ct) reads, in column bank k, W[kt*K + k][ct*R + R-1-j].
  for (std::size_t i = 0; i < ld.idx.size(); ++i) {
    const auto &ix = ld.idx[i];
    const int c = static_cast<int>(ix[1]) * R + (R - 1 - static_cast<int>(ix[0]));
    for (int k = 0; k < K; ++k) {
      const Slot want = l.weight(static_cast<int>(ix[2]) * K + k, c);
      CHECK(want.bank == k);
      CHECK(static_cast<int>(ld.addr[i][kGenWeight]) == want.addr);
      CHECK(want.addr < l.wt_words);
    }
  }
  // Stream: column x = step - 1 of tile (kt, ct) reads I[ct*R + r][x] in row bank r and
  // writes O[kt*K + k][x] in column bank k, adding to it after the first reduction tile.
  std::set<std::pair<int, int>> outputs_written;
  for (std::size_t i = 0; i < st.idx.size(); ++i) {
    const auto &ix = st.idx[i];
    CHECK((st.addr[i][kGenAccumulate] != 0) == (ix[1] != 0));
    if (ix[0] == 0)
      continue; // the swap step
    const int x = static_cast<int>(ix[0]) - 1, ct = static_cast<int>(ix[1]),
              kt = static_cast<int>(ix[2]);
    for (int r = 0; r < R; ++r) {
      const Slot want = l.input(ct * R + r, x);
      CHECK(want.bank == r);
      CHECK(static_cast<int>(st.addr[i][kGenInput]) == want.addr);
      CHECK(want.addr < l.in_words);
    }
    for (int k = 0; k < K; ++k) {
      const Slot want = l.output(kt * K + k, x);
      CHECK(want.bank == k);
      CHECK(static_cast<int>(st.addr[i][kGenOutput]) == want.addr);
      CHECK(want.addr < l.out_words);
      if (ct + 1 == l.c_tiles && kt * K + k < l.shape.K)
        outputs_written.insert({kt * K + k, x});
    }
  }
  CHECK(outputs_written.size() == static_cast<std::size_t>(l.shape.K * l.shape.X));
  // Distinct tensor elements never share a word.
  std::set<std::pair<int, int>> in, wt, out;
  for (int c = 0; c < l.c_tiles * R; ++c)
    for (int x = 0; x < l.shape.X; ++x) {
      const Slot s = l.input(c, x);
      CHECK(in.insert({s.bank, s.addr}).second);
    }
  for (int k = 0; k < l.k_tiles * K; ++k)
    for (int c = 0; c < l.c_tiles * R; ++c) {
      const Slot s = l.weight(k, c);
      CHECK(wt.insert({s.bank, s.addr}).second);
    }
  for (int k = 0; k < l.k_tiles * K; ++k)
    for (int x = 0; x < l.shape.X; ++x) {
      const Slot s = l.output(k, x);
      CHECK(out.insert({s.bank, s.addr}).second);
    }
}

} // namespace

TEST_CASE("accelerator_layer: parse_layer reads C, K, X and a name, errors name --layer") {
  const LayerShape s = parse_layer("C=64,K=32,X=49,name=conv3");
  CHECK(s.C == 64);
  CHECK(s.K == 32);
  CHECK(s.X == 49);
  CHECK(s.name == "conv3");
  CHECK_THROWS_WITH(parse_layer("C=1,K=2"), Catch::StartsWith("--layer: needs all of C, K and X"));
  CHECK_THROWS_WITH(parse_layer("C=1,K=2,Y=3"), Catch::StartsWith("--layer: unknown field 'Y'"));
  CHECK_THROWS_WITH(parse_layer("C=0,K=2,X=3"), Catch::StartsWith("C: must be in [1, 16777216]"));
  CHECK_THROWS_WITH(parse_layer("C=1,K=2,X=3,name=../x"),
                    Catch::StartsWith("--layer name: \"../x\" cannot be a file name"));
  CHECK_THROWS_AS(parse_layer("C"), ConfigError);
}

TEST_CASE("accelerator_layer: layers that do not fit name C, K or X and give the limit") {
  AcceleratorConfig c; // 4x4, 256-word buffers
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
  CHECK(ok.file_stem() == "c16_k16_x60");
  const auto j = ok.to_json();
  CHECK(j["registers"].size() == 22);
  CHECK(j["registers"][0]["name"] == "bound_step");
  CHECK(j["registers"][0]["value"] == 60 + 1);
}

TEST_CASE("accelerator_layer: register values walk exactly the documented layouts") {
  std::vector<AcceleratorConfig> cfgs(3);
  cfgs[1].rows = 3;
  cfgs[1].cols = 5;
  cfgs[1].in_depth = 50;
  cfgs[1].wt_depth = 100;
  cfgs[1].out_depth = 70;
  cfgs[2] = accelerator_preset("tree"); // swap_to_load 0
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
