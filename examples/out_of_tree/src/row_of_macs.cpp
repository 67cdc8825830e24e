// An out-of-tree generator on hcl: a module of its own, written in the DSL, around one of
// hcl's generators. RowOfMacs is a 1 x N weight-stationary array (hcl's spatial-array
// generator, the tpu preset) whose column sums a counter of its own tags with the number of
// results so far. Usage: row_of_macs <output-folder> [N]; prints the top module's name.
#include <generators/array.h>
#include <hcl/hcl.h>

#include <cstddef>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

namespace {

struct RowOfMacs {
  int n = 4;
  std::string name() const { return "RowOfMacs" + std::to_string(n); }
  hcl::gen::ArrayConfig array() const {
    hcl::gen::ArrayConfig a = hcl::gen::array_preset("tpu");
    a.rows = 1;
    a.cols = n;
    return a;
  }
  void body() const {
    const hcl::gen::ArrayConfig a = array();
    const hcl::gen::ArrayIO mac =
        hcl::io(hcl::instance("u_macs", hcl::gen::Array{a}), "", hcl::gen::ArrayIO(a));
    mac.x[0] <<= hcl::Input("x", hcl::SInt(a.data_width));
    mac.load <<= hcl::Input("load", hcl::Bool());
    mac.swap <<= hcl::Input("swap", hcl::Bool());
    mac.en <<= hcl::Input("en", hcl::Bool());
    for (std::size_t c = 0; c < mac.w.size(); ++c) {
      mac.w[c] <<= hcl::Input("w_" + std::to_string(c), hcl::SInt(a.weight_width));
      hcl::Output("sum_" + std::to_string(c), hcl::SInt(a.acc_width)) <<= mac.out[c];
    }
    // Results so far: the part of this design that is not hcl's.
    auto results = hcl::RegInit(hcl::UInt(16), 0, "results");
    hcl::when(mac.out_valid, [&] { results <<= results.add_wrap(1); });
    hcl::Output("valid", hcl::Bool()) <<= mac.out_valid;
    hcl::Output("results", hcl::UInt(16)) <<= results;
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <output-folder> [N]\n", argv[0]);
    return 2;
  }
  try {
    const int n = argc > 2 ? std::stoi(argv[2]) : 4;
    if (n < 1 || n > 64)
      throw std::invalid_argument("N must be in [1, 64]");
    const hcl::EmitResult r = hcl::emit_verilog(hcl::elaborate(RowOfMacs{n}), argv[1]);
    std::printf("%s\n", r.top.c_str());
    return 0;
  } catch (const std::invalid_argument &e) {
    std::fprintf(stderr, "row_of_macs: %s\n", e.what());
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "row_of_macs: error: %s\n", e.what());
    return 1;
  }
}
