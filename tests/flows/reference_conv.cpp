#include <flows/reference_conv.h>

#include <catch2/catch.hpp>

using namespace hcl::flows;

TEST_CASE("reference_conv: hand-computed cases: stride, wrap-around, dilation") {
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
