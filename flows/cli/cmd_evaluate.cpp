// `hcl evaluate`: the analytical cost of one mapping of one layer on one architecture, from
// Timeloop's files or ours (recognized by content), in Timeloop, Interstellar or hcl mode.
#include "command.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/output_paths.h>
#include <flows/spec_files.h>

#include <scheduler/interstellar/interstellar_io.h>
#include <scheduler/io/json_out.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/model.h>
#include <scheduler/search/padding.h>

#include <support/text.h>

#include <fmt/core.h>

#include <filesystem>
#include <map>
#include <memory>

namespace {

using namespace hcl::sched;
using hcl::flows::load_arch_file;
using hcl::flows::load_problem_file;
using hcl::flows::require_file;

struct Options {
  std::string problem, arch, mapping, ert, json, export_timeloop;
  std::string mode = "hcl";
  bool legacy = false;
};

struct Inputs {
  Problem problem;
  TimeloopArch arch;
  Mapping mapping;
};

Inputs load_inputs(const Options &o) {
  Inputs in;
  in.problem = load_problem_file(o.problem);
  in.arch = load_arch_file(o.arch, in.problem, o.ert);
  in.mapping = hcl::flows::load_mapping_file(o.mapping, in.problem, in.arch.arch);
  return in;
}

void print_table(const Inputs &in, const Evaluation &e, const std::string &mode) {
  fmt::print("mode {}: {} MACs, {} cycles, utilization {:.2f}%, energy {:.2f} pJ "
             "({:.2f} fJ/MAC)\n",
             mode, hcl::support::grouped(e.macs), hcl::support::grouped(e.cycles),
             100 * e.utilization, e.energy_pj, 1000 * e.energy_pj / static_cast<double>(e.macs));
  fmt::print("bounds: compute {} cycles; backing store {} words (compulsory {})\n",
             hcl::support::grouped(e.bounds.compute_cycles), hcl::support::grouped(e.backing_words),
             hcl::support::grouped(e.bounds.compulsory_backing_words));
  fmt::print("{:<20} {:>5} {:<8} {:>10} {:>5} {:>12} {:>12} {:>12} {:>14}\n", "level", "inst",
             "tensor", "capacity", "used", "reads", "fills", "updates", "energy_pj");
  for (std::size_t i = 0; i < e.levels.size(); ++i) {
    const auto &lr = e.levels[i];
    std::int64_t words = 0;
    for (std::size_t t = 0; t < in.problem.tensors.size(); ++t) {
      const auto &c = lr.tensors[t];
      if (!c) {
        continue;
      }
      words += c->utilized_capacity;
      fmt::print("{:<20} {:>5} {:<8} {:>10} {:>5} {:>12} {:>12} {:>12} {:>14.2f}\n", lr.name,
                 lr.instances, in.problem.tensors[t].name,
                 hcl::support::grouped(c->utilized_capacity), c->utilized_instances,
                 hcl::support::grouped(c->reads), hcl::support::grouped(c->fills),
                 hcl::support::grouped(c->updates), c->energy_pj);
    }
    const std::int64_t size = in.arch.arch.levels[i].size_words;
    if (size > 0 && words > size) {
      fmt::print(stderr, "warning: {} holds {} words of tiles, capacity {}\n", lr.name,
                 hcl::support::grouped(words), hcl::support::grouped(size));
    }
  }
  fmt::print("MACs energy {:.2f} pJ\n", e.mac_energy_pj);
}

int run(const Options &o) {
  require_file(o.problem, "--problem");
  require_file(o.arch, "--arch");
  require_file(o.mapping, "--mapping");
  hcl::flows::check_outputs(
      {{"--json", o.json}, {"--export-timeloop", o.export_timeloop}}, hcl::flows::OutputKind::File,
      {{"--problem", o.problem}, {"--arch", o.arch}, {"--mapping", o.mapping}, {"--ert", o.ert}});
  if (o.mode == "interstellar") {
    if (!o.ert.empty() || o.legacy || !o.export_timeloop.empty()) {
      throw hcl::flows::UsageError(
          "--ert, --timeloop-legacy and --export-timeloop do not apply to --mode interstellar");
    }
    const nlohmann::json j = interstellar::evaluate_files(o.problem, o.arch, o.mapping);
    fmt::print("mode interstellar: {} MACs, energy {:.2f} pJ\n", j.value("macs", 0),
               j.value("energy_pj", 0.0));
    if (j.contains("levels")) {
      for (const auto &l : j["levels"]) {
        fmt::print("{:<20} {:>14.2f} pJ\n", l.value("name", std::string("?")),
                   l.value("energy_pj", 0.0));
      }
    }
    if (!j.value("valid", true) && j.contains("violations")) {
      for (const auto &v : j["violations"]) {
        fmt::print(stderr, "warning: {}\n", v.get<std::string>());
      }
    }
    if (!o.json.empty()) {
      hcl::flows::write_file_atomic(o.json, j.dump(2) + "\n");
      fmt::print("wrote {}\n", o.json);
    }
    return 0;
  }
  const Inputs in = load_inputs(o);
  EvalOptions opt;
  opt.legacy_first_fill = o.legacy;
  const Mode mode = o.mode == "timeloop" ? Mode::Timeloop : Mode::Hcl;
  // A padded schedule (`padding: true`) computes its factors' products: evaluate that problem,
  // reported against the layer itself (padding.h's rule).
  const auto computed = mapping_bounds(in.problem, in.mapping);
  Evaluation e = evaluate(with_bounds(in.problem, computed), in.arch.arch, in.mapping, mode, opt);
  if (computed != in.problem.bounds) {
    report_against_original(in.problem, in.arch.arch, e);
    fmt::print("padded: the schedule computes {} MACs for the layer's {}\n", e.macs,
               in.problem.macs());
  }
  print_table(in, e, o.mode);
  if (!o.json.empty()) {
    hcl::flows::write_file_atomic(o.json, to_json(in.problem, in.arch.arch, e).dump(2) + "\n");
    fmt::print("wrote {}\n", o.json);
  }
  if (!o.export_timeloop.empty()) {
    hcl::flows::write_file_atomic(o.export_timeloop,
                                  mapping_to_timeloop_yaml(in.problem, in.arch.arch, in.mapping));
    fmt::print("wrote {}\n", o.export_timeloop);
  }
  return 0;
}

const hcl::cli::RegisterCommand reg_evaluate{
    "evaluate", "Analytical cost (per-level reads/fills/updates, cycles, energy) of one mapping",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto o = std::make_shared<Options>();
      cmd.add_option("--problem", o->problem,
                     "Layer: Timeloop problem YAML or our workload YAML; with --mode "
                     "interstellar the tool's layer JSON")
          ->required();
      cmd.add_option("--arch", o->arch,
                     "Architecture: Timeloop v0.4 (or v0.2) architecture YAML or our arch YAML; "
                     "with --mode interstellar the tool's arch JSON")
          ->required();
      cmd.add_option("--mapping", o->mapping,
                     "Mapping: Timeloop mapping YAML or our schedule YAML; with --mode "
                     "interstellar a JSON with blockings, partitionings, orders, para_loop_dim")
          ->required();
      cmd.add_option("--ert", o->ert,
                     "Accelergy ERT_summary.yaml: energy per read/write/update/leak of each "
                     "level and per MAC (overrides the arch's energies)");
      cmd.add_option("--mode", o->mode,
                     "timeloop: Timeloop v0.4 counts; interstellar: the Interstellar energy "
                     "model; hcl (default): the generated accelerator's counts (no halo "
                     "reuse) and cycles (docs/cost-model.md)")
          ->check(CLI::IsMember({"timeloop", "interstellar", "hcl"}));
      cmd.add_flag("--timeloop-legacy", o->legacy,
                   "Count the first (zero) fill of partial sums as a fill, like Timeloop before "
                   "v0.4");
      cmd.add_option("--json", o->json,
                     "Write the evaluation as JSON here (counts per instance, levels innermost "
                     "first)");
      cmd.add_option("--export-timeloop", o->export_timeloop,
                     "Also write the mapping as a Timeloop v0.4 mapping YAML here");
      return [o]() { return run(*o); };
    }};

} // namespace
