// Test helpers for the generators: emitting designs to scratch folders, wrapping several
// parameter points of one generator into a single top (one Verilator build runs them all, so
// the suite stays within a few minutes), and two's-complement helpers for the C++ models.
#pragma once

#include <flows/sim.h>

#include <hcl/hcl.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace gen_test {

namespace fs = std::filesystem;

inline fs::path scratch_dir(const std::string &name) {
  auto dir = fs::path(HCL_BINARY_DIR) / "test-out" / "generators" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Low `w` bits of v.
inline std::uint64_t mask(std::int64_t v, int w) {
  return w >= 64 ? static_cast<std::uint64_t>(v)
                 : static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << w) - 1);
}
// The w-bit pattern v read as signed (is_signed) or unsigned.
inline std::int64_t value(std::uint64_t v, int w, bool is_signed) {
  std::uint64_t m = mask(static_cast<std::int64_t>(v), w);
  if (is_signed && w < 64 && (m >> (w - 1)) & 1)
    return static_cast<std::int64_t>(m | ~((std::uint64_t{1} << w) - 1));
  return static_cast<std::int64_t>(m);
}
// Wraps v to w bits with the given signedness (what a w-bit register holds).
inline std::int64_t wrap(std::int64_t v, int w, bool is_signed) {
  return value(static_cast<std::uint64_t>(v), w, is_signed);
}

// One parameter point inside a wrapper: its ports appear on the wrapper as <prefix>_<port>.
struct Point {
  std::string prefix;
  std::function<hcl::Instance(std::string_view)> make;
  std::vector<std::pair<std::string, std::pair<bool, hcl::ir::Type>>> ports; // name, (out, type)
};

template <class Gen> Point point(const std::string &prefix, const Gen &gen) {
  Point p;
  p.prefix = prefix;
  p.make = [gen](std::string_view name) { return hcl::instance(name, gen); };
  hcl::Design d = hcl::elaborate(gen);
  for (const auto &port : d.top_module().ports)
    p.ports.push_back({d.str(port.name), {port.dir == hcl::ir::Dir::Out, port.type}});
  return p;
}

inline hcl::Signal type_of(hcl::ir::Type t) {
  if (t.kind == hcl::ir::Kind::Bool)
    return hcl::Bool();
  if (t.kind == hcl::ir::Kind::SInt)
    return hcl::SInt(static_cast<int>(t.width));
  return hcl::UInt(static_cast<int>(t.width));
}

struct Emitted {
  std::vector<fs::path> files;
  std::string top;
  bool uses_reset = false;
};

// Each process emits into its own folder: ctest runs test cases of one file in parallel, and
// they must not rewrite each other's files while Verilator reads them. The model cache is
// keyed by the Verilog text, not the path, so the build still happens once.
inline Emitted emit(const hcl::Design &d, const std::string &name) {
  auto r = hcl::emit_verilog(d, scratch_dir(name + "-" + std::to_string(::getpid())));
  return {r.files, r.top, d.top_module().uses_reset};
}

// A top named `name` holding every point side by side.
inline Emitted wrap_points(const std::string &name, const std::vector<Point> &points) {
  hcl::FnModule top{name, [&] {
                      for (const auto &p : points) {
                        hcl::Instance inst = p.make("u_" + p.prefix);
                        for (const auto &[port, info] : p.ports) {
                          const std::string outer = p.prefix + "_" + port;
                          if (info.first)
                            hcl::Output(outer, type_of(info.second)) <<= inst[port];
                          else
                            inst[port] <<= hcl::Input(outer, type_of(info.second));
                        }
                      }
                    }};
  return emit(hcl::elaborate(top), name);
}

inline std::unique_ptr<hcl::flows::Simulator> simulate(const Emitted &e) {
  hcl::flows::SimOptions o;
  o.clock = "clock";
  o.reset = e.uses_reset ? "reset" : "";
  auto sim = std::make_unique<hcl::flows::Simulator>(e.files, e.top, o);
  // The loaded model no longer needs the sources.
  std::error_code ec;
  fs::remove_all(e.files.front().parent_path(), ec);
  return sim;
}

} // namespace gen_test
