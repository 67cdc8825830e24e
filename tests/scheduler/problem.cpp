#include <scheduler/problem.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

TEST_CASE("conv2d problem: dims, MACs, relevance") {
  ConvShape s;
  s.name = "res3x3";
  s.N = 1, s.K = 64, s.C = 64, s.P = 56, s.Q = 56, s.R = 3, s.S = 3;
  const Problem p = make_conv2d(s);
  REQUIRE(p.dim_names == std::vector<std::string>{"R", "S", "P", "Q", "C", "K", "N"});
  CHECK(p.dim_index("K") == 5);
  CHECK(p.dim_index("G") == -1);
  CHECK(p.macs() == 64LL * 64 * 56 * 56 * 9);
  const int R = p.dim_index("R"), K = p.dim_index("K"), C = p.dim_index("C"), P = p.dim_index("P"),
            N = p.dim_index("N");
  CHECK(p.relevant(0, K));
  CHECK_FALSE(p.relevant(0, P));
  CHECK(p.relevant(1, R)); // inputs depend on R through the window
  CHECK_FALSE(p.relevant(1, K));
  CHECK(p.relevant(2, N));
  CHECK_FALSE(p.relevant(2, C));
  CHECK(p.tensors[2].read_write);
  CHECK_FALSE(p.tensors[0].read_write);
}

TEST_CASE("tensor sizes include the input halo") {
  ConvShape s;
  s.N = 2, s.K = 8, s.C = 4, s.P = 10, s.Q = 6, s.R = 3, s.S = 5, s.stride_h = 2;
  const Problem p = make_conv2d(s);
  CHECK(p.tensor_size(0) == 8 * 4 * 3 * 5);
  // H = (10-1)*2 + 3 = 21, W = (6-1)*1 + 5 = 10.
  CHECK(p.tensor_size(1) == 2 * 4 * 21 * 10);
  CHECK(p.tensor_size(2) == 2 * 8 * 10 * 6);
}

TEST_CASE("footprint of a tile spans the sliding window, not the product") {
  ConvShape s;
  s.P = 16, s.R = 3, s.C = 2, s.dilation_h = 2;
  const Problem p = make_conv2d(s);
  std::vector<std::int64_t> tile(p.dim_names.size(), 1);
  tile[static_cast<std::size_t>(p.dim_index("P"))] = 4;
  tile[static_cast<std::size_t>(p.dim_index("R"))] = 3;
  // rows touched: P in [0,4), R in [0,3) with dilation 2 -> P + 2R in [0, 3 + 4] = 8 values.
  CHECK(p.footprint(1, tile) == 8);
  CHECK(p.footprint(2, tile) == 4);
  CHECK(p.footprint(0, tile) == 3);
  CHECK_THROWS_AS(p.footprint(1, std::vector<std::int64_t>{1, 2}), std::invalid_argument);
}

TEST_CASE("grouped and depthwise conv carry a G rank") {
  ConvShape s;
  s.name = "dw";
  s.K = 32, s.C = 32, s.groups = 32, s.P = 7, s.Q = 7, s.R = 3, s.S = 3;
  const Problem p = make_conv2d(s);
  REQUIRE(p.dim_index("G") == 7);
  CHECK(p.bounds[static_cast<std::size_t>(p.dim_index("C"))] == 1);
  CHECK(p.bounds[static_cast<std::size_t>(p.dim_index("K"))] == 1);
  CHECK(p.macs() == 32 * 7 * 7 * 9);
  CHECK(p.tensor_size(0) == 32 * 9);
  CHECK(p.tensor_size(1) == 32 * 9 * 9);
  CHECK(p.tensor_size(2) == 32 * 7 * 7);
  for (int t = 0; t < 3; ++t) {
    CHECK(p.relevant(t, p.dim_index("G")));
  }

  ConvShape g = s;
  g.K = 64, g.C = 32, g.groups = 4;
  const Problem pg = make_conv2d(g);
  CHECK(pg.macs() == 64LL * 8 * 49 * 9);
  CHECK(pg.tensor_size(0) == 64 * 8 * 9);

  ConvShape bad = s;
  bad.groups = 3;
  CHECK_THROWS_WITH(make_conv2d(bad), Catch::Contains("groups = 3"));
  ConvShape zero = s;
  zero.P = 0;
  CHECK_THROWS_AS(make_conv2d(zero), std::invalid_argument);
}

TEST_CASE("gemm maps M,N,K onto P,K,C") {
  const Problem p = make_gemm("fc", 4, 1000, 2048);
  CHECK(p.macs() == 4LL * 1000 * 2048);
  CHECK(p.tensor_size(0) == 1000 * 2048); // weights K x N
  CHECK(p.tensor_size(1) == 4 * 2048);    // inputs M x K
  CHECK(p.tensor_size(2) == 4 * 1000);    // outputs M x N
}
