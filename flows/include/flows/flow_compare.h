// `hcl flow --compare-dataflows`: the seed research's experiment (Interstellar, ASPLOS 2020)
// on generated hardware instead of a model alone. For every buffer-size point and every
// dataflow the accelerator template runs, the whole flow runs with that hardware (schedules
// searched for it, Verilog, lint, Yosys area, one co-simulated layer, the same layer on every
// design), and a table sets the designs side by side: energy from the RTL's counters priced at
// the arch's per-access energies, measured cycles and area, each next to the model's.
//
// Size points: with FlowOptions::sizes, every combination of one candidate per level (the
// product of the lists), each fixed for its designs; without, the arch's own sizes as one
// point. The co-simulated layer is FlowOptions::cosim_layer, or the layer the first design
// predicts fastest, kept for the others.
//
// Output folder `out` (replaced as a whole, as hcl flow's): compare.json, compare.md,
// compare.html (flow_report.h, render_compare_report) and one
// complete flow folder per design, p<point>-<dataflow>/ (e.g. p1-CK/, p2-C/), each with its
// own report.html. Nothing is kept unless every design ran.
#pragma once

#include <flows/flow.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace hcl::flows {

struct CompareDesign {
  std::string dataflow, point; // point: "GLB=65536 B" (sched::sizes_text), or "as the arch gives"
  std::string folder;          // under `out`
  double rtl_energy_pj = 0, model_energy_pj = 0;
  std::uint64_t rtl_cycles = 0, model_cycles = 0;
  double area_um2 = 0;
  bool passed = false; // the co-simulation's three checks and a clean lint
  // Why the design was not built (the template's limits on this arch, e.g. a tree wider than
  // the buffer's banks); empty when it was. Its numbers are then 0.
  std::string error;
};

struct CompareResult {
  std::string layer;
  std::vector<CompareDesign> designs; // point-major, in template_dataflows() order
  std::filesystem::path table;        // out/compare.md
  bool all_passed = false;
  int exit_code() const { return all_passed ? 0 : 1; }
};

// Throws as run_flow does when no design could be built (the first design's error); a design
// that fails on its own (the template cannot build it on this arch, a co-simulation
// mismatch) is in its row.
CompareResult run_flow_comparison(const FlowOptions &o);

// compare.json: {"layer", "designs": [{dataflow, point, folder, passed, energy_pj: {rtl,
// model}, cycles: {rtl, model}, area_um2, error (only when not built)}], "dataflow_spread":
// [{point, min_energy_pj, max_energy_pj, ratio}], "sizing_range": [{dataflow, min_energy_pj,
// max_energy_pj, ratio}]}: per point, how far apart the dataflows are; per dataflow, how far apart
// the sizes are (RTL energies of the designs that were built).
nlohmann::json compare_json(const CompareResult &r);
std::string compare_markdown(const CompareResult &r);

} // namespace hcl::flows
