// Co-simulation of Verilog under Verilator from C++ (the ChiselSim / ROHD SimCompare pattern):
// build (or fetch from the cache) a Verilated model of the design, load it in-process, and
// drive it by port name. A test needs no Verilator invocation or CMake code of its own.
//
//   hcl::flows::Simulator sim({"acc.v"}, "acc");
//   sim.reset();
//   sim.poke("d", 5);
//   sim.step();
//   CHECK(sim.peek("total") == 5);
//
// Timing model: the clock idles low. step() raises it (the posedge, where registers update),
// evaluates, lowers it and evaluates again; inputs poked between steps are therefore sampled
// by the next posedge, and peek() after step() reads the values after that edge. peek()
// re-evaluates combinational logic first if inputs changed since the last evaluation.
#pragma once

#include <flows/sim_build.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hcl::flows {

struct SimOptions {
  std::string clock = "clk"; // clock input; empty for a purely combinational design
  // Reset input; empty for none. A name ending in "_n" or "_ni" is taken as active low.
  std::string reset = "rst";
  std::filesystem::path vcd; // non-empty: write a VCD trace here (builds a traced model)
  ModelOptions model;        // Verilator arguments and cache folder
};

struct PortInfo {
  std::string name;
  int width = 0;
  bool output = false;
};

// Index of a port in Simulator::ports(); resolving names once keeps inner loops fast.
using PortId = std::size_t;

class LoadedModel;

class Simulator {
public:
  // Builds or loads the model of `top` from `files`. Throws UsageError when the design does
  // not build or when a clock/reset name given in `options` is not an input of the design,
  // ToolMissing when Verilator is absent.
  Simulator(const std::vector<std::filesystem::path> &files, const std::string &top,
            const SimOptions &options = {});
  ~Simulator();
  Simulator(const Simulator &) = delete;
  Simulator &operator=(const Simulator &) = delete;

  const std::vector<PortInfo> &ports() const { return ports_; }
  // Throws UsageError listing the ports when `name` is not one.
  PortId port(std::string_view name) const;
  bool has_port(std::string_view name) const;

  // Drives an input. Throws UsageError for outputs and for values that do not fit the width.
  void poke(PortId port, std::uint64_t value);
  void poke(std::string_view name, std::uint64_t value) { poke(port(name), value); }
  // Ports of any width: little-endian 32-bit words (word 0 holds bits 31..0).
  void poke_words(PortId port, const std::vector<std::uint32_t> &words);
  void poke_words(std::string_view name, const std::vector<std::uint32_t> &words) {
    poke_words(port(name), words);
  }

  // Reads a port (outputs and inputs). peek() throws UsageError for ports wider than 64 bits.
  std::uint64_t peek(PortId port);
  std::uint64_t peek(std::string_view name) { return peek(port(name)); }
  std::vector<std::uint32_t> peek_words(PortId port);
  std::vector<std::uint32_t> peek_words(std::string_view name) { return peek_words(port(name)); }

  // Evaluates combinational logic without a clock edge.
  void eval();
  // n clock cycles (see the timing model above). Throws UsageError without a clock port.
  void step(std::uint64_t n = 1);
  // Holds reset active for `cycles` cycles, then releases it (without a further edge).
  void reset(std::uint64_t cycles = 1);

  std::uint64_t cycle() const { return cycle_; }
  // True when the model came from the cache instead of a fresh Verilator build.
  bool cache_hit() const { return built_.cache_hit; }
  const BuiltModel &model() const { return built_; }

private:
  void set_clock(bool level);
  void destroy_on_error_();

  BuiltModel built_;
  std::shared_ptr<LoadedModel> lib_;
  void *inst_ = nullptr;
  std::vector<PortInfo> ports_;
  std::vector<void *> data_;
  long clock_ = -1;
  long reset_ = -1;
  bool reset_active_low_ = false;
  bool dirty_ = true;
  bool tracing_ = false;
  std::uint64_t cycle_ = 0;
  std::uint64_t time_ = 0;
};

} // namespace hcl::flows
