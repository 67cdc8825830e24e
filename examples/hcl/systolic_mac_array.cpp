// An output-stationary systolic array of signed 8-bit MAC PEs, written in hcl.
// Usage: example_systolic_mac_array <output-folder> [rows] [cols]
//
// A values enter on the left and move right, B values enter on the top and move down; each PE
// accumulates a*b into a 32-bit register. Every neighbour link is its own named wire, and the
// PE is elaborated once and emitted once however large the array is.
#include <hcl/hcl.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

using namespace hcl;

struct MacPE {
  int width = 8;
  int acc_width = 32;
  std::string name() const {
    return "MacPE" + std::to_string(width) + "_" + std::to_string(acc_width);
  }
  void body() const {
    auto a_in = Input("a_in", SInt(width));
    auto b_in = Input("b_in", SInt(width));
    auto en = Input("en", Bool());
    auto clear = Input("clear", Bool());
    auto a_out = Output("a_out", SInt(width));
    auto b_out = Output("b_out", SInt(width));
    auto acc_out = Output("acc", SInt(acc_width));

    auto acc = RegInit(SInt(acc_width), 0, "acc_q");
    auto product = (a_in * b_in).named("product"); // SInt(2 * width): never overflows
    when(clear, [&] { acc <<= 0; }).elsewhen(en, [&] {
      // The accumulator wraps by design; the widening is explicit.
      acc <<= acc.add_wrap(product.sext(acc_width));
    });
    a_out <<= RegNext(a_in, "a_q");
    b_out <<= RegNext(b_in, "b_q");
    acc_out <<= acc;
  }
};

struct SystolicArray {
  int rows = 4;
  int cols = 4;
  std::string name() const {
    return "SystolicArray" + std::to_string(rows) + "x" + std::to_string(cols);
  }
  void body() const {
    auto en = Input("en", Bool());
    auto clear = Input("clear", Bool());
    auto a = Input("a", Vec<SInt>(static_cast<std::size_t>(rows), SInt(8)));
    auto b = Input("b", Vec<SInt>(static_cast<std::size_t>(cols), SInt(8)));
    std::vector<std::vector<Instance>> pe(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        std::string id = std::to_string(r) + "_" + std::to_string(c);
        Instance p = instance("pe_" + id, MacPE{});
        p["en"] <<= en;
        p["clear"] <<= clear;
        p["a_in"] <<= c == 0 ? Signal(a[r]) : pe[r][c - 1]["a_out"];
        p["b_in"] <<= r == 0 ? Signal(b[c]) : pe[r - 1][c]["b_out"];
        Output("acc_" + id, SInt(32)) <<= p["acc"];
        pe[r].push_back(p);
      }
    }
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <output-folder> [rows] [cols]\n", argv[0]);
    return 2;
  }
  try {
    int rows = argc > 2 ? std::stoi(argv[2]) : 4;
    int cols = argc > 3 ? std::stoi(argv[3]) : 4;
    hcl::Design design = hcl::elaborate(SystolicArray{rows, cols});
    hcl::EmitResult result = hcl::emit_verilog(design, argv[1]);
    std::printf("%s\n", result.top.c_str());
    return 0;
  } catch (const std::invalid_argument &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
