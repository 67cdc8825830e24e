#include <flows/flow.h>

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/file_lock.h>
#include <flows/flow_report.h>
#include <flows/lint.h>
#include <flows/output_paths.h>
#include <flows/synth.h>
#include <flows/temp_dir.h>
#include <flows/tool.h>
#include <flows/tool_args.h>

#include <generators/file_name.h>
#include <generators/generate.h>
#include <generators/require.h>

#include <scheduler/microarch.h>
#include <scheduler/network.h>
#include <scheduler/network_schedule.h>
#include <scheduler/search.h>
#include <scheduler/search_json.h>
#include <scheduler/spec_yaml.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
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
  const sched::Arch arch = sched::load_arch_yaml(o.arch.string());
  std::vector<ConvLayer> convs;
  for (const auto &l : net.layers) {
    // Layer names become file names (config/<layer>.json, schedules/<layer>.schedule.yaml).
    gen::require_file_name(l.problem.name, o.network.string() + ": layer name");
    convs.push_back(conv_layer(l.problem));
  }
  {
    gen::AcceleratorConfig probe; // unknown keys and malformed values fail now, not after the search
    for (const auto &[k, v] : o.sets) {
      try {
        if (k == "preset")
          (void)gen::accelerator_preset(v);
        else
          probe.set(k, v);
      } catch (const std::invalid_argument &e) {
        throw UsageError(fmt::format("--set {}={}: {}", k, v, e.what()));
      }
    }
  }
  std::size_t cosim_index = 0;
  if (o.cosim_layer.empty()) {
    for (std::size_t i = 1; i < convs.size(); ++i)
      if (convs[i].macs() < convs[cosim_index].macs())
        cosim_index = i;
  } else {
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

  // ---- 1. schedules, C|K dataflow fixed ---------------------------------------------------------
  sched::SearchOptions so;
  so.objective = sched::parse_objective(o.objective);
  so.threads = o.threads;
  so.time_limit_s = o.time_limit_s;
  so.space.unroll_dims = {dim_c, dim_k};
  so.space.max_dims_per_axis = 1;
  so.space.dataflow_x = dim_c;
  so.space.dataflow_y = dim_k;
  say(fmt::format("[1/8] schedule {} layers of {} on {} with the C|K dataflow fixed{}",
                  net.layers.size(), net.name, arch.name,
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
  std::vector<std::string> relaxed;
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
    // C or K of 1 cannot sit on its axis: drop the axis requirement, still only C and K
    // unrolled (a depthwise layer, C = K = 1 per group, then runs on one PE a group).
    sched::SearchOptions r = so;
    r.space.dataflow_x = r.space.dataflow_y = -1;
    r.time_limit_s = o.time_limit_s > 0 ? std::max(1.0, o.time_limit_s / static_cast<double>(net.layers.size())) : 0;
    l.result = sched::search(l.problem, arch, r);
    say(fmt::format("      {:<16} searched again without C on X and K on Y: {}", l.name,
                    !l.result.found ? std::string("no mapping")
                                    : fmt::format("{:.4g} pJ, {} cycles, utilization {:.2f}%",
                                                  l.result.evaluation.energy_pj, l.result.evaluation.cycles,
                                                  100 * l.result.evaluation.utilization)));
  }
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
  nlohmann::json schedules = sched::network_json(ns, arch, so.objective);
  write_file_atomic(tmp.path() / "schedules.json", schedules.dump(2) + "\n");
  for (const auto &l : ns.layers)
    if (l.result.found)
      write_file_atomic(tmp.path() / "schedules" / (l.name + ".schedule.yaml"),
                        sched::mapping_to_yaml(l.problem, arch, l.result.mapping));

  // ---- 2. micro-architecture ------------------------------------------------------------------
  say("[2/8] micro-architecture description of the schedules -> microarch.json");
  std::vector<sched::ScheduledLayer> scheduled;
  for (const auto &l : ns.layers)
    if (l.result.found)
      scheduled.push_back({&l.problem, &l.result.mapping, l.result.bounds});
  const sched::MicroArch micro = sched::derive_microarch(arch, scheduled);
  const nlohmann::json micro_json = sched::to_json(micro);
  write_file_atomic(tmp.path() / "microarch.json", micro_json.dump(2) + "\n");

  // ---- 3./4. accelerator and its Verilog -----------------------------------------------------
  Provenance why;
  gen::AcceleratorConfig cfg;
  try {
    cfg = accelerator_config(micro, arch, o.sets, &why);
  } catch (const gen::ConfigError &e) {
    throw UsageError(fmt::format("accelerator derived from {} (after --set): {}",
                                 o.arch.string(), e.what()));
  }
  say(fmt::format("[3/8] accelerator {}: {}x{} {} array, buffers in {} / wt {} / out {} words "
                  "per bank",
                  cfg.module_name(), cfg.rows, cfg.cols, cfg.preset, cfg.in_depth, cfg.wt_depth,
                  cfg.out_depth));
  gen::GenerateRequest req{"accelerator", cfg.preset, {}};
  const nlohmann::json cfg_json = cfg.to_json();
  for (const auto &[k, v] : cfg_json["params"].items())
    if (k != "preset")
      req.settings.push_back({k, v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.dump()});
  const gen::Generated g = gen::generate(req);
  const std::string top = g.params["top"].get<std::string>();
  std::vector<fs::path> rtl;
  for (const auto &f : gen::write_generated(g, tmp.path()))
    if (f.extension() == ".v")
      rtl.push_back(f);
  say(fmt::format("[4/8] Verilog: {} modules in rtl/, params.json, params.h (top {})", rtl.size(), top));

  // ---- 5. per-layer configurations -----------------------------------------------------------
  say("[5/8] per-layer configurations (im2col GEMM, invocations) -> config/<layer>.json");
  std::vector<LayerPlan> plans;
  for (const auto &c : convs) {
    try {
      plans.push_back(plan_layer(cfg, c));
    } catch (const gen::ConfigError &e) {
      throw UsageError(fmt::format("layer '{}' cannot run on {}: {}", c.name, top, e.what()));
    }
    write_file_atomic(tmp.path() / "config" / (c.name + ".json"), layer_plan_json(plans.back()).dump(2) + "\n");
  }

  // ---- 6. lint and area ----------------------------------------------------------------------
  say("[6/8] verilator --lint-only -Wall");
  const LintResult lr = lint(rtl, top);
  std::string lint_text;
  for (const auto &d : lr.diagnostics)
    lint_text += format_diagnostic(d) + "\n";
  write_file_atomic(tmp.path() / "lint.txt", lr.clean() ? "clean\n" : lint_text);
  say(fmt::format("      {}", lr.clean() ? "clean" : fmt::format("{} findings", lr.diagnostics.size())));
  say("[7/8] Yosys area (bundled NanGate45-derived liberty) -> area.json");
  const SynthReport area = synthesize(rtl, top);
  write_file_atomic(tmp.path() / "area.json", synth_report_json(area));
  say(fmt::format("      total {:.0f} um^2", area.total_area_um2));

  // ---- 7. co-simulation ----------------------------------------------------------------------
  const LayerPlan &cp = plans[cosim_index];
  say(fmt::format("[8/8] co-simulate {} ({} MACs, {} invocations) on the Verilator model",
                  cp.conv.name, cp.conv.macs(), cp.invocations));
  CosimOptions co;
  co.max_cycles = o.cosim_max_cycles;
  co.progress = [&](const std::string &s) { say("      " + s); };
  const CosimResult cr = cosimulate_layer(rtl, top, cfg, cp, co);
  say(fmt::format("      {}: {} of {} outputs match bit-exactly ({}), array cycles {} (expected {})",
                  cr.passed() ? "PASS" : "FAIL", cr.outputs_compared - cr.mismatches,
                  cr.outputs_compared, cr.scope, cr.array_cycles, cr.expected_cycles));

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
                      {"invocations", plans[i].invocations},
                      {"array_cycles", plans[i].array_cycles},
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
        {"time_limit_s", o.time_limit_s}, {"threads", o.threads}, {"set", sets}}},
      {"dataflow",
       "weight-stationary C|K (C on the mesh's X axis = array rows, K on Y = columns): the only "
       "dataflow the generated accelerator runs, so every schedule searched is runnable on it"},
      {"dataflow_relaxed_layers", relaxed},
      {"layers", layers},
      {"total", {{"energy_pj", ns.total_energy_pj}, {"cycles", ns.total_cycles},
                 {"all_found", ns.all_found}, {"all_optimal", ns.all_optimal},
                 {"array_cycles", [&] {
                    std::uint64_t s = 0;
                    for (std::size_t i = 0; i < plans.size(); ++i)
                      s += plans[i].array_cycles * static_cast<std::uint64_t>(net.layers[i].repeat);
                    return s;
                  }()}}},
      {"microarch", micro_json},
      {"accelerator", {{"top", top}, {"params", g.params["params"]}, {"derivation", why}}},
      {"lint", {{"clean", lr.clean()}, {"diagnostics", diags}}},
      {"area", nlohmann::json::parse(synth_report_json(area))},
      {"cosim",
       {{"layer", cr.layer}, {"passed", cr.passed()}, {"full_layer", cr.full_layer},
        {"scope", cr.scope}, {"invocations", cr.invocations},
        {"layer_invocations", cr.layer_invocations}, {"outputs_compared", cr.outputs_compared},
        {"mismatches", cr.mismatches}, {"first_mismatch", cr.first_mismatch},
        {"array_cycles", cr.array_cycles}, {"expected_array_cycles", cr.expected_cycles},
        {"simulated_cycles", cr.sim_cycles}, {"model_from_cache", cr.model_cached},
        {"seconds", cr.seconds}}},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}};
  write_file_atomic(tmp.path() / "flow.json", flow.dump(2) + "\n");
  write_file_atomic(tmp.path() / "report.html", render_report(flow));

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
  res.cosim_passed = cr.passed();
  res.all_scheduled = ns.all_found;
  res.report = out / "report.html";
  return res;
}

} // namespace hcl::flows
