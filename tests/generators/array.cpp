#include "array_driver.h"
#include "harness.h"

#include <generators/array.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <random>

using namespace hcl::gen;
using gen_test::mask;
using gen_test::value;

namespace {

// The parameter points co-simulated: every preset at a non-square size (so a row/column
// mix-up cannot pass), all in one Verilator model.
ArrayConfig sized(const std::string &preset, int rows, int cols) {
  ArrayConfig c = array_preset(preset);
  c.rows = rows;
  c.cols = cols;
  return c;
}
const std::vector<std::pair<std::string, ArrayConfig>> &cosim_points() {
  static const std::vector<std::pair<std::string, ArrayConfig>> pts = {
      {"tpu", sized("tpu", 3, 4)},
      {"eyeriss", sized("eyeriss", 3, 4)},
      {"tree", sized("tree", 4, 3)},
      {"os", sized("output-stationary", 3, 4)},
      // A non-preset point: unsigned 4x5-bit operands, 2 product pipeline stages, inputs
      // broadcast along the rows while partial sums still flow down a chain (alpha 1, beta 0).
      {"wsp",
       [] {
         ArrayConfig c = sized("tpu", 2, 3);
         c.set("signed", "false");
         c.set("data_width", "4");
         c.set("weight_width", "5");
         c.set("acc_width", "12");
         c.set("pipeline_stages", "2");
         c.set("input_flow", "broadcast");
         return c;
       }()},
      // A custom mapping: C on rows, X on cols, so the inputs I[c][x] are unicast and held
      // stationary; weights are broadcast along rows and the outputs reduced by a tree.
      {"isx", [] {
         ArrayConfig c = sized("tpu", 3, 4);
         c.set("col_loops", "X");
         c.set("stationary", "input");
         c.set("weight_flow", "broadcast");
         c.set("reduce", "tree");
         return c;
       }()}};
  return pts;
}

hcl::flows::Simulator &array_sim() {
  static std::unique_ptr<hcl::flows::Simulator> sim;
  if (!sim) {
    std::vector<gen_test::Point> points;
    for (const auto &[prefix, cfg] : cosim_points())
      points.push_back(gen_test::point(prefix, Array{cfg}));
    sim = gen_test::simulate(gen_test::wrap_points("array_cosim", points));
  }
  return *sim;
}

const ArrayConfig &cfg_of(const std::string &prefix) {
  for (const auto &[p, c] : cosim_points())
    if (p == prefix)
      return c;
  throw std::logic_error(prefix);
}

using Matrix = std::vector<std::vector<std::int64_t>>;
Matrix random_matrix(std::mt19937_64 &rng, std::size_t n, std::size_t m, int width,
                     bool is_signed = true) {
  Matrix a(n, std::vector<std::int64_t>(m));
  for (auto &row : a)
    for (auto &v : row)
      v = value(rng(), width, is_signed);
  return a;
}

// The C++ reference: a plain matrix product O[k][p] = sum_c W[k][c] * I[c][p].
Matrix matmul(const Matrix &w, const Matrix &in) {
  Matrix o(w.size(), std::vector<std::int64_t>(in[0].size(), 0));
  for (std::size_t k = 0; k < w.size(); ++k)
    for (std::size_t p = 0; p < in[0].size(); ++p)
      for (std::size_t c = 0; c < in.size(); ++c)
        o[k][p] += w[k][c] * in[c][p];
  return o;
}

// Drives a weight-stationary array (rows = C, cols = K; tpu and tree presets) through two
// batches: W1 is loaded and swapped in, batch 1 streams while W2 loads into the shadow
// registers, the swap rides on batch 1's last cycle, and batch 2 follows without a gap.
void run_weight_stationary(const std::string &prefix) {
  auto &sim = array_sim();
  const ArrayConfig &c = cfg_of(prefix);
  const auto R = static_cast<std::size_t>(c.rows), K = static_cast<std::size_t>(c.cols);
  const std::string p = prefix + "_";
  std::mt19937_64 rng(prefix.size() * 31 + 7);
  const std::size_t P = 12;
  REQUIRE(P > static_cast<std::size_t>(plan_array(c).swap_to_load) + R);
  const bool sg = c.is_signed;
  const Matrix w1 = random_matrix(rng, K, R, c.weight_width, sg),
               w2 = random_matrix(rng, K, R, c.weight_width, sg);
  const Matrix i1 = random_matrix(rng, R, P, c.data_width, sg),
               i2 = random_matrix(rng, R, P, c.data_width, sg);
  Matrix o1 = matmul(w1, i1), o2 = matmul(w2, i2);
  for (Matrix *o : {&o1, &o2}) // the accumulator wraps at acc_width bits
    for (auto &row : *o)
      for (auto &v : row)
        v = gen_test::wrap(v, c.acc_width, sg);

  sim.reset(2);
  const auto idle = [&] {
    for (const auto &port : sim.ports())
      if (!port.output && port.name.rfind(p, 0) == 0)
        sim.poke(port.name, 0);
  };
  std::vector<std::vector<std::int64_t>> got; // one row of K outputs per out_valid
  const auto step = [&] {
    sim.step();
    if (sim.peek(p + "out_valid")) {
      std::vector<std::int64_t> row;
      for (std::size_t k = 0; k < K; ++k)
        row.push_back(value(sim.peek(p + "out_" + std::to_string(k)), c.acc_width, sg));
      got.push_back(row);
    }
  };
  // The load chain shifts down: the bottom row's weights go in first.
  const auto load_row = [&](const Matrix &w, std::size_t j) {
    sim.poke(p + "load", 1);
    for (std::size_t k = 0; k < K; ++k)
      sim.poke(p + "w_" + std::to_string(k), mask(w[k][R - 1 - j], c.weight_width));
  };
  idle();
  for (std::size_t j = 0; j < R; ++j) {
    load_row(w1, j);
    step();
  }
  idle();
  sim.poke(p + "swap", 1);
  step();
  for (std::size_t t = 0; t < 2 * P; ++t) {
    idle();
    const Matrix &in = t < P ? i1 : i2;
    for (std::size_t r = 0; r < R; ++r)
      sim.poke(p + "x_" + std::to_string(r), mask(in[r][t % P], c.data_width));
    sim.poke(p + "en", 1);
    // W2 loads into the shadow registers while batch 1 computes, once the skewed swap has
    // reached every PE (array.h: swap_to_load).
    const auto s2l = static_cast<std::size_t>(plan_array(c).swap_to_load);
    if (t >= s2l && t < s2l + R)
      load_row(w2, t - s2l);
    if (t == P - 1)
      sim.poke(p + "swap", 1);
    step();
  }
  idle();
  const auto latency = static_cast<std::size_t>(plan_array(c).latency);
  for (std::size_t i = 0; i < latency + 2; ++i)
    step();
  REQUIRE(got.size() == 2 * P);
  for (std::size_t t = 0; t < 2 * P; ++t)
    for (std::size_t k = 0; k < K; ++k) {
      INFO("iteration " << t << " output " << k);
      REQUIRE(got[t][k] == (t < P ? o1 : o2)[k][t % P]);
    }
}

} // namespace

TEST_CASE(
    "array: tpu preset computes two matrix products bit-exactly, double-buffered (Verilator)") {
  run_weight_stationary("tpu");
}

TEST_CASE(
    "array: unsigned, pipelined, broadcast-input variant computes matrix products (Verilator)") {
  run_weight_stationary("wsp");
}

TEST_CASE("array: input-stationary custom mapping (C x X) computes a 1x1 convolution (Verilator)") {
  auto &sim = array_sim();
  const ArrayConfig &c = cfg_of("isx");
  const std::string p = "isx_";
  const auto R = static_cast<std::size_t>(c.rows), X = static_cast<std::size_t>(c.cols);
  const std::size_t KO = 7; // output channels, streamed in time
  std::mt19937_64 rng(41);
  const Matrix w = random_matrix(rng, KO, R, c.weight_width);
  const Matrix img = random_matrix(rng, R, X, c.data_width);
  const Matrix ref = matmul(w, img); // O[k][x] = sum_c W[k][c] I[c][x]
  sim.reset(2);
  for (const auto &port : sim.ports())
    if (!port.output && port.name.rfind(p, 0) == 0)
      sim.poke(port.name, 0);
  for (std::size_t j = 0; j < R; ++j) { // inputs load down the columns, bottom row first
    sim.poke(p + "load", 1);
    for (std::size_t x = 0; x < X; ++x)
      sim.poke(p + "x_" + std::to_string(x), mask(img[R - 1 - j][x], c.data_width));
    sim.step();
  }
  sim.poke(p + "load", 0);
  sim.poke(p + "swap", 1);
  sim.step();
  sim.poke(p + "swap", 0);
  Matrix got;
  const auto step = [&] {
    sim.step();
    if (sim.peek(p + "out_valid")) {
      std::vector<std::int64_t> row;
      for (std::size_t x = 0; x < X; ++x)
        row.push_back(value(sim.peek(p + "out_" + std::to_string(x)), c.acc_width, true));
      got.push_back(row);
    }
  };
  for (std::size_t k = 0; k < KO; ++k) {
    for (std::size_t r = 0; r < R; ++r)
      sim.poke(p + "w_" + std::to_string(r), mask(w[k][r], c.weight_width));
    sim.poke(p + "en", 1);
    step();
  }
  sim.poke(p + "en", 0);
  for (int i = 0; i < plan_array(c).latency + 2; ++i)
    step();
  REQUIRE(got.size() == KO);
  for (std::size_t k = 0; k < KO; ++k)
    for (std::size_t x = 0; x < X; ++x) {
      INFO("output channel " << k << " column " << x);
      REQUIRE(got[k][x] == ref[k][x]);
    }
}

TEST_CASE("array: tree preset computes two matrix products bit-exactly (Verilator)") {
  run_weight_stationary("tree");
}

TEST_CASE("array: eyeriss preset computes a 2-D convolution bit-exactly (Verilator)") {
  auto &sim = array_sim();
  const ArrayConfig &c = cfg_of("eyeriss");
  const std::string p = "eyeriss_";
  const int FY = c.rows, Y = c.cols, FX = 3, X = 5;
  const int H = Y + FY - 1, Wd = X + FX - 1;
  std::mt19937_64 rng(11);
  const Matrix w = random_matrix(rng, static_cast<std::size_t>(FY), FX, c.weight_width);
  const Matrix in =
      random_matrix(rng, static_cast<std::size_t>(H), static_cast<std::size_t>(Wd), c.data_width);
  // The C++ reference convolution (valid padding, stride 1).
  Matrix ref(static_cast<std::size_t>(Y),
             std::vector<std::int64_t>(static_cast<std::size_t>(X), 0));
  for (int y = 0; y < Y; ++y)
    for (int x = 0; x < X; ++x)
      for (int fy = 0; fy < FY; ++fy)
        for (int fx = 0; fx < FX; ++fx)
          ref[y][x] +=
              w[fy][fx] * in[static_cast<std::size_t>(y + fy)][static_cast<std::size_t>(x + fx)];

  sim.reset(2);
  for (const auto &port : sim.ports())
    if (!port.output && port.name.rfind(p, 0) == 0)
      sim.poke(port.name, 0);
  Matrix got;
  const auto step = [&] {
    sim.step();
    if (sim.peek(p + "out_valid")) {
      std::vector<std::int64_t> row;
      for (int y = 0; y < Y; ++y)
        row.push_back(value(sim.peek(p + "out_" + std::to_string(y)), c.acc_width, true));
      got.push_back(row);
    }
  };
  for (int x = 0; x < X; ++x)
    for (int fx = 0; fx < FX; ++fx) {
      for (int fy = 0; fy < FY; ++fy) // filter row fy, broadcast along PE row fy
        sim.poke(p + "w_" + std::to_string(fy), mask(w[fy][fx], c.weight_width));
      for (int d = 0; d < H; ++d) // input row d, broadcast along the diagonal fy + y = d
        sim.poke(p + "x_" + std::to_string(d), mask(in[d][x + fx], c.data_width));
      sim.poke(p + "en", 1);
      sim.poke(p + "first", fx == 0);
      sim.poke(p + "last", fx == FX - 1);
      step();
    }
  sim.poke(p + "en", 0);
  for (int i = 0; i < plan_array(c).latency + 2; ++i)
    step();
  REQUIRE(got.size() == static_cast<std::size_t>(X));
  for (int x = 0; x < X; ++x)
    for (int y = 0; y < Y; ++y) {
      INFO("output row " << y << " column " << x);
      REQUIRE(got[x][y] == ref[y][x]);
    }
}

TEST_CASE("array: output-stationary preset computes a multi-channel 1-D convolution bit-exactly "
          "(Verilator)") {
  auto &sim = array_sim();
  const ArrayConfig &c = cfg_of("os");
  const std::string p = "os_";
  const int K = c.rows, X = c.cols, C = 2, FX = 3;
  sim.reset(2);
  for (const auto &port : sim.ports())
    if (!port.output && port.name.rfind(p, 0) == 0)
      sim.poke(port.name, 0);
  std::mt19937_64 rng(23);
  for (int run = 0; run < 2; ++run) { // the drain leaves zeros: a second run needs no reset
    std::vector<Matrix> w(static_cast<std::size_t>(K)), in;
    for (auto &wk : w)
      wk = random_matrix(rng, C, FX, c.weight_width);
    const Matrix img = random_matrix(rng, C, static_cast<std::size_t>(X + FX - 1), c.data_width);
    Matrix ref(static_cast<std::size_t>(K),
               std::vector<std::int64_t>(static_cast<std::size_t>(X), 0));
    for (int k = 0; k < K; ++k)
      for (int x = 0; x < X; ++x)
        for (int ch = 0; ch < C; ++ch)
          for (int fx = 0; fx < FX; ++fx)
            ref[k][x] += w[k][ch][fx] * img[ch][x + fx];
    for (int ch = 0; ch < C; ++ch)
      for (int fx = 0; fx < FX; ++fx) {
        for (int k = 0; k < K; ++k) // weights move right along row k
          sim.poke(p + "w_" + std::to_string(k), mask(w[k][ch][fx], c.weight_width));
        for (int x = 0; x < X; ++x) // inputs move down column x
          sim.poke(p + "x_" + std::to_string(x), mask(img[ch][x + fx], c.data_width));
        sim.poke(p + "en", 1);
        sim.step();
      }
    sim.poke(p + "en", 0);
    sim.step(static_cast<std::uint64_t>(plan_array(c).drain_wait));
    for (int j = 0; j < K; ++j) { // bottom row first
      for (int x = 0; x < X; ++x) {
        INFO("run " << run << " output channel " << K - 1 - j << " column " << x);
        REQUIRE(value(sim.peek(p + "out_" + std::to_string(x)), c.acc_width, true) ==
                ref[K - 1 - j][x]);
      }
      sim.poke(p + "drain", 1);
      sim.step();
      sim.poke(p + "drain", 0);
    }
  }
}

namespace {

// Mappings beyond the presets, co-simulated through the generic convolution driver
// (array_driver.h) in a second Verilator model. Each point with the problem it runs; the
// unrolled loops take their bounds from the array.
struct MappingPoint {
  std::string prefix;
  ArrayConfig cfg;
  array_test::Problem problem;
};

ArrayConfig mapping(int rows, int cols,
                    const std::vector<std::pair<std::string, std::string>> &sets,
                    const std::string &preset = "tpu") {
  ArrayConfig c = sized(preset, rows, cols);
  for (const auto &[k, v] : sets)
    c.set(k, v);
  return c;
}

array_test::Problem problem(std::vector<std::pair<Loop, int>> temporal) {
  array_test::Problem pb;
  for (auto [l, n] : temporal) {
    pb.size[array_test::li(l)] = n;
    pb.temporal.push_back(l);
  }
  return pb;
}

const std::vector<MappingPoint> &mapping_points() {
  static const std::vector<MappingPoint> pts = {
      // Outputs reduced across the columns (the reduction loop on cols), leaving at row ends.
      // Transposed TPU: K x C, weights stationary, inputs forwarded down the columns, a
      // systolic chain along each row (alpha 1, beta 1).
      {"kc", mapping(3, 4, {{"row_loops", "K"}, {"col_loops", "C"}}), problem({{Loop::X, 7}})},
      // K x (C, FX): a 1-D convolution with two loops on the columns; inputs broadcast down
      // the columns, an adder tree per row; unsigned, one product pipeline stage.
      {"kcfx",
       mapping(2, 6,
               {{"row_loops", "K"},
                {"col_loops", "C:2,FX:3"},
                {"input_flow", "broadcast"},
                {"reduce", "tree"},
                {"signed", "false"},
                {"data_width", "5"},
                {"weight_width", "6"},
                {"acc_width", "16"},
                {"pipeline_stages", "1"}}),
       problem({{Loop::X, 5}})},
      // Eyeriss transposed: Y x FY, diagonal inputs, weights forwarded down the columns, a
      // chain along the rows (alpha = beta = 1, so the diagonals are skewed too), FX and the
      // edge accumulators in time.
      {"yfy",
       mapping(4, 3,
               {{"row_loops", "Y"},
                {"col_loops", "FY"},
                {"weight_flow", "systolic"},
                {"reduce", "chain"}},
               "eyeriss"),
       problem({{Loop::X, 3}, {Loop::FX, 3}})},
      // N x C: inputs I[n][c] stationary (single-buffered), weights forwarded down the
      // columns, an adder tree per row; output channels K in time.
      {"nc",
       mapping(3, 3,
               {{"row_loops", "N"},
                {"col_loops", "C"},
                {"stationary", "input"},
                {"double_buffer", "false"},
                {"weight_flow", "systolic"},
                {"input_flow", "broadcast"},
                {"reduce", "tree"}}),
       problem({{Loop::K, 5}})},
      // Two loops on one dimension (replication).
      // (C, FX) x K: the TPU running a 1-D convolution, X in time.
      {"cfxk", mapping(4, 3, {{"row_loops", "C:2,FX:2"}}), problem({{Loop::X, 6}})},
      // K x (Y, X): output stationary over a 2-D output tile; C, FY, FX in time.
      {"kyx", mapping(2, 6, {{"row_loops", "K"}, {"col_loops", "Y:2,X:3"}}, "output-stationary"),
       problem({{Loop::C, 2}, {Loop::FY, 2}, {Loop::FX, 2}})},
      // (C, FY) x (N, X): inputs stationary, weights broadcast along the rows, a chain down
      // the columns (alpha 1, beta 0); output channels K in time.
      {"cfynx",
       mapping(4, 4,
               {{"row_loops", "C:2,FY:2"},
                {"col_loops", "N:2,X:2"},
                {"stationary", "input"},
                {"weight_flow", "broadcast"},
                {"reduce", "chain"}}),
       problem({{Loop::K, 4}})}};
  return pts;
}

hcl::flows::Simulator &mapping_sim() {
  static std::unique_ptr<hcl::flows::Simulator> sim;
  if (!sim) {
    std::vector<gen_test::Point> points;
    for (const auto &m : mapping_points())
      points.push_back(gen_test::point(m.prefix, Array{m.cfg}));
    sim = gen_test::simulate(gen_test::wrap_points("array_mappings", points));
  }
  return *sim;
}

void run_point(const std::string &prefix) {
  for (const auto &m : mapping_points())
    if (m.prefix == prefix) {
      for (std::uint64_t seed : {1u, 2u, 3u}) // fresh random data, same model
        array_test::run_mapping(mapping_sim(), prefix, m.cfg, m.problem,
                                seed * 977 + prefix.size());
      return;
    }
  FAIL("no mapping point " << prefix);
}

} // namespace

TEST_CASE("array: outputs reduced along the rows compute convolutions bit-exactly (Verilator)") {
  for (const char *p : {"kc", "kcfx", "yfy", "nc"}) {
    INFO(p);
    run_point(p);
  }
}

// kcfx above also holds two loops on its columns.
TEST_CASE("array: two loops on one dimension compute convolutions bit-exactly (Verilator)") {
  for (const char *p : {"cfxk", "kyx", "cfynx"}) {
    INFO(p);
    run_point(p);
  }
}

namespace {

// The seed paper's X|Y and FX|FY dataflows and other mappings that need per-PE operand lanes
// (a tensor independent of both dimensions makes the other two depend on both), in a third
// Verilator model.
const std::vector<MappingPoint> &both_points() {
  static const std::vector<MappingPoint> pts = {
      // X|Y: Y on rows, X on cols, outputs stationary, one weight broadcast to every PE, one
      // input lane per PE; C, FY, FX in time.
      {"xyb", sized("xy", 3, 4), problem({{Loop::C, 2}, {Loop::FY, 3}, {Loop::FX, 2}})},
      // X|Y with the weight forwarded along row 0 and down every column (alpha = beta = 1, so
      // the per-PE input lanes are skewed by r + c); unsigned, one product pipeline stage.
      {"xys",
       mapping(4, 3,
               {{"weight_flow", "systolic"},
                {"signed", "false"},
                {"data_width", "5"},
                {"weight_width", "6"},
                {"acc_width", "16"},
                {"pipeline_stages", "1"}},
               "xy"),
       problem({{Loop::C, 2}, {Loop::FY, 2}, {Loop::FX, 3}})},
      // FX|FY: FY on rows, FX on cols, weights stationary (double buffered), per-PE input
      // lanes, one adder tree over all PEs; Y, X in time.
      {"fxfyt", sized("fxfy", 2, 3), problem({{Loop::Y, 3}, {Loop::X, 4}})},
      // FX|FY with both operands unicast (nothing stationary) and one chain through every PE
      // (alpha 1, beta rows); channels C in time, summed by the edge accumulator.
      {"fxfyc",
       mapping(3, 2,
               {{"stationary", "none"},
                {"reduce", "chain"},
                {"edge_accumulate", "true"},
                {"signed", "false"},
                {"data_width", "5"},
                {"weight_width", "6"},
                {"acc_width", "18"},
                {"pipeline_stages", "1"}},
               "fxfy"),
       problem({{Loop::Y, 2}, {Loop::X, 3}, {Loop::C, 2}})},
      // (C, FY) x FX: two reduction loops on the rows, weights stationary, one chain whose
      // skewed swap reaches PE (r, c) after r + 4c cycles.
      {"cfyfx", mapping(4, 2, {{"row_loops", "C:2,FY:2"}, {"reduce", "chain"}}, "fxfy"),
       problem({{Loop::Y, 2}, {Loop::X, 3}})},
      // The TPU's C x K with nothing stationary: per-PE weight lanes skewed by r + c next to
      // systolic inputs and the chain; X in time.
      {"cku", mapping(3, 4, {{"stationary", "none"}}), problem({{Loop::X, 5}})}};
  return pts;
}

hcl::flows::Simulator &both_sim() {
  static std::unique_ptr<hcl::flows::Simulator> sim;
  if (!sim) {
    std::vector<gen_test::Point> points;
    for (const auto &m : both_points())
      points.push_back(gen_test::point(m.prefix, Array{m.cfg}));
    sim = gen_test::simulate(gen_test::wrap_points("array_unicast", points));
  }
  return *sim;
}

void run_both(const std::string &prefix) {
  for (const auto &m : both_points())
    if (m.prefix == prefix) {
      for (std::uint64_t seed : {11u, 12u, 13u, 14u}) // fresh random data, same model
        array_test::run_mapping(both_sim(), prefix, m.cfg, m.problem, seed * 131 + prefix.size());
      return;
    }
  FAIL("no mapping point " << prefix);
}

} // namespace

TEST_CASE("array: X|Y (weights shared by all PEs, per-PE inputs) computes convolutions "
          "bit-exactly (Verilator)") {
  for (const char *p : {"xyb", "xys"}) {
    INFO(p);
    run_both(p);
  }
}

TEST_CASE("array: FX|FY (outputs reduced over all PEs, per-PE inputs) computes convolutions "
          "bit-exactly (Verilator)") {
  for (const char *p : {"fxfyt", "fxfyc", "cfyfx"}) {
    INFO(p);
    run_both(p);
  }
}

TEST_CASE("array: per-PE weight lanes next to shared inputs compute a matrix product "
          "(Verilator)") {
  run_both("cku");
}
