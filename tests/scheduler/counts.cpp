#include <scheduler/counts.h>

#include <scheduler/arch.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;
using Catch::Contains;

namespace {

Problem conv(std::int64_t c, std::int64_t k, std::int64_t p, std::int64_t q,
             std::int64_t stride = 1) {
  ConvShape s;
  s.name = "c";
  s.C = c;
  s.K = k;
  s.P = p;
  s.Q = q;
  s.R = s.S = 3;
  s.stride_h = s.stride_w = stride;
  return make_conv2d(s);
}

} // namespace

TEST_CASE("counts: the checked helpers refuse what does not fit") {
  CHECK(checked_mul(std::int64_t{1} << 24, std::int64_t{1} << 24) == kMaxCount);
  CHECK_FALSE(checked_mul(kMaxCount, 2));
  CHECK_FALSE(checked_mul(std::int64_t{1} << 32, std::int64_t{1} << 32, INT64_MAX)); // wraps to 0
  CHECK(checked_add(kMaxCount - 1, 1) == kMaxCount);
  CHECK_FALSE(checked_add(INT64_MAX, 1, INT64_MAX));
  CHECK(saturating_mul(std::int64_t{1} << 32, std::int64_t{1} << 32) == INT64_MAX);
  CHECK(saturating_mul(6, 7) == 42);
}

TEST_CASE("counts: a layer's MACs, tensor sizes and words moved must fit") {
  // VGG-16 conv1_2 at batch 1: 1.85e9 MACs; a 3x3 window at stride 1 moves up to 2 x 2
  // input words per MAC.
  const CountCheck ok = check_counts(conv(64, 64, 224, 224));
  CHECK(ok.ok());
  CHECK(ok.bound == 64LL * 64 * 224 * 224 * 9 * 4);
  // C = K = P = Q = 2^20: the product wrapped to a negative energy and 0 cycles.
  const CountCheck big = check_counts(conv(1 << 20, 1 << 20, 1 << 20, 1 << 20));
  CHECK_FALSE(big.ok());
  CHECK(big.key == "C"); // R, S, P, Q come first: 9 x 2^40 fits, x C does not
  CHECK_THAT(big.message, Contains("MACs") && Contains("2^48"));
  // A stride alone: few MACs, but the input spans 2^40 x (P - 1) elements per row.
  const CountCheck strided = check_counts(conv(1, 1, 1 << 10, 1, std::int64_t{1} << 40));
  CHECK_FALSE(strided.ok());
  CHECK(strided.key.empty());
  CHECK_THAT(strided.message, Contains("Inputs"));
  // Repeats multiply the whole layer: 2^62 of them gave "0 cycles".
  const CountCheck repeated = check_counts(conv(64, 64, 56, 56), std::int64_t{1} << 62);
  CHECK_FALSE(repeated.ok());
  CHECK(repeated.key == "repeat");
}

TEST_CASE("counts: a dimension used by two ranks counts once per extra rank") {
  Problem p;
  p.name = "square";
  p.dim_names = {"P", "C"};
  p.bounds = {1 << 20, 4};
  p.tensors = {{"A", false, {{{0, 1}}, {{0, 1}}}}, {"B", true, {{{1, 1}}}}};
  // A[P][P] holds 2^40 elements of a layer with 2^22 MACs: 2^20 words per MAC.
  CHECK(check_counts(p).bound == (std::int64_t{1} << 22) * (1 << 20));
  p.bounds[0] = 1 << 25;
  CHECK_FALSE(check_counts(p).ok());
}

TEST_CASE("counts: an architecture's PEs, sizes and bandwidths must fit") {
  Arch a;
  a.name = "a";
  Level rf, dram;
  rf.name = "RF";
  rf.size_words = 64;
  dram.name = "DRAM";
  dram.fanout_x = dram.fanout_y = 1 << 20;
  a.levels = {rf, dram};
  CHECK(check_arch_counts(a).ok());
  a.levels[0].fanout_x = 1 << 20; // 2^60 PEs in all
  CountCheck c = check_arch_counts(a);
  CHECK(c.key == "mesh");
  CHECK(c.level == 0);
  a.levels[0].fanout_x = 1;
  a.levels[0].size_words = kMaxCount + 1;
  CHECK(check_arch_counts(a).key == "size");
  a.levels[0].size_words = 64;
  a.levels[1].read_bandwidth = 0.01;
  c = check_arch_counts(a);
  CHECK(c.key == "bandwidth");
  CHECK(c.level == 1);
  CHECK_THAT(c.message, Contains("DRAM") && Contains("0.0625"));
  a.levels[1].read_bandwidth = 0.0625;
  CHECK(check_arch_counts(a).ok());
}
