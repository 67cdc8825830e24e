#include "expect_error.h"

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <filesystem>

using namespace hcl;
using hcl_test::expect_error;

namespace {
const std::string kFile = "tests/hcl/builder.cpp";
}

TEST_CASE("error: assigning a wider value to a narrower target names both widths and the fix") {
  std::string what = expect_error(
      [&] {
        auto a = Input("a", UInt(8));
        auto b = Input("b", UInt(8));
        auto y = Output("y", UInt(8));
        y <<= a + b;
      },
      __LINE__ - 2, {"width mismatch", "9-bit", "8-bit", ".trunc(8)", ".resize(8)", "'y'"}, kFile);
  (void)what;
}

TEST_CASE("error: mixing SInt and UInt in a connect needs an explicit conversion") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        auto y = Output("y", SInt(9));
        y <<= a;
      },
      __LINE__ - 2, {"mixing SInt and UInt", ".to_sint()"}, kFile);
}

TEST_CASE("error: a literal that does not fit its target") {
  expect_error(
      [] {
        auto y = Output("y", UInt(4));
        y <<= 16;
      },
      __LINE__ - 2, {"literal 16 does not fit", "UInt(4)"}, kFile);
}

TEST_CASE("error: multiple drivers - connecting to a module input") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        auto b = Input("b", UInt(8));
        auto y = Output("y", UInt(8));
        a <<= b;
        y <<= a;
      },
      __LINE__ - 3, {"multiple drivers", "'a' is an input of module 'Dut'"}, kFile);
}

TEST_CASE("error: multiple drivers - connecting to a value that its expression already drives") {
  expect_error(
      [] {
        auto a = Input("a", UInt(8));
        auto b = Input("b", UInt(8));
        auto y = Output("y", UInt(9));
        auto sum = a + b;
        sum <<= a;
        y <<= sum;
      },
      __LINE__ - 3, {"multiple drivers", "add(a, b)", "already driven by its own definition"},
      kFile);
}

namespace {
Signal g_leaked;
struct Leaky {
  std::string name() const { return "Leaky"; }
  void body() const {
    auto x = Input("x", UInt(4));
    Output("y", UInt(4)) <<= x;
    g_leaked = x;
  }
};
} // namespace

TEST_CASE("error: using a signal of another module without a port") {
  expect_error(
      [] {
        instance("leaky", Leaky{})["x"] <<= 0;
        auto y = Output("y", UInt(4));
        y <<= g_leaked;
      },
      __LINE__ - 2, {"belongs to module 'Leaky'", "used in module 'Dut'", "pass it through a port"},
      kFile);
}

TEST_CASE("error: an unknown instance port lists the valid ones") {
  expect_error(
      [] {
        auto u = instance("leaky", Leaky{});
        u["x"] <<= 1;
        Output("y", UInt(4)) <<= u["z"];
      },
      __LINE__ - 2, {"module 'Leaky' has no port 'z'", "its ports are: x, y"}, kFile);
}

TEST_CASE("error: a duplicate port name") {
  expect_error(
      [] {
        Input("a", UInt(1));
        Input("a", UInt(2));
      },
      __LINE__ - 2, {"port 'a' is declared twice"}, kFile);
}

TEST_CASE("error: hardware declared outside of a module body") {
  const unsigned line = __LINE__ + 2;
  try {
    (void)Wire(UInt(8));
    FAIL("no error");
  } catch (const Error &e) {
    REQUIRE(std::string(e.what()).find("no design is being elaborated") != std::string::npos);
    REQUIRE(e.where().line() == line);
  }
}

TEST_CASE("when/elsewhen/otherwise: last connect wins, conditions are exclusive") {
  Design d = elaborate(
      FnModule{"When", [] {
                 auto s = Input("s", UInt(2));
                 auto y = Output("y", UInt(4));
                 y <<= 0;
                 when(s == 1, [&] { y <<= 1; }).elsewhen(s == 2, [&] { y <<= 2; }).otherwise([&] {
                   y <<= 3;
                 });
                 when(s == 0, [&] { y <<= 9; }); // later connect overrides
               }});
  std::string text = dump(d);
  INFO(text);
  // y is driven by a chain of four muxes ending in the constant 0.
  REQUIRE(text.find("%1 = output \"y\" port 1 : UInt(4) <- %") != std::string::npos);
  std::size_t muxes = 0;
  for (std::size_t p = text.find("= mux"); p != std::string::npos; p = text.find("= mux", p + 1))
    ++muxes;
  REQUIRE(muxes == 4);
}

TEST_CASE("Mem: ports, address width and registered read") {
  Design d = elaborate(FnModule{"Ram", [] {
                                  auto addr = Input("addr", UInt(3));
                                  auto wdata = Input("wdata", SInt(8));
                                  auto we = Input("we", Bool());
                                  auto rdata = Output("rdata", SInt(8));
                                  auto q = Output("q", SInt(8));
                                  Mem m(8, SInt(8), "store");
                                  REQUIRE(m.addr_width() == 3);
                                  m.write(addr, wdata, we);
                                  rdata <<= m.read(addr);
                                  q <<= m.readwrite(addr, wdata, we);
                                }});
  const ir::Module &m = d.top_module();
  REQUIRE(m.memories.size() == 1);
  REQUIRE(m.memories[0].ports.size() == 3);
  REQUIRE(m.uses_clock);
  REQUIRE_FALSE(m.uses_reset);
}

TEST_CASE("error: a memory address wider than the memory needs") {
  expect_error(
      [] {
        auto addr = Input("addr", UInt(4));
        Mem m(8, UInt(8));
        Output("y", UInt(8)) <<= m.read(addr);
      },
      __LINE__ - 2, {"width mismatch", "memory address", ".trunc(3)"}, kFile);
}

TEST_CASE("instance(): a generator is elaborated once per (type, name)") {
  static int runs = 0;
  struct Child {
    std::string name() const { return "Child"; }
    void body() const {
      ++runs;
      Output("y", UInt(1)) <<= Input("x", UInt(1));
    }
  };
  runs = 0;
  Design d = elaborate(FnModule{"Parent", [] {
                                  auto x = Input("x", UInt(1));
                                  for (int i = 0; i < 5; ++i)
                                    instance(fmt::format("c{}", i), Child{})["x"] <<= x;
                                }});
  REQUIRE(runs == 1);
  REQUIRE(d.modules.size() == 2);
  REQUIRE(d.top_module().instances.size() == 5);
}

TEST_CASE("extern modules: ports only, clock renamed, parameters passed") {
  struct Sram {
    std::string name() const { return "sram_64x16"; }
    void body() const {
      extern_module({.clock = "CLK", .reset = "", .params = {{"DEPTH", 64}}, .verilog = ""});
      Input("A", UInt(6));
      Output("Q", UInt(16));
    }
  };
  Design d = elaborate(FnModule{"UsesSram", [] {
                                  auto a = Input("a", UInt(6));
                                  auto s = instance("ram", Sram{});
                                  s["A"] <<= a;
                                  Output("q", UInt(16)) <<= s["Q"];
                                }});
  std::string v = emit_module(d, d.top, EmitOptions{false});
  INFO(v);
  REQUIRE(v.find("sram_64x16 #(.DEPTH(64)) ram (") != std::string::npos);
  REQUIRE(v.find(".CLK(clock),") != std::string::npos);
  REQUIRE(v.find(".A(a),") != std::string::npos);
}

namespace {
// The example of docs/hcl.md, kept compiling and behaving as the document says.
struct DocMacIO {
  hcl::Signal a_in, b_in, en, a_out, acc;
  DocMacIO(int width, int acc_width)
      : a_in(hcl::SInt(width)), b_in(hcl::SInt(width)), en(hcl::Bool()), a_out(hcl::SInt(width)),
        acc(hcl::SInt(acc_width)) {}
  template <class V> void fields(V &v) {
    v("a_in", a_in);
    v("b_in", b_in);
    v("en", en);
    v.flipped("a_out", a_out);
    v.flipped("acc", acc);
  }
};

struct DocMacPE {
  int width = 8;
  int acc_width = 32;
  std::string name() const { return fmt::format("MacPE{}_{}", width, acc_width); }
  DocMacIO ports() const { return DocMacIO(width, acc_width); }
  void body() const {
    const DocMacIO io = hcl::Input("", ports());
    auto acc = hcl::RegInit(hcl::SInt(acc_width), 0, "acc_q");
    auto product = (io.a_in * io.b_in).named("product");
    hcl::when(io.en, [&] { acc <<= acc.add_wrap(product.sext(acc_width)); });
    io.a_out <<= hcl::RegNext(io.a_in, "a_q");
    io.acc <<= acc;
  }
};

struct DocRow {
  int n = 4;
  std::string name() const { return fmt::format("Row{}", n); }
  void body() const {
    auto a = hcl::Input("a", hcl::SInt(8));
    auto b = hcl::Input("b", hcl::Vec<hcl::SInt>(n, hcl::SInt(8)));
    auto en = hcl::Input("en", hcl::Bool());
    hcl::Signal left = a;
    for (int i = 0; i < n; ++i) {
      const DocMacPE gen;
      const DocMacIO pe = hcl::io(hcl::instance(fmt::format("pe_{}", i), gen), "", gen.ports());
      pe.a_in <<= left;
      pe.b_in <<= b[i];
      pe.en <<= en;
      hcl::Output(fmt::format("acc_{}", i), hcl::SInt(32)) <<= pe.acc;
      left = pe.a_out;
    }
  }
};
} // namespace

TEST_CASE("docs/hcl.md: the Row example elaborates and emits as described") {
  Design d = elaborate(DocRow{4});
  REQUIRE(d.modules.size() == 2);
  auto dir = std::filesystem::path(HCL_BINARY_DIR) / "test-out" / "hcl" / "doc_row";
  std::filesystem::remove_all(dir);
  auto r = emit_verilog(d, dir);
  REQUIRE(r.top == "Row4");
  REQUIRE(r.files[0].filename() == "MacPE8_32.v");
  std::string top = emit_module(d, d.top, EmitOptions{false});
  REQUIRE(top.find(".a_in(pe_0_a_out)") != std::string::npos);
  std::uint32_t pe_module = 0;
  while (d.modules[pe_module]->name != "MacPE8_32")
    ++pe_module;
  const std::string pe = emit_module(d, pe_module, EmitOptions{false});
  INFO(pe);
  REQUIRE(pe.find("input  wire signed [7:0] a_in,") != std::string::npos);
  REQUIRE(pe.find("output wire signed [31:0] acc") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("docs/hcl.md: the width mismatch message quoted in the document") {
  expect_error(
      [] {
        auto value = RegInit(UInt(8), 0, "value");
        value <<= value + 1;
      },
      __LINE__ - 2,
      {"width mismatch: cannot assign a 9-bit value ('add(value, 1)', UInt(9)) to register "
       "'value' (8-bit, UInt(8)); narrow it explicitly with .trunc(8) to keep the low bits or "
       ".resize(8)"},
      kFile);
}

TEST_CASE("error: RegInit in a clock domain without reset") {
  expect_error(
      [] {
        auto clk = Input("clk", Bool());
        with_clock_domain(clk, Signal(), [&] {
          auto r = RegInit(UInt(2), 0, "r");
          r <<= r;
          Output("y", UInt(2)) <<= r;
        });
      },
      __LINE__ - 5, {"RegInit inside a clock domain without reset"}, kFile);
}

TEST_CASE("error: asynchronous reset inside an explicit clock domain") {
  expect_error(
      [] {
        auto clk = Input("clk", Bool());
        auto rst = Input("rst", Bool());
        with_clock_domain(clk, rst, [&] {
          auto r = RegInitAsync(UInt(2), 0, "r");
          r <<= 1;
          Output("y", UInt(2)) <<= r;
        });
      },
      __LINE__ - 5, {"RegInitAsync inside with_clock_domain()"}, kFile);
}

TEST_CASE("a caught error in a submodule leaves the parent module usable") {
  struct Broken {
    std::string name() const { return "Broken"; }
    void body() const { Output("y", UInt(2)) <<= Input("x", UInt(4)); } // width mismatch
  };
  Design d = elaborate(FnModule{"Parent", [] {
                                  auto a = Input("a", UInt(2));
                                  try {
                                    instance("b", Broken{});
                                  } catch (const Error &) {
                                  }
                                  Output("y", UInt(2)) <<= a;
                                }});
  REQUIRE(d.modules.size() == 1);
  REQUIRE(d.top_module().name == "Parent");
  REQUIRE(d.top_module().ports.size() == 2);
}
