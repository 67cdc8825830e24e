// `hcl flow`: the main job, network + architecture in; schedules, Verilog, per-layer
// configurations, area, a co-simulated layer and an HTML report out (flows/flow.h).
#include "command.h"
#include "interrupt.h"
#include "live_line.h"
#include "options.h"

#include <flows/flow.h>
#include <flows/flow_compare.h>

#include <generators/generate.h>
#include <generators/nest_accelerator.h>

#include <fmt/core.h>

#include <cstdio>
#include <limits>
#include <memory>

namespace {

const hcl::cli::RegisterCommand reg_flow{
    "flow",
    "The main job: network + architecture (+ size candidates or an area budget) -> optimal "
    "schedules, one configurable accelerator (Verilog) that runs them, per-layer configs, "
    "lint, area, a co-simulated layer, report.html",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      struct Args {
        hcl::flows::FlowOptions o;
        std::string network, arch, out;
        std::vector<std::string> sets;
        bool compare = false;
      };
      auto a = std::make_shared<Args>();
      cmd.footer(
          "Steps: 0 with --dataflow auto, the dataflow study (C|K, R|P, Q|P, S|R over the network "
          "in the model, on the arch as given; the best the template runs is chosen, the others "
          "are listed with their totals), and with --sizes or --max-area, the buffer sizes chosen "
          "with the schedules (exact allocation), 1 schedule every layer in the accelerator's "
          "space (the dataflow, C|K, on the "
          "mesh, weights in the PE registers), 2 micro-architecture description, 3 accelerator "
          "config (rows x cols = the mesh, widths from word bits, memory port lanes from DRAM's "
          "bandwidth, buffer depths = the largest tiles; --set overrides), 4 Verilog, 5 "
          "per-layer configs (each layer's mapping as a register image), 6 Verilator lint, 7 "
          "Yosys area, 8 co-simulation of one layer: bit-exact against a C++ convolution, RTL "
          "counters and cycles against the model. Output DIR: report.html (summary against the "
          "bounds, per-layer loop nests and charts, the array's diagram, area, studies, checks; "
          "self-contained, prints to PDF), report.json (its data), flow.json, "
          "schedules.json, schedules/, microarch.json, rtl/, params.json, params.h, config/, "
          "layers/, arch.yaml, lint.txt, area.json, .hcl-flow; it is replaced only when every "
          "step ran, and a second "
          "run into the same DIR while one runs exits 2 naming its pid. Exit 0 all good, 1 lint "
          "findings / co-sim mismatch / a layer without a mapping, 2 bad input or a missing "
          "tool, 130 interrupted: the first Ctrl-C ends the run after the step it is in (a "
          "search stops at once) and DIR stays as it was; a second Ctrl-C quits at once. On a "
          "terminal, a live line under the step lines shows what a long step is doing (the "
          "search's mappings bounded and best so far, the Yosys pass, the Verilator build, the "
          "simulated cycles and ETA); on a pipe or file, only the step lines. See "
          "docs/flows.md.");
      cmd.add_option("--network", a->network, "Network YAML (examples/networks/)")->required();
      cmd.add_option("--arch", a->arch,
                     "Architecture YAML (ours, e.g. examples/arch/tpu_like.yaml); its PE mesh is "
                     "the accelerator's array")
          ->required();
      cmd.add_option("-o,--output", a->out,
                     "Output folder DIR, replaced as a whole; a non-empty DIR that hcl flow did "
                     "not write (no .hcl-flow file in it) is refused without --force")
          ->required();
      cmd.add_flag("--force", a->o.force,
                   "Replace DIR even if it holds files hcl flow did not write");
      cmd.add_option("--time-limit", a->o.time_limit_s,
                     "Seconds for each search step (the dataflow study, the size allocation and "
                     "the schedule search each end within it); a stopped search reports its gap "
                     "(0 = prove every layer optimal)")
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max()));
      cmd.add_option("--threads", a->o.threads,
                     "Search threads (the result does not depend on "
                     "them without a time limit); default 1");
      cmd.add_option("--objective", a->o.objective,
                     "What to minimize: energy (default), cycles, edp")
          ->check(CLI::IsMember({"energy", "cycles", "edp"}));
      cmd.add_option("--dataflow", a->o.dataflow,
                     "The array's dataflow: auto (default: the best network objective in the "
                     "model's study of C|K, R|P, Q|P and S|R among those the template runs) or "
                     "the loops on its rows and columns as X|Y, in the scheduler's names (C|K) "
                     "or Interstellar's (IC|OC, FY|Y); the template runs C|K, others exit 2 "
                     "naming it");
      cmd.add_option("--sizes", a->o.sizes,
                     "LEVEL=SIZE,SIZE,... candidate sizes of an on-chip level (bytes, or with "
                     "B/KB/MB), repeatable: the sizes are chosen with the schedules (one set for "
                     "the network), and the generated buffers hold them");
      cmd.add_option("--max-area", a->o.max_area_um2,
                     "Area budget in um^2 for the sizes (needs an area model in the arch); "
                     "without --sizes, an arch over it exits 2")
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max(), true));
      cmd.add_flag("--no-cache{false}", a->o.reuse_cached,
                   "Search every layer and simulate again instead of reusing what an earlier run "
                   "found with the same inputs (kept in $HCL_CACHE_DIR by a content hash: a "
                   "search by the layer's shape, the arch, the search options and this build of "
                   "hcl; a co-simulation by the Verilog, the configuration and the seed; what is "
                   "reused says 'skipped, cached'). Verilator models and Yosys reports are "
                   "reused either way");
      cmd.add_flag("--compare-dataflows", a->compare,
                   "The seed's experiment on RTL: for every dataflow the template runs and every "
                   "size point (each combination of one --sizes candidate per level, or the "
                   "arch's sizes), the whole flow into DIR/p<point>-<dataflow>/, the same layer "
                   "co-simulated on each; DIR/compare.md and compare.json set energy from the RTL "
                   "counts, cycles and area side by side with the model's, with the spread "
                   "between dataflows and the range over sizes. Not with --dataflow");
      cmd.add_option("--cosim", a->o.cosim_layer,
                     "Layer to co-simulate (default: the one predicted fastest)");
      cmd.add_option("--cosim-max-cycles", a->o.cosim_max_cycles,
                     fmt::format("Cycle budget of the co-simulation (default {}): a layer "
                                 "predicted to need more (plus the 2% the check allows) exits 2 "
                                 "after the search, before Verilog is written; a run that does "
                                 "not end within it FAILs",
                                 a->o.cosim_max_cycles))
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max())); // not -1: wraps
      cmd.add_option("--set", a->sets,
                     "Accelerator override key=value, repeatable: " +
                         hcl::gen::NestAcceleratorConfig::key_names())
          ->allow_extra_args(false);
      return [a]() {
        hcl::cli::stop_on_interrupt();
        a->o.stop = hcl::cli::stop_token();
        a->o.network = a->network;
        a->o.arch = a->arch;
        a->o.out = a->out;
        for (const auto &s : a->sets) {
          a->o.sets.push_back(hcl::gen::parse_setting(s));
        }
        auto out = std::make_shared<hcl::cli::LiveLine>();
        a->o.progress = [out](const std::string &line) { out->line(line); };
        if (out->live()) {
          a->o.status = [out](const std::string &text) { out->status(text); };
        }
        if (a->compare) {
          const auto c = hcl::flows::run_flow_comparison(a->o);
          fmt::print("\n{}\ntable: {}\n", hcl::flows::compare_markdown(c), c.table.string());
          if (c.exit_code() != 0) {
            fmt::print(stderr, "hcl flow: a design failed its checks (see the table)\n");
          }
          return c.exit_code();
        }
        const auto r = hcl::flows::run_flow(a->o);
        fmt::print("report: {}\n", r.report.string());
        if (r.exit_code() != 0) {
          fmt::print(stderr, "hcl flow: {}{}{}\n", r.lint_clean ? "" : "lint findings; ",
                     r.cosim_passed ? "" : "co-simulation FAILED; ",
                     r.all_scheduled ? "" : "a layer has no mapping");
        }
        return r.exit_code();
      };
    }};

} // namespace
