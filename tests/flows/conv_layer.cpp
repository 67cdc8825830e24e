#include <flows/conv_layer.h>

#include <scheduler/problem.h>

#include <catch2/catch.hpp>

using namespace hcl::flows;
namespace sched = hcl::sched;

namespace {

// Named through a std::string: GCC 12 under ASan warns falsely (-Wrestrict) on a literal
// assigned to the member.
sched::ConvShape named(const std::string &name) {
  sched::ConvShape s;
  s.name = name;
  return s;
}

} // namespace

TEST_CASE("conv_layer: reads shape, stride, dilation and groups back from a Problem") {
  sched::ConvShape s = named("c");
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
  CHECK(c.H() == (5 - 1) * 4 + 3);         // 19 input rows
  CHECK(c.W() == (3 - 1) * 1 + 2 * 1 + 1); // 5 input columns
  CHECK(c.macs() == sched::make_conv2d(s).macs());

  const ConvLayer fc = conv_layer(sched::make_gemm("fc", 1, 10, 128));
  CHECK(fc.C == 128);
  CHECK(fc.K == 10);
  CHECK(fc.P * fc.Q == 1);

  sched::Problem odd = sched::make_gemm("odd", 1, 4, 4);
  odd.dim_names.push_back("Z");
  odd.bounds.push_back(3);
  CHECK_THROWS_WITH(conv_layer(odd), Catch::Contains("layer 'odd': dimension 'Z' (bound 3)"));
}
