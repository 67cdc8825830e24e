// An up-counter with enable, written in hcl. Usage: example_counter <output-folder> [width]
// Writes Counter<width>.v into the folder and prints the top module name.
#include <hcl/hcl.h>

#include <cstdio>
#include <exception>
#include <string>

namespace {

struct Counter {
  int width = 8;
  std::string name() const { return "Counter" + std::to_string(width); }
  void body() const {
    auto en = hcl::Input("en", hcl::Bool());
    auto count = hcl::Output("count", hcl::UInt(width));
    auto value = hcl::RegInit(hcl::UInt(width), 0, "value");
    // add_wrap keeps the width: a counter wraps on purpose, so the wrap is spelled out.
    hcl::when(en, [&] { value <<= value.add_wrap(1); });
    count <<= value;
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <output-folder> [width]\n", argv[0]);
    return 2;
  }
  try {
    int width = argc > 2 ? std::stoi(argv[2]) : 8;
    hcl::Design design = hcl::elaborate(Counter{width});
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
