#include <flows/errors.h>
#include <flows/sim.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using hcl::flows::Simulator;

namespace {
const fs::path data_dir = fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data";

// The reference the Verilog accumulator must match: the same behaviour written in plain C++.
struct AccumulatorModel {
  std::uint16_t total = 0;
  void clock(bool rst, bool en, std::uint8_t d) {
    if (rst) {
      total = 0;
    } else if (en) {
      total = static_cast<std::uint16_t>(total + d);
    }
  }
};
} // namespace

TEST_CASE("accumulator matches the C++ model over 10000 random cycles") {
  Simulator sim({data_dir / "accumulator.v"}, "accumulator");
  sim.reset(2);
  REQUIRE(sim.peek("total") == 0);
  AccumulatorModel model;
  std::mt19937 rng(1234);
  const auto rst = sim.port("rst");
  const auto en = sim.port("en");
  const auto d = sim.port("d");
  const auto total = sim.port("total");
  const auto level = sim.port("level");
  for (int cycle = 0; cycle < 10000; ++cycle) {
    const bool r = rng() % 500 == 0;
    const bool e = rng() % 4 != 0;
    const auto v = static_cast<std::uint8_t>(rng());
    sim.poke(rst, r);
    sim.poke(en, e);
    sim.poke(d, v);
    sim.step();
    model.clock(r, e, v);
    INFO("cycle " << cycle);
    REQUIRE(sim.peek(total) == model.total);
    REQUIRE(sim.peek(level) == (model.total >> 15));
  }
  CHECK(sim.cycle() == 10002);
}

TEST_CASE("ports wider than 64 bits poke and peek as word vectors") {
  hcl::flows::SimOptions opts;
  opts.reset = "";
  Simulator sim({data_dir / "wide_pipe.v"}, "wide_pipe", opts);
  const std::vector<std::uint32_t> a = {0xffffffffu, 0x00000001u, 0x80000000u, 0xfu};
  const std::vector<std::uint32_t> b = {0x00000001u, 0, 0, 0};
  sim.poke_words("a", a);
  sim.poke_words("b", b);
  // Combinational: visible without a clock edge. 0xffffffff + 1 carries into word 1.
  CHECK(sim.peek_words("sum") == std::vector<std::uint32_t>{0, 2, 0x80000000u, 0xfu});
  sim.step();
  // Rotate left by one over 100 bits: bit 99 (set, in word 3) wraps to bit 0, bit 31 of each
  // word carries into the next, and bit 3 of word 3 falls off the 100-bit top.
  CHECK(sim.peek_words("q") == std::vector<std::uint32_t>{0xffffffffu, 0x3u, 0x0u, 0xfu});
  CHECK_THROWS_AS(sim.peek("q"), hcl::flows::UsageError);
  // Bit 100 does not exist.
  CHECK_THROWS_AS(sim.poke_words("a", {0, 0, 0, 0x10}), hcl::flows::UsageError);
}

TEST_CASE("simulator rejects unknown ports, poking outputs and oversized values") {
  Simulator sim({data_dir / "accumulator.v"}, "accumulator");
  try {
    (void)sim.port("nope");
    FAIL("expected UsageError");
  } catch (const hcl::flows::UsageError &e) {
    CHECK_THAT(e.what(), Catch::Contains("no port 'nope'") && Catch::Contains("in d[8]"));
  }
  CHECK_THROWS_AS(sim.poke("total", 1), hcl::flows::UsageError);
  CHECK_THROWS_AS(sim.poke("d", 256), hcl::flows::UsageError);
  hcl::flows::SimOptions opts;
  opts.clock = "clock";
  CHECK_THROWS_WITH(Simulator({data_dir / "accumulator.v"}, "accumulator", opts),
                    Catch::Contains("no clock input 'clock'"));
}

TEST_CASE("simulator writes a VCD trace when asked") {
  const auto vcd = fs::temp_directory_path() / ("hcl-sim-" + std::to_string(::getpid()) + ".vcd");
  {
    hcl::flows::SimOptions opts;
    opts.vcd = vcd;
    Simulator sim({data_dir / "accumulator.v"}, "accumulator", opts);
    sim.reset();
    sim.poke("en", 1);
    sim.poke("d", 3);
    sim.step(4);
    CHECK(sim.peek("total") == 12);
  }
  std::ifstream in(vcd);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(vcd);
  CHECK_THAT(ss.str(),
             Catch::Contains("$var") && Catch::Contains("total") && Catch::Contains("#9"));
}

TEST_CASE("the reference MAC array computes a 4x4 matrix product") {
  // bench/reference/mac_array.v is the generators' hand-written area reference; this checks
  // that it is also functionally right, against a plain C++ product.
  const fs::path ref = fs::path(HCL_SOURCE_DIR) / "bench" / "reference";
  Simulator sim({ref / "mac_array.v", ref / "mac_pe.v"}, "mac_array");
  constexpr int n = 4, k = 6;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> d(-128, 127);
  int a[n][k], b[k][n];
  for (auto &row : a) {
    for (auto &v : row)
      v = d(rng);
  }
  for (auto &row : b) {
    for (auto &v : row)
      v = d(rng);
  }
  sim.reset();
  sim.poke("en", 1);
  // Row i and column j enter i and j cycles late (the skew of a systolic array).
  for (int t = 0; t < k + 2 * n - 2; ++t) {
    std::uint32_t ain = 0, bin = 0;
    for (int i = 0; i < n; ++i) {
      if (t - i >= 0 && t - i < k) {
        ain |= static_cast<std::uint32_t>(a[i][t - i] & 0xff) << (8 * i);
        bin |= static_cast<std::uint32_t>(b[t - i][i] & 0xff) << (8 * i);
      }
    }
    sim.poke("a_in", ain);
    sim.poke("b_in", bin);
    sim.step();
  }
  sim.poke("en", 0);
  sim.poke("drain", 1);
  // The drain chain shows PE(n-1,n-1) first and PE(0,0) last.
  for (int idx = n * n - 1; idx >= 0; --idx) {
    const int i = idx / n, j = idx % n;
    std::int32_t want = 0;
    for (int x = 0; x < k; ++x)
      want += a[i][x] * b[x][j];
    INFO("PE(" << i << "," << j << ")");
    CHECK(static_cast<std::int32_t>(sim.peek("out_data")) == want);
    sim.step();
  }
}
