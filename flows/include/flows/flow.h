// `hcl flow`, the main job: network + architecture in; optimal schedules, Verilog, per-layer
// configurations, area, a co-simulated layer and an HTML report out. The two steps of the
// seed research (Interstellar, ASPLOS 2020): one configurable accelerator generated from the
// schedules, then a configuration per layer for it.
//
// Steps (each prints a progress line):
//   0. with dataflow "auto": the dataflow study (flow_dataflow.h, compare_dataflows): every
//      candidate over the network in the model, on the arch as given; the best objective among
//      the dataflows the template runs is chosen, and flow.json's "dataflow_study" and the
//      report list every candidate with its totals;
//      with `sizes` or `max_area`: the buffer sizes, chosen with the schedules by the exact
//      resource allocation (scheduler/search/allocate.h) over the layers the dataflow places; the
//      flow goes on with the arch resized to them;
//   Every search step reuses the layers an earlier run proved with the same inputs
//   (search_cache.h) and says how many;
//   1. schedule every layer in the accelerator's space (nest_space: the dataflow, C|K, on the
//      mesh, weights in the PE registers), so every schedule found runs on the generated
//      hardware. A layer with no C|K mapping (C or K of 1, e.g. depthwise) is searched again
//      without the axis requirement (still only C and K unrolled) and said so;
//   2. the micro-architecture description of the schedules (scheduler/microarch.h);
//   3. the schedule-driven accelerator's config from the arch and the schedules
//      (nest_lower.h: buffer depths = the largest tiles), overridable with `sets`;
//   4. its Verilog, params.json and params.h (generators/generate.h);
//   5. per layer: the register image of its mapping -> config/<layer>.json and .hex;
//   6. Verilator lint (-Wall) of the Verilog, Yosys area -> area.json;
//   7. co-simulation of one layer (nest_cosim.h): bit-exact, counts and cycles against hcl mode;
//   8. flow.json and report.html (written last).
// Everything is built in a temporary sibling of `out` that replaces `out` only at the end, so
// a failed or interrupted run leaves `out` as it was. Tools are looked up before the search.
// The output holds kFlowMarker, so that a later run knows it may replace the folder.
#pragma once

#include <flows/flow_dataflow.h>

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
  bool force = false;      // replace `out` even if it holds files the flow did not write
  double time_limit_s = 0; // per search step (study, sizes, schedules); 0 = prove all optimal
  int threads = 1;
  std::string objective = "energy";
  std::string dataflow = "auto";  // flow_dataflow.h: auto or X|Y (template_dataflows())
  std::vector<std::string> sizes; // LEVEL=SIZE,SIZE,... candidates (allocate.h); may be empty
  double max_area_um2 = 0;        // area budget for the sizes; 0 = none
  std::string cosim_layer;        // empty: the layer predicted fastest
  std::vector<std::pair<std::string, std::string>> sets; // accelerator key=value overrides
  std::uint64_t cosim_max_cycles = 4'000'000; // simulated cycles before the run is cut off
  // Reuse the proven searches (search_cache.h) and the co-simulated run (cosim_cache.h) of
  // earlier runs with the same inputs, kept in default_cache_dir(), and keep this run's;
  // false searches and simulates again. Verilator models and Yosys reports are always reused.
  bool reuse_cached = true;
  std::function<void(const std::string &)> progress; // one line per step
  // A transient status line for the step that is running (the search's points and best so
  // far, the Yosys pass, the Verilator build, simulated cycles and ETA), about twice a second,
  // from worker threads; "" clears it. Empty: nothing but the `progress` lines, as on a pipe.
  std::function<void(const std::string &)> status;
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

// The checks run_flow makes before anything long runs (the network, the arch, the dataflow,
// the sizes, the co-simulated layer, the tools), with the same errors; writes nothing.
void check_flow_inputs(const FlowOptions &options);

} // namespace hcl::flows
