#include "expect_error.h"
#include "verilog_tools.h"

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <fmt/core.h>

using namespace hcl;
using hcl_test::expect_error;

namespace {
const std::string kFile = "tests/hcl/signal.cpp";

std::string t(const Signal &s) { return ir::to_string(s.type()); }
} // namespace

TEST_CASE("width rule: results never overflow") {
  elaborate(FnModule{"Widths", [] {
                       auto a = Input("a", UInt(8));
                       auto b = Input("b", UInt(5));
                       auto s = Input("s", SInt(8));
                       auto r = Input("r", SInt(4));
                       auto c = Input("c", Bool());
                       CHECK(t(a + b) == "UInt(9)");
                       CHECK(t(a - b) == "SInt(9)"); // the difference can be negative
                       CHECK(t(a * b) == "UInt(13)");
                       CHECK(t(s + r) == "SInt(9)");
                       CHECK(t(s * r) == "SInt(12)");
                       CHECK(t(-s) == "SInt(9)");
                       CHECK(t(a.add_wrap(b)) == "UInt(8)");
                       CHECK(t(a.sub_wrap(b)) == "UInt(8)");
                       CHECK(t(a.mul_wrap(b)) == "UInt(8)");
                       CHECK(t(a & b) == "UInt(8)");
                       CHECK(t(~a) == "UInt(8)");
                       CHECK(t(c & c) == "Bool");
                       CHECK(t(a == b) == "Bool");
                       CHECK(t(s < r) == "Bool");
                       CHECK(t(a << 3) == "UInt(11)");
                       CHECK(t(a >> 3) == "UInt(5)");
                       CHECK(t(s >> 3) == "SInt(5)");
                       CHECK(t(a << b.bits(2, 0)) == "UInt(15)");
                       CHECK(t(a >> b) == "UInt(8)");
                       CHECK(t(Mux(c, a, b)) == "UInt(8)");
                       CHECK(t(Cat({a, b, c})) == "UInt(14)");
                       CHECK(t(a.bits(6, 2)) == "UInt(5)");
                       CHECK(t(a[7]) == "Bool");
                       CHECK(t(a.trunc(3)) == "UInt(3)");
                       CHECK(t(s.trunc(3)) == "SInt(3)");
                       CHECK(t(a.zext(12)) == "UInt(12)");
                       CHECK(t(s.sext(12)) == "SInt(12)");
                       CHECK(t(r.pad(8)) == "SInt(8)");
                       CHECK(t(a.resize(4)) == "UInt(4)");
                       CHECK(t(a.to_sint()) == "SInt(9)");
                       CHECK(t(a.as_sint()) == "SInt(8)");
                       CHECK(t(s.as_uint()) == "UInt(8)");
                       CHECK(t(a.or_r()) == "Bool");
                       CHECK(t(a + 1) == "UInt(9)");
                       CHECK(t(s + 1) == "SInt(9)");
                       CHECK(t(a + 300) == "UInt(10)"); // 300 needs 9 bits
                       CHECK(t(Fill(3, c)) == "UInt(3)");
                       Output("y", UInt(1)) <<= c;
                     }});
}

TEST_CASE("error: mixing SInt and UInt in an operator needs an explicit conversion") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        auto s = Input("s", SInt(8));
        Output("y", SInt(10)) <<= a + s;
      },
      __LINE__ - 2, {"'+' mixes UInt(8) 'a' and SInt(8) 's'", ".as_sint()/.to_sint()"}, kFile);
}

TEST_CASE("error: bit extraction out of range") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        Output("y", UInt(2)) <<= a.bits(8, 7);
      },
      __LINE__ - 2, {"bits(8, 7) is out of range for a 8-bit value", "7..0"}, kFile);
}

TEST_CASE("error: trunc cannot widen and zext cannot narrow") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        Output("y", UInt(9)) <<= a.trunc(9);
      },
      __LINE__ - 2, {"trunc(9) of a 8-bit value", ".pad()/.resize()"}, kFile);
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        Output("y", UInt(4)) <<= a.zext(4);
      },
      __LINE__ - 2, {"zext(4) of a 8-bit value would narrow it", ".trunc(4)"}, kFile);
}

TEST_CASE("error: a type template is not hardware") {
  expect_error(
      [] {
        UInt eight(8);
        Output("y", UInt(9)) <<= eight + 1;
      },
      __LINE__ - 2, {"UInt(8) is a type, not a hardware value"}, kFile);
}

TEST_CASE("error: a typed handle checks its kind") {
  expect_error(
      [] {
        auto s = Input("s", SInt(8));
        UInt u = s;
        Output("y", UInt(8)) <<= u;
      },
      __LINE__ - 3, {"SInt(8) is not a UInt", ".as_uint()"}, kFile);
}

TEST_CASE("constants fold through extension and bit extraction") {
  Design d = elaborate(FnModule{"Fold", [] {
                                  auto y = Output("y", UInt(4));
                                  auto k = SInt::lit(-3, 8);
                                  y <<= k.as_uint().bits(3, 0); // 0b1101
                                }});
  std::string v = emit_module(d, d.top, EmitOptions{false});
  INFO(v);
  REQUIRE(v.find("assign y = 4'hd;") != std::string::npos);
}

TEST_CASE("every operator emits Verilog that passes verilator -Wall and yosys") {
  Design d = elaborate(FnModule{"AllOps", [] {
                                  auto a = Input("a", UInt(8));
                                  auto b = Input("b", UInt(5));
                                  auto s = Input("s", SInt(8));
                                  auto r = Input("r", SInt(4));
                                  auto c = Input("c", Bool());
                                  auto sh = Input("sh", UInt(3));
                                  int k = 0;
                                  auto out = [&](const Signal &v) {
                                    Output(fmt::format("o{}", k++),
                                           Signal(v).type().kind == ir::Kind::SInt
                                               ? Signal(SInt(static_cast<int>(v.width())))
                                               : Signal(UInt(static_cast<int>(v.width())))) <<= v;
                                  };
                                  out(a + b);
                                  out(a - b);
                                  out(a * b);
                                  out(s + r);
                                  out(s - r);
                                  out(s * r);
                                  out(-s);
                                  out(a.add_wrap(b));
                                  out(s.sub_wrap(r));
                                  out(a & b);
                                  out(a | b);
                                  out(a ^ b);
                                  out(~s);
                                  out(c && !c);
                                  out(c || a[0]);
                                  out(a == b);
                                  out(a != 3);
                                  out(s < r);
                                  out(s <= r);
                                  out(a > b);
                                  out(s >= -2);
                                  out(a << 2);
                                  out(a >> 2);
                                  out(s >> 2);
                                  out(a << sh);
                                  out(a >> sh);
                                  out(s >> sh);
                                  out(Mux(c, s, r));
                                  out(Cat({a, b, c}));
                                  out(a.bits(6, 2));
                                  out(s.msb());
                                  out(r.sext(9));
                                  out(b.zext(9));
                                  out(s.as_uint().and_r());
                                  out(a.xor_r());
                                  out(a.or_r());
                                  out(a.to_sint());
                                  out(Fill(3, c));
                                  out(a[sh]);
                                  out(s.trunc(3));
                                  out(a.resize(12));
                                }});
  auto r = hcl::emit_verilog(d, hcl_test::scratch_dir("allops"));
  hcl_test::require_verilator_clean(r);
  hcl_test::require_yosys_clean(r);
}
