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
