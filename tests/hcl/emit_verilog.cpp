#include "designs.h"
#include "verilog_tools.h"

#include <catch2/catch.hpp>

using namespace hcl_test;

namespace {
// Emits, lints with Verilator and Yosys, and compares every file with its golden text.
template <class Gen> hcl::EmitResult check_design(const std::string &tag, const Gen &gen) {
  hcl::Design d = hcl::elaborate(gen);
  auto dir = scratch_dir(tag);
  hcl::EmitResult r = hcl::emit_verilog(d, dir);
  for (const auto &f : r.files)
    require_golden(tag + "_" + f.filename().string(), read_text(f));
  require_verilator_clean(r);
  require_yosys_clean(r);
  return r;
}
} // namespace

TEST_CASE("emit: counter matches golden Verilog and lints clean") {
  auto r = check_design("counter", Counter{8});
  REQUIRE(r.top == "Counter8");
  REQUIRE(r.files.size() == 1);
  REQUIRE(r.files[0].filename() == "Counter8.v");
}

TEST_CASE("emit: FIFO matches golden Verilog and lints clean") {
  auto r = check_design("fifo", Fifo{8, 4});
  REQUIRE(r.top == "Fifo8x4");
}

TEST_CASE("emit: signed MAC PE matches golden Verilog and lints clean") {
  auto r = check_design("macpe", MacPE{8, 32});
  REQUIRE(r.top == "MacPE8_32");
}

TEST_CASE("emit: 2x2 MAC array emits the PE once and one named wire per link") {
  auto r = check_design("array2x2", MacArray{2, 2});
  REQUIRE(r.top == "MacArray2x2");
  REQUIRE(r.files.size() == 2);
  std::string top = read_text(r.files.back());
  // Neighbour links are individual wires, never one concatenated bus.
  REQUIRE(top.find(".a_in(pe_0_0_a_out)") != std::string::npos);
  REQUIRE(top.find(".b_in(pe_0_0_b_out)") != std::string::npos);
}

TEST_CASE("emit: locator comments can be switched off and never start with 'verilator'") {
  hcl::Design d = hcl::elaborate(Counter{4});
  std::string with = hcl::emit_module(d, d.top);
  std::string without = hcl::emit_module(d, d.top, hcl::EmitOptions{false});
  REQUIRE(with.find("// @[designs.h:") != std::string::npos);
  REQUIRE(without.find("// @[") == std::string::npos);
  REQUIRE(with.find("// verilator") == std::string::npos);
  REQUIRE(with.find("/* verilator") == std::string::npos);
}

TEST_CASE("emit: files are written atomically into a fresh folder, one per module") {
  hcl::Design d = hcl::elaborate(MacArray{3, 2});
  auto dir = scratch_dir("atomic") / "nested" / "out";
  auto r = hcl::emit_verilog(d, dir);
  REQUIRE(r.files.size() == 2);
  for (const auto &entry : std::filesystem::directory_iterator(dir))
    REQUIRE(entry.path().extension() == ".v");
  REQUIRE(r.files[0] == dir / "MacPE8_32.v");
  REQUIRE(r.files[1] == dir / "MacArray3x2.v");
}

TEST_CASE("emit: user names are kept, keywords and clashes are legalized") {
  auto gen = hcl::FnModule{"Names", [] {
                             auto in = hcl::Input("wire", hcl::UInt(4));
                             auto reg = hcl::Input("reg", hcl::UInt(4));
                             auto x = hcl::Output("x", hcl::UInt(5));
                             auto y = hcl::Output("y", hcl::UInt(4));
                             auto s = (in + reg).named("my_sum");
                             auto t = (in ^ reg).named("x"); // clashes with the port
                             x <<= s;
                             y <<= t;
                           }};
  hcl::Design d = hcl::elaborate(gen);
  std::string v = hcl::emit_module(d, d.top, hcl::EmitOptions{false});
  INFO(v);
  REQUIRE(v.find("input  wire [3:0] wire_,") != std::string::npos);
  REQUIRE(v.find("input  wire [3:0] reg_,") != std::string::npos);
  REQUIRE(v.find("wire [4:0] my_sum = {1'h0, wire_} + {1'h0, reg_};") != std::string::npos);
  REQUIRE(v.find("wire [3:0] x_1 = wire_ ^ reg_;") != std::string::npos);
  auto dir = scratch_dir("names");
  require_verilator_clean(hcl::emit_verilog(d, dir));
}

TEST_CASE("emit: temporaries are named after what they compute, not a global counter") {
  // Adding unrelated logic before a value must not rename it.
  auto make = [](bool extra) {
    return hcl::FnModule{"Temps", [extra] {
                           auto a = hcl::Input("a", hcl::UInt(8));
                           auto b = hcl::Input("b", hcl::UInt(8));
                           auto y = hcl::Output("y", hcl::UInt(1));
                           if (extra) {
                             auto z = hcl::Output("z", hcl::UInt(16));
                             z <<= a * b;
                           }
                           auto sum = a + b;
                           y <<= (sum > 3) & (sum < 100);
                         }};
  };
  hcl::Design d1 = hcl::elaborate(make(false));
  hcl::Design d2 = hcl::elaborate(make(true));
  std::string v1 = hcl::emit_module(d1, d1.top, hcl::EmitOptions{false});
  std::string v2 = hcl::emit_module(d2, d2.top, hcl::EmitOptions{false});
  INFO(v1 << "\n----\n" << v2);
  REQUIRE(v1.find("wire [8:0] _add_a_b = {1'h0, a} + {1'h0, b};") != std::string::npos);
  REQUIRE(v2.find("wire [8:0] _add_a_b = {1'h0, a} + {1'h0, b};") != std::string::npos);
  REQUIRE(v1.find("_T_") == std::string::npos);
}

TEST_CASE("emit: unread input bits are collected in one _unused wire (no lint waivers)") {
  auto gen = hcl::FnModule{"Partial", [] {
                             auto a = hcl::Input("a", hcl::UInt(16));
                             auto b = hcl::Input("b", hcl::UInt(4));
                             auto y = hcl::Output("y", hcl::UInt(4));
                             y <<= a.bits(11, 8);
                             (void)b;
                           }};
  hcl::Design d = hcl::elaborate(gen);
  std::string v = hcl::emit_module(d, d.top, hcl::EmitOptions{false});
  INFO(v);
  REQUIRE(v.find("wire _unused = ^{a[15:12], a[7:0], b};") != std::string::npos);
  REQUIRE(v.find("verilator lint_off") == std::string::npos);
  require_verilator_clean(hcl::emit_verilog(d, scratch_dir("unused")));
}

namespace {
// A double-buffered scratchpad: the producer fills one bank while the consumer reads the
// other; `swap` flips the banks. Built from two 1R1W memories and a bank-select register.
struct DoubleBuffer {
  std::string name() const { return "DoubleBuffer"; }
  void body() const {
    using namespace hcl;
    auto swap = Input("swap", Bool());
    auto waddr = Input("waddr", UInt(4));
    auto wdata = Input("wdata", UInt(16));
    auto wen = Input("wen", Bool());
    auto raddr = Input("raddr", UInt(4));
    auto rdata = Output("rdata", UInt(16));
    auto bank = RegInit(Bool(), false, "bank");
    when(swap, [&] { bank <<= !bank; });
    Mem b0(16, UInt(16), "bank0");
    Mem b1(16, UInt(16), "bank1");
    b0.write(waddr, wdata, wen && !bank);
    b1.write(waddr, wdata, wen && bank);
    auto r0 = b0.read(raddr, bank);
    auto r1 = b1.read(raddr, !bank);
    auto read_bank = RegNext(bank, "read_bank");
    rdata <<= Mux(read_bank, r0, r1);
  }
};

struct TrueDualPort {
  std::string name() const { return "TrueDualPort"; }
  void body() const {
    using namespace hcl;
    Mem ram(32, SInt(8), "ram");
    for (const char *p : {"a", "b"}) {
      std::string s(p);
      auto addr = Input(s + "_addr", UInt(5));
      auto wdata = Input(s + "_wdata", SInt(8));
      auto wen = Input(s + "_wen", Bool());
      auto en = Input(s + "_en", Bool());
      Output(s + "_rdata", SInt(8)) <<= ram.readwrite(addr, wdata, wen, en);
    }
  }
};

struct AsyncStage {
  std::string name() const { return "AsyncStage"; }
  void body() const {
    using namespace hcl;
    auto a = RegInitAsync(UInt(4), 3, "async_q");
    a <<= Input("d", UInt(4));
    Output("q", UInt(4)) <<= a;
  }
};

struct StateMix {
  std::string name() const { return "StateMix"; }
  void body() const {
    using namespace hcl;
    auto d = Input("d", UInt(4));
    auto a = instance("front", AsyncStage{});
    a["d"] <<= d;
    auto s = RegInit(UInt(4), 5, "sync_q");
    auto p = Reg(UInt(4), "plain_q");
    s <<= a["q"];
    p <<= s;
    assert_(p != 15, "plain_q never reaches 15");
    Output("q", UInt(4)) <<= p;
  }
};

struct Sram {
  std::string name() const { return "sram_16x8"; }
  void body() const {
    hcl::extern_module({.clock = "CLK",
                        .reset = "",
                        .params = {},
                        .verilog = "module sram_16x8 (\n"
                                   "  input  wire       CLK,\n"
                                   "  input  wire [3:0] A,\n"
                                   "  input  wire [7:0] D,\n"
                                   "  input  wire       WE,\n"
                                   "  output reg  [7:0] Q\n"
                                   ");\n"
                                   "  reg [7:0] mem [0:15];\n"
                                   "  always @(posedge CLK) begin\n"
                                   "    if (WE) mem[A] <= D;\n"
                                   "    Q <= mem[A];\n"
                                   "  end\n"
                                   "endmodule\n"});
    hcl::Input("A", hcl::UInt(4));
    hcl::Input("D", hcl::UInt(8));
    hcl::Input("WE", hcl::Bool());
    hcl::Output("Q", hcl::UInt(8));
  }
};

struct UsesSram {
  std::string name() const { return "UsesSram"; }
  void body() const {
    using namespace hcl;
    auto addr = Input("addr", UInt(4));
    auto data = Input("data", UInt(8));
    auto we = Input("we", Bool());
    auto m = instance("macro", Sram{});
    m["A"] <<= addr;
    m["D"] <<= data;
    m["WE"] <<= we;
    Output("q", UInt(8)) <<= m["Q"];
  }
};
} // namespace

TEST_CASE("emit: a double-buffered memory, written without hand-written Verilog, lints clean") {
  hcl::Design d = hcl::elaborate(DoubleBuffer{});
  auto r = hcl::emit_verilog(d, scratch_dir("double_buffer"));
  require_verilator_clean(r);
  require_yosys_clean(r);
}

TEST_CASE("emit: a true dual-port memory lints clean and keeps both ports read-first") {
  hcl::Design d = hcl::elaborate(TrueDualPort{});
  auto r = hcl::emit_verilog(d, scratch_dir("tdp"));
  std::string v = read_text(r.files[0]);
  INFO(v);
  REQUIRE(v.find("reg signed [7:0] ram [0:31];") != std::string::npos);
  REQUIRE(v.find("ram_rdata <= ram[a_addr];") != std::string::npos);
  REQUIRE(v.find("ram_rdata_1 <= ram[b_addr];") != std::string::npos);
  require_verilator_clean(r);
  require_yosys_clean(r);
}

TEST_CASE("emit: sync, async and plain registers and an assertion lint clean") {
  hcl::Design d = hcl::elaborate(StateMix{});
  auto r = hcl::emit_verilog(d, scratch_dir("state"));
  REQUIRE(read_text(r.files[0]).find("always @(posedge clock or posedge areset) begin") !=
          std::string::npos);
  std::string v = read_text(r.files[1]);
  INFO(v);
  REQUIRE(v.find("input  wire areset") != std::string::npos);
  REQUIRE(v.find(".areset(areset)") != std::string::npos);
  REQUIRE(v.find("$fatal(1, \"assertion failed: plain_q never reaches 15") != std::string::npos);
  REQUIRE(v.find("`ifndef SYNTHESIS") != std::string::npos);
  require_verilator_clean(r);
  require_yosys_clean(r);
}

TEST_CASE("emit: an extern module with its own Verilog is written next to its user") {
  hcl::Design d = hcl::elaborate(UsesSram{});
  auto r = hcl::emit_verilog(d, scratch_dir("extern"));
  REQUIRE(r.files.size() == 2);
  REQUIRE(r.files[0].filename() == "sram_16x8.v");
  std::string v = read_text(r.files[1]);
  INFO(v);
  REQUIRE(v.find(".CLK(clock)") != std::string::npos);
  require_verilator_clean(r);
  require_yosys_clean(r);
}

namespace {
// Two clock domains: the implicit one and (clk_b, rst_b), each with registers, and a counter
// instance and a memory clocked by clk_b.
struct TwoClocks {
  std::string name() const { return "TwoClocks"; }
  void body() const {
    using namespace hcl;
    auto clk_b = Input("clk_b", Bool());
    auto rst_b = Input("rst_b", Bool());
    auto d = Input("d", UInt(8));
    auto a_q = RegNext(d, "a_q");
    Output("a", UInt(8)) <<= a_q;
    with_clock_domain(clk_b, rst_b, [&] {
      auto b_q = RegInit(UInt(8), 0, "b_q");
      b_q <<= a_q; // a (deliberately unsynchronized) crossing, fine for the structure test
      Output("b", UInt(8)) <<= b_q;
      auto c = instance("count_b", hcl_test::Counter{4});
      c["en"] <<= b_q.bit(0);
      Output("n", UInt(4)) <<= c["count"];
      Mem m(4, UInt(8), "buf_b");
      m.write(b_q.bits(1, 0), d);
      Output("m", UInt(8)) <<= m.read(d.bits(1, 0));
      assert_(b_q != 0xff, "b_q saturates");
    });
  }
};
} // namespace

TEST_CASE("emit: explicit clock domains get their own always block and clock connections") {
  hcl::Design d = hcl::elaborate(TwoClocks{});
  auto r = hcl::emit_verilog(d, scratch_dir("two_clocks"));
  std::string v = read_text(r.files.back());
  INFO(v);
  REQUIRE(v.find("always @(posedge clock) begin") != std::string::npos);
  REQUIRE(v.find("always @(posedge clk_b) begin") != std::string::npos);
  REQUIRE(v.find("if (rst_b) begin") != std::string::npos);
  REQUIRE(v.find(".clock(clk_b),") != std::string::npos);
  REQUIRE(v.find(".reset(rst_b),") != std::string::npos);
  REQUIRE(v.find("if (!rst_b && !") != std::string::npos);
  // The implicit domain has no reset user, so the module has no reset port.
  REQUIRE(v.find("input  wire reset") == std::string::npos);
  require_verilator_clean(r);
  require_yosys_clean(r);
}

namespace {
// Signed products printed three ways: driving an output, in one branch of a `when` (a ?:
// chain, where Verilog would size and sign a bare product by the whole chain), and mixed
// widths.
struct SignedProducts {
  int wa = 8, wb = 8;
  std::string name() const {
    return "SignedProducts" + std::to_string(wa) + "x" + std::to_string(wb);
  }
  void body() const {
    auto a = Input("a", SInt(wa));
    auto b = Input("b", SInt(wb));
    auto c = Input("c", SInt(wb));
    auto en = Input("en", Bool());
    Output("y", SInt(wa + wb)) <<= a * b;
    auto z = Output("z", SInt(wa + wb));
    z <<= 0;
    when(en, [&] { z <<= a * c; });
    // `a` extended once, read by both products and by a sum.
    Output("s", SInt(wa + wb + 1)) <<= a.sext(wa + wb) + (a * b);
  }
};

// The same module with each operand's sign extension written out: what hcl printed before.
std::string extended_reference(int wa, int wb) {
  const auto n = [](int v) { return std::to_string(v); };
  const std::string w = n(wa + wb - 1), ws = n(wa + wb);
  return "module extended (input wire signed [" + n(wa - 1) + ":0] a, input wire signed [" +
         n(wb - 1) + ":0] b, input wire signed [" + n(wb - 1) + ":0] c, input wire en,\n" +
         "  output wire signed [" + w + ":0] y, output wire signed [" + w +
         ":0] z, output wire signed [" + ws + ":0] s);\n" + "  wire [" + w + ":0] ea = {{" + n(wb) +
         "{a[" + n(wa - 1) + "]}}, a};\n" + "  wire [" + w + ":0] eb = {{" + n(wa) + "{b[" +
         n(wb - 1) + "]}}, b};\n" + "  wire [" + w + ":0] ec = {{" + n(wa) + "{c[" + n(wb - 1) +
         "]}}, c};\n" + "  assign y = ea * eb;\n  assign z = en ? ea * ec : " + ws +
         "'h0;\n  assign s = {ea[" + w + "], ea} + {y[" + w + "], y};\nendmodule\n";
}

int yosys_cells(const std::string &files, const std::string &top) {
  auto run = run_command("yosys -q -p \"read_verilog -sv " + files + "; synth -top " + top +
                         "; tee -o /dev/stdout stat\"");
  const auto at = run.output.find("Number of cells:");
  return at == std::string::npos ? -1 : std::stoi(run.output.substr(at + 16));
}
} // namespace

TEST_CASE("emit: signed products multiply the operands at their own widths, proven equal") {
  // A product of sign-extended operands prints as $signed(a) * $signed(b), so Yosys builds a
  // multiplier of the operands' widths. Yosys's SAT solver proves it equal, for every input,
  // to the written-out extension, and synthesis takes fewer cells.
  if (!have_tool("yosys"))
    FAIL("yosys not found on PATH; install it with: apt-get install yosys");
  for (auto [wa, wb] : {std::pair{8, 8}, std::pair{5, 11}, std::pair{1, 4}}) {
    const std::string tag = "signed_products_" + std::to_string(wa) + "x" + std::to_string(wb);
    hcl::Design d = hcl::elaborate(SignedProducts{wa, wb});
    auto dir = scratch_dir(tag);
    hcl::EmitResult r = hcl::emit_verilog(d, dir);
    const std::string v = read_text(r.files.back());
    INFO(v);
    REQUIRE(v.find("= $signed(a) * $signed(b);") != std::string::npos);
    REQUIRE(v.find("= $signed(a) * $signed(c);") != std::string::npos);
    require_verilator_clean(r);
    require_yosys_clean(r);
    const auto ref = dir / "extended.v";
    std::ofstream(ref) << extended_reference(wa, wb);
    const std::string files = file_list(r, false) + " " + ref.string();
    auto proof = run_command("yosys -p \"read_verilog -sv " + files + "; proc; miter -equiv " +
                             "-flatten -make_assert " + r.top + " extended miter; hierarchy -top " +
                             "miter; sat -verify -prove-asserts miter\"");
    INFO(proof.output);
    REQUIRE(proof.rc == 0);
    REQUIRE(proof.output.find("SUCCESS!") != std::string::npos);
    if (wa > 1) {
      const int native = yosys_cells(file_list(r, false), r.top);
      const int extended = yosys_cells(ref.string(), "extended");
      INFO("cells: native " << native << ", extended " << extended);
      REQUIRE(native > 0);
      REQUIRE(native < extended);
    }
  }
}
