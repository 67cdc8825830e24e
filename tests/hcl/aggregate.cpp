#include "expect_error.h"

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

using namespace hcl;
using hcl_test::expect_error;

namespace {
const std::string kFile = "tests/hcl/aggregate.cpp";

struct Flit {
  UInt data{8};
  Bool valid;
  Bool ready;
  template <class V> void fields(V &v) {
    v("data", data);
    v("valid", valid);
    v.flipped("ready", ready);
  }
};
} // namespace

TEST_CASE("error: constant Vec index out of range names the index and the valid range") {
  expect_error(
      [] {
        auto v = Input("v", Vec<UInt>(4, UInt(8)));
        // volatile: GCC would otherwise reject the literal index 4 at compile time already.
        static volatile int four = 4;
        Output("y", UInt(8)) <<= v[four];
      },
      __LINE__ - 2, {"Vec index 4 is out of range for a Vec of size 4", "0..3"}, kFile);
}

TEST_CASE("bundles flatten to one port per field, flipped fields go the other way") {
  Design d = elaborate(FnModule{"Bundles", [] {
                                  auto in = Input("in", Flit{});
                                  auto out = Output("out", Flit{});
                                  connect(out, in);
                                }});
  const ir::Module &m = d.top_module();
  std::vector<std::string> names;
  for (const auto &p : m.ports)
    names.push_back(d.str(p.name) + (p.dir == ir::Dir::In ? ":in" : ":out"));
  REQUIRE(names == std::vector<std::string>{"in_data:in", "in_valid:in", "in_ready:out",
                                            "out_data:out", "out_valid:out", "out_ready:in"});
  std::string v = emit_module(d, d.top, EmitOptions{false});
  INFO(v);
  REQUIRE(v.find("assign in_ready = out_ready;") != std::string::npos);
  REQUIRE(v.find("assign out_data = in_data;") != std::string::npos);
}

TEST_CASE("Vec of signals: per-element ports and a dynamic read multiplexer") {
  Design d = elaborate(FnModule{"VecRead", [] {
                                  auto v = Input("v", Vec<UInt>(3, UInt(4)));
                                  auto i = Input("i", UInt(2));
                                  Output("y", UInt(4)) <<= v[i];
                                  Output("first", UInt(4)) <<= v[0];
                                }});
  const ir::Module &m = d.top_module();
  REQUIRE(d.str(m.ports[0].name) == "v_0");
  REQUIRE(d.str(m.ports[2].name) == "v_2");
  std::string text = dump(d);
  std::size_t muxes = 0;
  for (std::size_t p = text.find("= mux"); p != std::string::npos; p = text.find("= mux", p + 1))
    ++muxes;
  REQUIRE(muxes == 2); // 3 elements: a 2:1 mux on bit 0, then one on bit 1
}

TEST_CASE("error: a signed dynamic Vec index is rejected at the caller's line") {
  expect_error(
      [] {
        auto v = Input("v", Vec<UInt>(4, UInt(8)));
        auto i = Input("i", SInt(2));
        Output("y", UInt(8)) <<= v[i];
      },
      __LINE__ - 2, {"a Vec index must be a UInt, got SInt(2)"}, kFile);
}

namespace {
struct Stage {
  std::string name() const { return "Stage"; }
  void body() const {
    auto in = Input("in", Flit{});
    auto out = Output("out", Flit{});
    auto q = Reg(Vec<UInt>(2, UInt(8)), "q");
    q[0] <<= in.data;
    q[1] <<= q[0];
    out.data <<= q[1];
    out.valid <<= in.valid;
    in.ready <<= out.ready;
  }
};
} // namespace

TEST_CASE("bundles on instance ports: io() binds them, connect() wires two stages") {
  Design d = elaborate(FnModule{"Pipe", [] {
                                  auto in = Input("in", Flit{});
                                  auto out = Output("out", Flit{});
                                  auto s0 = instance("s0", Stage{});
                                  auto s1 = instance("s1", Stage{});
                                  auto s0_in = io(s0, "in", Flit{});
                                  auto s0_out = io(s0, "out", Flit{});
                                  auto s1_in = io(s1, "in", Flit{});
                                  auto s1_out = io(s1, "out", Flit{});
                                  connect(s0_in, in);
                                  connect(s1_in, s0_out);
                                  connect(out, s1_out);
                                }});
  std::string v = emit_module(d, d.top, EmitOptions{false});
  INFO(v);
  REQUIRE(v.find(".in_data(s0_out_data)") != std::string::npos);
  REQUIRE(v.find(".out_ready(s1_in_ready)") != std::string::npos);
  REQUIRE(v.find("assign in_ready = s0_in_ready;") != std::string::npos);
  std::string stage = emit_module(d, 0, EmitOptions{false});
  INFO(stage);
  REQUIRE(stage.find("reg [7:0] q_0;") != std::string::npos);
  REQUIRE(stage.find("q_1 <= q_0;") != std::string::npos);
}
