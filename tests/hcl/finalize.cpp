#include "expect_error.h"

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

using namespace hcl;
using hcl_test::expect_error;

namespace {
const std::string kFile = "tests/hcl/finalize.cpp";
}

TEST_CASE("error: undriven output names the output and its declaration line") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        auto y = Output("y", UInt(8));
        (void)a;
        (void)y;
      },
      __LINE__ - 4, {"undriven output", "'y' of module 'Dut'", "y <<= ..."}, kFile);
}

TEST_CASE("error: undriven wire") {
  expect_error(
      [] {
        auto w = Wire(UInt(8), "w");
        Output("y", UInt(8)) <<= w;
      },
      __LINE__ - 3, {"undriven wire", "'w'", "WireDefault"}, kFile);
}

TEST_CASE("error: undriven register input") {
  expect_error(
      [] {
        auto r = Reg(UInt(8), "r");
        Output("y", UInt(8)) <<= r;
      },
      __LINE__ - 3, {"undriven register input", "register 'r'"}, kFile);
}

TEST_CASE("error: undriven instance input") {
  struct Child {
    std::string name() const { return "Child"; }
    void body() const { Output("y", UInt(2)) <<= Input("x", UInt(2)); }
  };
  expect_error(
      [] {
        auto c = instance("u", Child{});
        Output("y", UInt(2)) <<= c["y"];
      },
      __LINE__ - 3, {"undriven instance input", "'u.x'", "module 'Child'"}, kFile);
}

TEST_CASE("error: a wire driven only under a condition") {
  expect_error(
      [] {
        auto en = Input("en", Bool());
        auto w = Wire(UInt(4), "w");
        when(en, [&] { w <<= 3; });
        Output("y", UInt(4)) <<= w;
      },
      __LINE__ - 4, {"'w' is driven only under a condition", "otherwise()"}, kFile);
}

TEST_CASE("error: combinational loop lists the signals and their lines") {
  const unsigned first = __LINE__ + 5;
  std::string what = expect_error(
      [] {
        auto a = Input("a", UInt(4));
        auto x = Wire(UInt(4), "x");
        auto y = Wire(UInt(4), "y");
        x <<= (y ^ a).named("x_next");
        y <<= x;
        Output("o", UInt(4)) <<= y;
      },
      __LINE__ - 6, {"combinational loop in module 'Dut'", "break it with a register"}, kFile);
  // The loop as data flows: x -> y -> x_next -> x, each with the line that created it.
  REQUIRE(what.find("x (") != std::string::npos);
  REQUIRE(what.find("finalize.cpp:" + std::to_string(first)) != std::string::npos);
  REQUIRE(what.find("finalize.cpp:" + std::to_string(first + 1)) != std::string::npos);
  REQUIRE(what.find("x_next (") != std::string::npos);
}

TEST_CASE("combinational loops are found through instances, and registers break them") {
  struct Pass {
    std::string name() const { return "Pass"; }
    void body() const { Output("y", UInt(1)) <<= ~Input("x", UInt(1)); }
  };
  struct Delay {
    std::string name() const { return "Delay"; }
    void body() const { Output("y", UInt(1)) <<= RegNext(Input("x", UInt(1))); }
  };
  REQUIRE_THROWS_WITH(elaborate(FnModule{"Ring",
                                         [] {
                                           auto u = instance("u", Pass{});
                                           u["x"] <<= u["y"];
                                         }}),
                      Catch::Contains("combinational loop") && Catch::Contains("u.y"));
  REQUIRE_NOTHROW(elaborate(FnModule{"Ring", [] {
                                       auto u = instance("u", Delay{});
                                       u["x"] <<= u["y"];
                                     }}));
}

TEST_CASE("modules record which outputs depend combinationally on which inputs") {
  Design d = elaborate(FnModule{"Deps", [] {
                                  auto a = Input("a", UInt(4));
                                  auto b = Input("b", UInt(4));
                                  Output("comb", UInt(5)) <<= a + b;
                                  Output("reg", UInt(4)) <<= RegNext(b);
                                }});
  const ir::Module &m = d.top_module();
  REQUIRE(m.comb_deps[2] == std::vector<std::uint32_t>{0, 1});
  REQUIRE(m.comb_deps[3].empty());
  REQUIRE(m.uses_clock);
  REQUIRE_FALSE(m.uses_reset);
}

TEST_CASE("when/elsewhen/otherwise that drive a target on every branch need no default") {
  Design d = elaborate(
      FnModule{"Exhaustive", [] {
                 auto s = Input("s", UInt(2));
                 auto y = Output("y", UInt(4));
                 auto z = Wire(UInt(4), "z");
                 when(s == 0, [&] { y <<= 1; }).elsewhen(s == 1, [&] { y <<= 2; }).otherwise([&] {
                   // nested exhaustive chain inside a branch
                   when(s == 2, [&] { y <<= 3; }).otherwise([&] { y <<= 4; });
                 });
                 when(s[0], [&] { z <<= 5; }).otherwise([&] { z <<= 6; });
                 Output("w", UInt(4)) <<= z;
               }});
  std::string v = emit_module(d, d.top, EmitOptions{false});
  INFO(v);
  // The first branch's value stands for the unreachable "no branch taken" case.
  REQUIRE(v.find("4'h1") != std::string::npos);
  REQUIRE(v.find("4'h4") != std::string::npos);
}

TEST_CASE("error: a chain without otherwise leaves the target undriven on some path") {
  expect_error(
      [] {
        auto s = Input("s", UInt(2));
        auto y = Output("y", UInt(4));
        when(s == 0, [&] { y <<= 1; }).elsewhen(s == 1, [&] { y <<= 2; });
      },
      __LINE__ - 3, {"'y' is driven only under a condition"}, kFile);
  expect_error(
      [] {
        auto s = Input("s", UInt(2));
        auto y = Output("y", UInt(4));
        when(s == 0, [&] { y <<= 1; }).otherwise([&] {
          when(s == 1, [&] { y <<= 2; }); // not exhaustive inside the otherwise
        });
      },
      __LINE__ - 5, {"'y' is driven only under a condition"}, kFile);
}
