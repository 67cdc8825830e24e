#include <scheduler/model/bounds.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

TEST_CASE("bounds: compute bound and compulsory traffic of a conv on an array") {
  ConvShape s;
  s.K = 64, s.C = 64, s.P = 56, s.Q = 56, s.R = 3, s.S = 3;
  const Problem p = make_conv2d(s);
  Arch a;
  a.levels.resize(2);
  a.levels[1].fanout_x = 14;
  a.levels[1].fanout_y = 12;
  const Bounds b = compute_bounds(p, a);
  // 64*64*56*56*9 = 115,605,504 MACs over 168 PEs, rounded up.
  CHECK(b.compute_cycles == (115605504 + 167) / 168);
  CHECK(b.compulsory_backing_words == 64 * 64 * 9 + 64 * 58 * 58 + 64 * 56 * 56);
}

TEST_CASE("bounds: compulsory traffic of a strided 1x1 conv counts only the inputs it reads") {
  // ResNet-50's stride-2 1x1 projection shape, scaled down: P = Q = 7 outputs read every
  // other row and column of a 13 x 13 input, i.e. 7 x 7 of its 169 positions per channel.
  ConvShape s;
  s.K = 8, s.C = 4, s.P = 7, s.Q = 7, s.R = 1, s.S = 1, s.stride_h = 2, s.stride_w = 2;
  const Problem p = make_conv2d(s);
  Arch a;
  a.levels.resize(1);
  const Bounds b = compute_bounds(p, a);
  CHECK(p.tensor_size(1) == 4 * 13 * 13); // the bounding box still spans the skipped rows
  CHECK(b.compulsory_backing_words == 8 * 4 + 4 * 7 * 7 + 8 * 7 * 7);
}

TEST_CASE("bounds: Smith et al. GEMM traffic bound") {
  // 2MNK/sqrt(S) - 2S with M=N=K=256, S=4096: 2*2^24/64 - 8192 = 524288 - 8192.
  CHECK(gemm_traffic_lower_bound(256, 256, 256, 4096) == Approx(516096.0));
  CHECK(gemm_traffic_lower_bound(2, 2, 2, 1 << 20) == 0.0); // never negative
  CHECK_THROWS_AS(gemm_traffic_lower_bound(0, 1, 1, 1), std::invalid_argument);
}
