#include <flows/flow.h>

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/file_lock.h>
#include <flows/flow_report.h>
#include <flows/lint.h>
#include <flows/nest_cosim.h>
#include <flows/output_paths.h>
#include <flows/synth.h>
#include <flows/temp_dir.h>
#include <flows/tool.h>
#include <flows/tool_args.h>

#include <generators/file_name.h>
#include <generators/generate.h>
#include <generators/require.h>

#include <scheduler/allocate.h>
#include <scheduler/microarch.h>
#include <scheduler/network.h>
#include <scheduler/network_schedule.h>
#include <scheduler/search.h>
#include <scheduler/search_json.h>
#include <scheduler/spec_yaml.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

using sched::Problem;

// The one dimension index every layer must agree on for the dataflow constraint.
int common_dim(const sched::Network &net, const char *name) {
  int d = -1;
  for (const auto &l : net.layers) {
    const int i = l.problem.dim_index(name);
    if (i < 0 || (d >= 0 && i != d))
      throw UsageError(fmt::format("layer '{}': hcl flow needs the dimension {} at the same "
                                   "position in every layer (conv / FC layers)",
                                   l.problem.name, name));
    d = i;
  }
  return d;
}

std::string dataflow_of(const sched::LayerSchedule &l, int c, int k) {
  if (!l.result.found)
    return "-";
  std::string x, y;
  for (const auto &lv : l.result.mapping.levels) {
    for (const auto &lp : lv.spatial_x)
      x += lp.dim == c ? "C" : lp.dim == k ? "K" : "?";
    for (const auto &lp : lv.spatial_y)
      y += lp.dim == c ? "C" : lp.dim == k ? "K" : "?";
  }
  return fmt::format("{}|{}", x.empty() ? "-" : x, y.empty() ? "-" : y);
}

// A layer with every dimension any layer has (G when some layer is grouped), for the space's
// per-dimension constraints.
const Problem &widest_layer(const sched::Network &net) {
  const Problem *w = &net.layers.front().problem;
  for (const auto &l : net.layers)
    if (l.problem.dim_names.size() > w->dim_names.size())
      w = &l.problem;
  return *w;
}

// C and K both above 1: the C|K space can place the layer on both axes.
bool placeable(const Problem &p) {
  const int c = p.dim_index("C"), k = p.dim_index("K");
  const auto bound = [&](int d) { return d < 0 ? 1 : p.bounds[static_cast<std::size_t>(d)]; };
  return bound(c) > 1 && bound(k) > 1;
}

// The part of the search budget kept for search_unplaced_again: the share of the unique
// shapes with C or K of 1, which the C|K space cannot place.
double relaxed_share(const sched::Network &net) {
  std::vector<const Problem *> uniques;
  std::size_t unplaceable = 0;
  for (const auto &l : net.layers) {
    if (std::any_of(uniques.begin(), uniques.end(),
                    [&](const Problem *u) { return sched::same_shape(*u, l.problem); }))
      continue;
    uniques.push_back(&l.problem);
    unplaceable += placeable(l.problem) ? 0 : 1;
  }
  return static_cast<double>(unplaceable) / static_cast<double>(std::max<std::size_t>(1, uniques.size()));
}

// C or K of 1 (a depthwise layer) cannot sit on its axis: such layers are searched again
// without the axis requirement, still in the accelerator's space otherwise.
std::vector<std::string> search_unplaced_again(sched::NetworkSchedule &ns, const sched::Arch &arch,
                                               const sched::SearchOptions &so,
                                               const FlowOptions &o,
                                               const std::function<void(const std::string &)> &say) {
  std::vector<std::string> relaxed;
  std::size_t unplaced = 0;
  for (const auto &l : ns.layers)
    unplaced += !l.result.found && l.same_as.empty() ? 1 : 0;
  for (std::size_t i = 0; i < ns.layers.size(); ++i) {
    auto &l = ns.layers[i];
    if (l.result.found)
      continue;
    relaxed.push_back(l.name);
    if (!l.same_as.empty()) { // an identical earlier layer was searched again already
      for (std::size_t j = 0; j < i; ++j)
        if (ns.layers[j].name == l.same_as)
          l.result = ns.layers[j].result;
      continue;
    }
    sched::SearchOptions r = so;
    r.space = nest_space(l.problem, arch);
    r.space.dataflow_x = r.space.dataflow_y = -1;
    // What is left of the search step's deadline (so.stop), shared by the layers still to go.
    r.time_limit_s = o.time_limit_s > 0 ? std::max(1e-3, so.stop.seconds_left() /
                                                             static_cast<double>(unplaced - relaxed.size() + 1))
                                        : 0;
    l.result = sched::search(l.problem, arch, r);
    say(fmt::format("      {:<16} searched again without C on X and K on Y: {}", l.name,
                    !l.result.found ? std::string("no mapping")
                                    : fmt::format("{:.4g} pJ, {} cycles, utilization {:.2f}%",
                                                  l.result.evaluation.energy_pj, l.result.evaluation.cycles,
                                                  100 * l.result.evaluation.utilization)));
  }
  return relaxed;
}

void summarize(sched::NetworkSchedule &ns) {
  ns.total_energy_pj = 0;
  ns.total_cycles = 0;
  ns.all_found = ns.all_optimal = true;
  for (const auto &l : ns.layers) {
    ns.all_found = ns.all_found && l.result.found;
    ns.all_optimal = ns.all_optimal && l.result.optimal;
    if (l.result.found) {
      ns.total_energy_pj += l.result.evaluation.energy_pj * static_cast<double>(l.repeat);
      ns.total_cycles += l.result.evaluation.cycles * l.repeat;
    }
  }
}

// Step 0 (--sizes / --max-area): the sizes chosen with the schedules by the exact allocation,
// over the layers the dataflow places on both axes (the others are searched again in step 1
// on whatever sizes win). Returns the resized arch and the allocation for flow.json.
std::pair<sched::Arch, nlohmann::json>
choose_sizes(const sched::Network &net, const sched::Arch &arch, const sched::SearchOptions &so,
             const sched::AllocationOptions &ao, const FlowOptions &o,
             const std::function<void(const std::string &)> &say) {
  sched::Network placed = net;
  placed.layers.erase(std::remove_if(placed.layers.begin(), placed.layers.end(),
                                     [](const sched::NetworkLayer &l) { return !placeable(l.problem); }),
                      placed.layers.end());
  if (placed.layers.empty())
    placed = net;
  sched::SearchOptions s = so;
  s.stop = o.stop.within(o.time_limit_s);
  s.time_limit_s = o.time_limit_s;
  std::vector<std::string> levels;
  for (const auto &c : ao.sizes)
    levels.push_back(c.level);
  sched::AllocationResult r;
  try {
    r = sched::allocate(placed, arch, ao, s, [&](const sched::AllocationPoint &p) {
      say(fmt::format("      {:<40} {}", sched::sizes_text(levels, p.size_bytes),
                      !p.found ? std::string("no schedule for every layer")
                               : fmt::format("{:.6g} ({})", p.objective,
                                             p.optimal ? "optimal" : "not proven")));
    });
  } catch (const std::invalid_argument &e) {
    throw UsageError(e.what()); // names --sizes' level or the --max-area budget
  }
  if (!r.found) {
    if (o.stop.interrupted())
      throw Interrupted();
    throw UsageError(fmt::format("--sizes{}: no combination schedules every layer of {} ({} "
                                 "searched{}); give larger sizes",
                                 ao.max_area_um2 > 0 ? " / --max-area" : "", o.network.string(),
                                 r.searched, r.out_of_time ? ", the time limit ran out" : ""));
  }
  const std::string chosen = sched::sizes_text(r.levels, r.size_bytes);
  say(fmt::format("      chosen: {}{}", chosen.empty() ? "the arch's sizes" : chosen,
                  r.optimal ? " (optimal)" : fmt::format(" (gap {:.2f}%)", 100 * r.gap)));
  nlohmann::json j = sched::allocation_json(r);
  j["network_layers"] = placed.layers.size();
  return {r.arch, j};
}

// On-chip levels with a size, as flow.json lists them.
nlohmann::json buffer_sizes(const sched::Arch &arch) {
  nlohmann::json j = nlohmann::json::array();
  for (std::size_t l = 0; l + 1 < arch.levels.size(); ++l) {
    const auto &lv = arch.levels[l];
    if (lv.size_words > 0)
      j.push_back({{"level", lv.name}, {"words", lv.size_words},
                   {"bytes", lv.size_words * lv.word_bits / 8}});
  }
  return j;
}

std::size_t fewest_cycles(const sched::NetworkSchedule &ns) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < ns.layers.size(); ++i)
    if (ns.layers[i].result.evaluation.cycles < ns.layers[best].result.evaluation.cycles)
      best = i;
  return best;
}

// hcl flow replaces its output folder as a whole, so a folder it did not write (no marker) is
// replaced only when asked to.
void require_flow_folder(const fs::path &out, bool force) {
  std::error_code ec;
  if (force || !fs::is_directory(out, ec) || fs::is_empty(out, ec) ||
      fs::exists(out / kFlowMarker, ec))
    return;
  throw UsageError(fmt::format("-o '{}' holds files that hcl flow did not write (it has no {} "
                               "file), and the flow replaces the whole folder; choose another "
                               "folder, empty it, or pass --force to replace it",
                               out.string(), kFlowMarker));
}

} // namespace

FlowResult run_flow(const FlowOptions &o) {
  const auto say = [&](const std::string &s) {
    if (o.progress)
      o.progress(s);
  };
  // Each step starts here: an interrupt ends the run between steps, before anything is kept.
  const auto step = [&](const std::string &s) {
    if (o.stop.interrupted())
      throw Interrupted();
    say(s);
  };
  const auto t0 = std::chrono::steady_clock::now();
  // ---- inputs, all checked before anything long runs ----------------------------------------
  if (o.out.empty())
    throw UsageError("-o: give the output folder");
  require_file(o.network.string(), "--network");
  require_file(o.arch.string(), "--arch");
  check_output({"-o", o.out}, OutputKind::ReplacedFolder);
  check_not_an_input({"-o", o.out}, OutputKind::ReplacedFolder,
                     {{"--network", o.network}, {"--arch", o.arch}});
  require_tool_path(o.out, "-o"); // rtl/ under it goes to Verilator and Yosys
  if (o.threads < 1 || o.threads > 256)
    throw UsageError(fmt::format("--threads must be 1..256, got {}", o.threads));
  const sched::Network net = sched::load_network_yaml(o.network.string());
  if (net.layers.empty())
    throw UsageError(fmt::format("{}: the network has no layers", o.network.string()));
  if (sched::detect_spec_kind(o.arch.string()) != sched::SpecKind::Arch)
    throw UsageError(fmt::format("{}: not an architecture file; hcl flow takes our arch YAML "
                                 "(top-level key 'arch:')",
                                 o.arch.string()));
  const sched::Arch spec_arch = sched::load_arch_yaml(o.arch.string());
  FlowDataflow dataflow;
  sched::AllocationOptions ao;
  try {
    dataflow = choose_dataflow(o.dataflow);
    for (const auto &s : o.sizes)
      ao.sizes.push_back(sched::parse_size_candidates(s));
  } catch (const std::invalid_argument &e) {
    throw UsageError(e.what());
  }
  if (!(o.max_area_um2 >= 0))
    throw UsageError(fmt::format("--max-area {}: give an area in um^2 (0 = no budget)", o.max_area_um2));
  ao.max_area_um2 = o.max_area_um2;
  if (ao.max_area_um2 > 0 && !spec_arch.has_area)
    throw UsageError(fmt::format("--max-area: {} has no area model (give area_table or area_um2 "
                                 "on every level, docs/specs.md)",
                                 o.arch.string()));
  const bool allocating = !ao.sizes.empty() || ao.max_area_um2 > 0;
  for (const auto &l : net.layers) {
    // Layer names become file names (config/<layer>.json, schedules/<layer>.schedule.yaml).
    gen::require_file_name(l.problem.name, o.network.string() + ": layer name");
    (void)conv_layer(l.problem); // names a layer outside the conv family now
  }
  // The model's cycles are the generated design's: its timing is known before the search
  // (array and memory port), and unknown keys or bad values of --set fail now.
  gen::NestAcceleratorConfig probe;
  try {
    probe = nest_accelerator_config(spec_arch, {});
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("{}: {}", o.arch.string(), e.what()));
  }
  for (const auto &[k, v] : o.sets) {
    try {
      probe.set(k, v);
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("--set {}={}: {}", k, v, e.what()));
    }
  }
  sched::Arch arch = spec_arch;
  try {
    arch = nest_timed_arch(spec_arch, probe);
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("accelerator derived from {} (after --set): {}",
                                 o.arch.string(), e.what()));
  }
  std::size_t cosim_index = 0; // without --cosim: the layer predicted fastest, once scheduled
  if (!o.cosim_layer.empty()) {
    std::string names;
    bool found = false;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      names += (names.empty() ? "" : ", ") + net.layers[i].problem.name;
      if (net.layers[i].problem.name == o.cosim_layer) {
        cosim_index = i;
        found = true;
      }
    }
    if (!found)
      throw UsageError(fmt::format("--cosim: the network has no layer '{}' (layers: {})",
                                   o.cosim_layer, names));
  }
  (void)verilator_executable(); // ToolMissing names the package
  (void)yosys_executable();
  const int dim_c = common_dim(net, "C"), dim_k = common_dim(net, "K");

  fs::path out = fs::absolute(o.out).lexically_normal();
  if (!out.has_filename()) // "dir/" or "."
    out = out.parent_path();
  const std::string name = out.filename().string();
  fs::create_directories(out.parent_path());
  // Two runs into one folder would both report success while one discards the other's work.
  const FileLock lock(out.parent_path() / ("." + name + ".lock"), FileLock::Mode::Try, true);
  if (!lock.held())
    throw UsageError(fmt::format("-o '{}' is being written by another hcl flow ({}); wait for it "
                                 "to finish or choose another folder",
                                 o.out.string(),
                                 lock.holder() > 0 ? fmt::format("pid {}", lock.holder())
                                                   : std::string("pid unknown")));
  require_flow_folder(out, o.force);
  // Removed unless the run gets to the final rename; a killed run's, the next run removes.
  TempDir tmp(out.parent_path(), "." + name + ".tmp-");
  remove_stale_dirs(out.parent_path(), "." + name + ".old-");
  write_file_atomic(tmp.path() / kFlowMarker,
                    "Written by hcl flow, which replaces this folder as a whole when run into it "
                    "again.\n");

  // ---- 0. buffer sizes (--sizes / --max-area) -------------------------------------------------
  sched::SearchOptions so;
  so.objective = sched::parse_objective(o.objective);
  so.threads = o.threads;
  so.space = nest_space(widest_layer(net), arch);
  nlohmann::json allocation;
  std::string sizes_why = fmt::format("the sizes of {}", o.arch.string());
  if (allocating) {
    step(fmt::format("[0/8] choose buffer sizes with the schedules ({} combinations{}){}",
                     [&] {
                       std::size_t n = 1;
                       for (const auto &s : ao.sizes)
                         n *= s.size_bytes.size();
                       return n;
                     }(),
                     ao.max_area_um2 > 0 ? fmt::format(", area at most {:.0f} um^2", ao.max_area_um2) : "",
                     o.time_limit_s > 0 ? fmt::format(" (time limit {} s)", o.time_limit_s) : ""));
    std::tie(arch, allocation) = choose_sizes(net, arch, so, ao, o, say);
    sizes_why = fmt::format("chosen with the schedules by the exact allocation ({} objective over "
                            "{} layers{}), from --sizes{}",
                            o.objective, allocation["network_layers"].get<std::size_t>(),
                            allocation["optimal"] == true ? ", proven optimal" : "",
                            ao.max_area_um2 > 0 ? " under --max-area" : "");
  }

  // ---- 1. schedules in the accelerator's space ------------------------------------------------
  so.stop = o.stop.within(o.time_limit_s); // the step's promise, relaxed re-searches included
  so.time_limit_s = o.time_limit_s > 0 ? std::max(1e-3, o.time_limit_s * (1 - relaxed_share(net))) : 0;
  step(fmt::format("[1/8] schedule {} layers of {} on {} in the accelerator's space ({} "
                  "dataflow, weights in the PEs){}",
                  net.layers.size(), net.name, arch.name, dataflow.name,
                  o.time_limit_s > 0 ? fmt::format(" (time limit {} s)", o.time_limit_s) : ""));
  sched::NetworkSchedule ns = sched::schedule_network(net, arch, so, [&](const sched::LayerSchedule &l) {
    const auto &r = l.result;
    say(fmt::format("      {:<16} {}", l.name,
                    !l.same_as.empty() ? "same as " + l.same_as
                    : !r.found         ? std::string("no C|K mapping")
                    : fmt::format("{:.4g} pJ, {} cycles, {}", r.evaluation.energy_pj,
                                  r.evaluation.cycles,
                                  r.optimal ? "optimal" : fmt::format("gap {:.2f}%", 100 * r.gap))));
  });
  const std::vector<std::string> relaxed = search_unplaced_again(ns, arch, so, o, say);
  summarize(ns);
  nlohmann::json schedules = sched::network_json(ns, arch, so.objective);
  write_file_atomic(tmp.path() / "schedules.json", schedules.dump(2) + "\n");
  for (const auto &l : ns.layers)
    if (l.result.found)
      write_file_atomic(tmp.path() / "schedules" / (l.name + ".schedule.yaml"),
                        sched::mapping_to_yaml(l.problem, arch, l.result.mapping));

  // ---- 2. micro-architecture ------------------------------------------------------------------
  step("[2/8] micro-architecture description of the schedules -> microarch.json");
  std::vector<sched::ScheduledLayer> scheduled;
  for (const auto &l : ns.layers)
    if (l.result.found)
      scheduled.push_back({&l.problem, &l.result.mapping, l.result.bounds});
  const sched::MicroArch micro = sched::derive_microarch(arch, scheduled);
  const nlohmann::json micro_json = sched::to_json(micro);
  write_file_atomic(tmp.path() / "microarch.json", micro_json.dump(2) + "\n");

  // ---- 3./4. the accelerator the schedules need, and its Verilog -------------------------------
  std::vector<NestLayer> nest;
  for (const auto &l : ns.layers) {
    if (!l.result.found)
      throw UsageError(fmt::format("layer '{}': no mapping in the accelerator's space on {}",
                                   l.name, o.arch.string()));
    try {
      nest.push_back(analyse_nest_layer(l.problem, arch, l.result.mapping));
    } catch (const std::invalid_argument &e) {
      throw UsageError(e.what());
    }
  }
  Provenance why;
  gen::NestAcceleratorConfig cfg;
  try {
    cfg = nest_accelerator_config(arch, nest, &why);
    for (const auto &[k, v] : o.sets) {
      cfg.set(k, v);
      why[k] = "--set";
    }
    cfg.validate();
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("accelerator derived from {} (after --set): {}",
                                 o.arch.string(), e.what()));
  }
  step(fmt::format("[3/8] accelerator {}: {}x{} {} array, Inputs {} / Outputs {} words per bank, "
                  "{} loops",
                  cfg.module_name(), cfg.rows, cfg.cols, cfg.preset, cfg.in_depth, cfg.out_depth,
                  cfg.loops));

  // ---- 5. per-layer configurations -----------------------------------------------------------
  std::vector<NestLayerConfig> configs;
  for (const auto &l : nest) {
    try {
      configs.push_back(configure_nest_layer(cfg, l));
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("layer '{}' cannot run on {}: {}", l.name, cfg.module_name(),
                                   e.what()));
    }
  }
  std::vector<NestLayerSpec> specs;
  for (const auto &l : ns.layers)
    specs.push_back({l.problem, l.result.mapping});
  const gen::Generated g = nest_generated(cfg, arch, specs, configs);
  const std::string top = g.params["top"].get<std::string>();
  std::vector<fs::path> rtl;
  for (const auto &f : gen::write_generated(g, tmp.path()))
    if (f.extension() == ".v")
      rtl.push_back(f);
  step(fmt::format("[4/8] Verilog: {} modules in rtl/, params.json, params.h (top {})", rtl.size(), top));
  step("[5/8] per-layer configurations from each mapping -> config/<layer>.json, .hex");

  // ---- 6. lint and area ----------------------------------------------------------------------
  step("[6/8] verilator --lint-only -Wall");
  const LintResult lr = lint(rtl, top);
  std::string lint_text;
  for (const auto &d : lr.diagnostics)
    lint_text += format_diagnostic(d) + "\n";
  write_file_atomic(tmp.path() / "lint.txt", lr.clean() ? "clean\n" : lint_text);
  say(fmt::format("      {}", lr.clean() ? "clean" : fmt::format("{} findings", lr.diagnostics.size())));
  step("[7/8] Yosys area (bundled NanGate45-derived liberty) -> area.json");
  const SynthReport area = synthesize(rtl, top);
  write_file_atomic(tmp.path() / "area.json", synth_report_json(area));
  say(fmt::format("      total {:.0f} um^2", area.total_area_um2));

  // ---- 7. co-simulation ----------------------------------------------------------------------
  if (o.cosim_layer.empty())
    cosim_index = fewest_cycles(ns);
  const auto &cl = ns.layers[cosim_index];
  step(fmt::format("[8/8] co-simulate {} ({} MACs, {} cycles predicted) on the Verilator model",
                  cl.name, cl.problem.macs(), cl.result.evaluation.cycles));
  const NestCheck cr = check_nest_layer(rtl, top, cfg, arch, cl.problem, cl.result.mapping,
                                        nest[cosim_index], configs[cosim_index],
                                        o.cosim_max_cycles);
  say(fmt::format("      {}: {} of {} outputs bit-exact, counts {}, cycles {} measured / {} "
                  "predicted",
                  cr.passed ? "PASS" : "FAIL", cr.run.outputs_checked - cr.run.mismatches,
                  cr.run.outputs_checked, counts_equal(cr.counts) ? "equal" : "DIFFER",
                  cr.run.measured_cycles, cr.predicted));

  // ---- 8. flow.json and the report, last -----------------------------------------------------
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < ns.layers.size(); ++i) {
    const auto &l = ns.layers[i];
    const auto &r = l.result;
    const bool was_relaxed = std::find(relaxed.begin(), relaxed.end(), l.name) != relaxed.end();
    layers.push_back({{"name", l.name},
                      {"repeat", l.repeat},
                      {"macs", l.problem.macs()},
                      {"found", r.found},
                      {"energy_pj", r.found ? r.evaluation.energy_pj : 0.0},
                      {"cycles", r.found ? r.evaluation.cycles : 0},
                      {"utilization", r.found ? r.evaluation.utilization : 0.0},
                      {"optimal", r.optimal},
                      {"gap", r.gap},
                      {"same_as", l.same_as},
                      {"dataflow", dataflow_of(l, dim_c, dim_k)},
                      {"dataflow_relaxed", was_relaxed},
                      {"nest_loops", nest[i].loops.size()},
                      {"config", "config/" + l.name + ".json"},
                      {"schedule", r.found ? "schedules/" + l.name + ".schedule.yaml" : ""}});
  }
  nlohmann::json diags = nlohmann::json::array();
  for (const auto &d : lr.diagnostics)
    diags.push_back(format_diagnostic(d));
  nlohmann::json sets = nlohmann::json::object();
  for (const auto &[k, v] : o.sets)
    sets[k] = v;
  nlohmann::json flow = {
      {"inputs",
       {{"network", o.network.string()}, {"network_name", net.name}, {"network_source", net.source},
        {"arch", o.arch.string()}, {"arch_name", arch.name}, {"objective", o.objective},
        {"time_limit_s", o.time_limit_s}, {"threads", o.threads}, {"set", sets},
        {"dataflow", o.dataflow}, {"sizes", o.sizes}, {"max_area_um2", o.max_area_um2}}},
      {"dataflow", dataflow.name},
      {"dataflow_why",
       dataflow.why + "; weight-stationary C|K: C on the mesh's X axis (array rows), K on Y "
                      "(columns), weights in the PE registers, each layer's configuration its "
                      "mapping"},
      {"buffer_sizes", buffer_sizes(arch)},
      {"sizes_why", sizes_why},
      {"allocation", allocation},
      {"dataflow_relaxed_layers", relaxed},
      {"layers", layers},
      {"total", {{"energy_pj", ns.total_energy_pj}, {"cycles", ns.total_cycles},
                 {"all_found", ns.all_found}, {"all_optimal", ns.all_optimal}}},
      {"microarch", micro_json},
      {"accelerator", {{"top", top}, {"params", g.params["params"]}, {"derivation", why}}},
      {"lint", {{"clean", lr.clean()}, {"diagnostics", diags}}},
      {"area", nlohmann::json::parse(synth_report_json(area))},
      {"cosim", cosim_json(cr)},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  write_file_atomic(tmp.path() / "flow.json", flow.dump(2) + "\n");
  write_file_atomic(tmp.path() / "report.html", render_report(flow));

  if (o.stop.interrupted())
    throw Interrupted();
  // Swap the finished folder in: the old one (if any) moves aside first, so `out` always
  // holds a complete run.
  const fs::path old = out.parent_path() / fmt::format(".{}.old-{}", name, ::getpid());
  if (fs::exists(out))
    fs::rename(out, old);
  fs::rename(tmp.path(), out);
  tmp.keep();
  std::error_code ec;
  fs::remove_all(old, ec);

  FlowResult res;
  res.lint_clean = lr.clean();
  res.cosim_passed = cr.passed;
  res.all_scheduled = ns.all_found;
  res.report = out / "report.html";
  return res;
}

} // namespace hcl::flows
