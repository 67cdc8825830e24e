// `hcl flow`, the main job: network + architecture in; optimal schedules, Verilog, per-layer
// configurations, area, a co-simulated layer and an HTML report out. The two steps of the
// seed research (Interstellar, ASPLOS 2020): one configurable accelerator generated from the
// schedules, then a configuration per layer for it.
//
// Steps (each prints a progress line):
//   1. schedule every layer on the architecture with the weight-stationary C|K dataflow fixed
//      (C unrolled on the mesh's X axis, K on Y, nothing else unrolled), since that is the
//      array the generator builds: every schedule found is runnable on the generated hardware.
//      A layer with no C|K mapping (C or K of 1, e.g. depthwise) is searched again without
//      the axis requirement (still only C and K unrolled) and said so;
//   2. the micro-architecture description of the schedules (scheduler/microarch.h);
//   3. one AcceleratorConfig derived from it (flow_lower.h), overridable with `sets`;
//   4. its Verilog, params.json and params.h (generators/generate.h);
//   5. per layer: im2col GEMM, tiling into invocations, register writes -> config/<layer>.json;
//   6. Verilator lint (-Wall) of the Verilog, Yosys area -> area.json;
//   7. co-simulation of one layer (flow_cosim.h);
//   8. flow.json and report.html (written last).
// Everything is built in a temporary sibling of `out` that replaces `out` only at the end, so
// a failed or interrupted run leaves `out` as it was. Tools are looked up before the search.
// The output holds kFlowMarker, so that a later run knows it may replace the folder.
#pragma once

#include <flows/flow_cosim.h>

#include <scheduler/stop.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace hcl::flows {

// The file every output folder of hcl flow holds: a non-empty folder without it is not replaced
// unless FlowOptions::force is set.
inline constexpr const char *kFlowMarker = ".hcl-flow";

struct FlowOptions {
  std::filesystem::path network, arch, out;
  bool force = false; // replace `out` even if it holds files the flow did not write
  double time_limit_s = 0; // whole search budget; 0 = prove every layer optimal
  int threads = 1;
  std::string objective = "energy";
  std::string cosim_layer; // empty: the smallest layer by MACs
  std::vector<std::pair<std::string, std::string>> sets; // accelerator key=value overrides
  std::uint64_t cosim_max_cycles = CosimOptions{}.max_cycles;
  std::function<void(const std::string &)> progress; // one line per step
  // Once interrupted, the flow ends after the step it is in (the search step stops its
  // search) and throws Interrupted, leaving `out` as it was.
  sched::StopToken stop;
};

struct FlowResult {
  bool lint_clean = false;
  bool cosim_passed = false;
  bool all_scheduled = false;
  std::filesystem::path report; // out/report.html
  int exit_code() const { return lint_clean && cosim_passed && all_scheduled ? 0 : 1; }
};

// Throws std::invalid_argument-derived errors for bad input (naming the file / key), ToolMissing
// when verilator or yosys is absent, and UsageError when another run holds `out` (naming its
// pid) or `out` is a non-empty folder without kFlowMarker and `force` is not set; nothing is
// written then. While it runs, `out` is locked with `.<out>.lock` beside it.
FlowResult run_flow(const FlowOptions &options);

} // namespace hcl::flows
