#include <flows/flow.h>

#include <flows/atomic_file.h>
#include <flows/cosim_cache.h>
#include <flows/errors.h>
#include <flows/file_lock.h>
#include <flows/flow_report.h>
#include <flows/lint.h>
#include <flows/nest_cosim.h>
#include <flows/output_paths.h>
#include <flows/report_data.h>
#include <flows/search_cache.h>
#include <flows/status_ticker.h>
#include <flows/synth.h>
#include <flows/temp_dir.h>
#include <flows/tool.h>
#include <flows/tool_args.h>

#include "flow_folder.h"

#include <generators/file_name.h>
#include <generators/generate.h>
#include <generators/require.h>

#include <scheduler/io/search_json.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/microarch.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/search/allocate.h>
#include <scheduler/search/explore.h>
#include <scheduler/search/search.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
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
    if (i < 0 || (d >= 0 && i != d)) {
      throw UsageError(fmt::format("layer '{}': hcl flow needs the dimension {} at the same "
                                   "position in every layer (conv / FC layers)",
                                   l.problem.name, name));
    }
    d = i;
  }
  return d;
}

std::string dataflow_of(const sched::LayerSchedule &l, int c, int k) {
  if (!l.result.found) {
    return "-";
  }
  std::string x, y;
  for (const auto &lv : l.result.mapping.levels) {
    for (const auto &lp : lv.spatial_x) {
      x += lp.dim == c ? "C" : lp.dim == k ? "K" : "?";
    }
    for (const auto &lp : lv.spatial_y) {
      y += lp.dim == c ? "C" : lp.dim == k ? "K" : "?";
    }
  }
  return fmt::format("{}|{}", x.empty() ? "-" : x, y.empty() ? "-" : y);
}

// A layer with every dimension any layer has (G when some layer is grouped), for the space's
// per-dimension constraints.
const Problem &widest_layer(const sched::Network &net) {
  const Problem *w = &net.layers.front().problem;
  for (const auto &l : net.layers) {
    if (l.problem.dim_names.size() > w->dim_names.size()) {
      w = &l.problem;
    }
  }
  return *w;
}

// Every loop of the dataflow above 1: its space can place the layer on the array's axes (C and
// K for C|K, C for the C tree).
bool placeable(const Problem &p, const std::string &dataflow) {
  const std::vector<int> dims = sched::dataflow_dims(p, dataflow);
  return std::all_of(dims.begin(), dims.end(),
                     [&](int d) { return p.bounds[static_cast<std::size_t>(d)] > 1; });
}

// The part of the search budget kept for search_unplaced_again: the share of the unique
// shapes the dataflow cannot place (C or K of 1).
double relaxed_share(const sched::Network &net, const std::string &dataflow) {
  std::vector<const Problem *> uniques;
  std::size_t unplaceable = 0;
  for (const auto &l : net.layers) {
    if (std::any_of(uniques.begin(), uniques.end(),
                    [&](const Problem *u) { return sched::same_shape(*u, l.problem); })) {
      continue;
    }
    uniques.push_back(&l.problem);
    unplaceable += placeable(l.problem, dataflow) ? 0 : 1;
  }
  return static_cast<double>(unplaceable) /
         static_cast<double>(std::max<std::size_t>(1, uniques.size()));
}

// C or K of 1 (a depthwise layer) cannot sit on its axis: such layers are searched again
// without the axis requirement, still in the accelerator's space otherwise.
std::vector<std::string>
search_unplaced_again(sched::NetworkSchedule &ns, const sched::Arch &arch,
                      const sched::SearchOptions &so, const FlowOptions &o,
                      const std::string &dataflow,
                      const std::function<void(const std::string &)> &say) {
  std::vector<std::string> relaxed;
  std::size_t unplaced = 0;
  for (const auto &l : ns.layers) {
    unplaced += !l.result.found && l.same_as.empty() ? 1 : 0;
  }
  for (std::size_t i = 0; i < ns.layers.size(); ++i) {
    auto &l = ns.layers[i];
    if (l.result.found) {
      continue;
    }
    relaxed.push_back(l.name);
    if (!l.same_as.empty()) { // an identical earlier layer was searched again already
      for (std::size_t j = 0; j < i; ++j) {
        if (ns.layers[j].name == l.same_as) {
          l.result = ns.layers[j].result;
        }
      }
      continue;
    }
    sched::SearchOptions r = so;
    r.space = nest_space(l.problem, arch);
    r.space.dataflow_x = r.space.dataflow_y = -1;
    // What is left of the search step's deadline (so.stop), shared by the layers still to go.
    r.time_limit_s = o.time_limit_s > 0
                         ? std::max(1e-3, so.stop.seconds_left() /
                                              static_cast<double>(unplaced - relaxed.size() + 1))
                         : 0;
    l.result = sched::search(l.problem, arch, r);
    say(fmt::format(
        "      {:<16} searched again without {} on the array's axes: {}", l.name, dataflow,
        !l.result.found ? std::string("no mapping")
                        : fmt::format("{:.4g} pJ, {} cycles, utilization {:.2f}%",
                                      l.result.evaluation.energy_pj, l.result.evaluation.cycles,
                                      100 * l.result.evaluation.utilization)));
  }
  return relaxed;
}

// Step 0 (--sizes / --max-area): the sizes chosen with the schedules by the exact allocation,
// over the layers the dataflow places on both axes (the others are searched again in step 1
// on whatever sizes win). Returns the resized arch and the allocation for flow.json.
std::pair<sched::Arch, nlohmann::json>
choose_sizes(const sched::Network &net, const sched::Arch &arch, const sched::SearchOptions &so,
             const sched::AllocationOptions &ao, const FlowOptions &o, const std::string &dataflow,
             const std::function<void(const std::string &)> &say) {
  sched::Network placed = net;
  placed.layers.erase(
      std::remove_if(placed.layers.begin(), placed.layers.end(),
                     [&](const sched::NetworkLayer &l) { return !placeable(l.problem, dataflow); }),
      placed.layers.end());
  if (placed.layers.empty()) {
    placed = net;
  }
  sched::SearchOptions s = so;
  s.stop = o.stop.within(o.time_limit_s);
  s.time_limit_s = o.time_limit_s;
  std::vector<std::string> levels;
  for (const auto &c : ao.sizes) {
    levels.push_back(c.level);
  }
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
    if (o.stop.interrupted()) {
      throw Interrupted();
    }
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
    if (lv.size_words > 0) {
      j.push_back({{"level", lv.name},
                   {"words", lv.size_words},
                   {"bytes", lv.size_words * lv.word_bits / 8}});
    }
  }
  return j;
}

std::size_t fewest_cycles(const sched::NetworkSchedule &ns) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < ns.layers.size(); ++i) {
    if (ns.layers[i].result.evaluation.cycles < ns.layers[best].result.evaluation.cycles) {
      best = i;
    }
  }
  return best;
}

// One line per step, and the one place where an interrupt ends the run (between steps,
// before anything is kept).
class Progress {
public:
  explicit Progress(const FlowOptions &o) : o_(o) {}
  void say(const std::string &s) const {
    if (o_.progress) {
      o_.progress(s);
    }
  }
  void step(const std::string &s) const {
    if (o_.stop.interrupted()) {
      throw Interrupted();
    }
    say(s);
  }
  std::function<void(const std::string &)> sayer() const {
    return [this](const std::string &s) { say(s); };
  }
  const std::function<void(const std::string &)> &status() const { return o_.status; }

private:
  const FlowOptions &o_;
};

// The live line of a search: how far it got and how close its best is to proven.
std::string search_status(const sched::SearchProgress &p) {
  std::string best = "no mapping yet";
  if (p.found) {
    best = fmt::format("best {:.6g}", p.best);
    if (p.best > 0 && p.lower_bound > 0) {
      best += fmt::format(", within {:.2f}% of its bound", 100 * (p.best - p.lower_bound) / p.best);
    }
  }
  return fmt::format("      searching: {} partial mappings bounded, {} cut, {} evaluated; {} "
                     "({:.0f} s)",
                     p.stats.nodes, p.stats.pruned, p.stats.evaluations, best, p.stats.seconds);
}

// After a search step: how many of its layer searches an earlier run had proved already.
void say_reused(DiskSearchCache &cache, const Progress &pr) {
  if (cache.hits() > 0) {
    pr.say(fmt::format("      {} of {} layer searches skipped, cached (proven by an earlier run)",
                       cache.hits(), cache.lookups()));
  }
  cache.reset_counts(); // per step
}

// Everything the options give, checked before anything long runs.
struct FlowInputs {
  sched::Network net;
  sched::Arch arch; // as the accelerator builds it: its timing, ports and banks (nest_timed_arch)
  // The arch file as given: the dataflow study compares dataflows on it, since the template's
  // build of it (banks by C and K lane, weights in the PEs) is C|K's.
  sched::Arch spec_arch;
  FlowDataflow dataflow;
  sched::AllocationOptions ao;
  std::optional<std::size_t> cosim_index; // --cosim's layer
  int dim_c = -1, dim_k = -1;
  bool allocating() const { return !ao.sizes.empty() || ao.max_area_um2 > 0; }
};

void check_paths(const FlowOptions &o) {
  if (o.out.empty()) {
    throw UsageError("-o: give the output folder");
  }
  require_file(o.network.string(), "--network");
  require_file(o.arch.string(), "--arch");
  check_output({"-o", o.out}, OutputKind::ReplacedFolder);
  check_not_an_input({"-o", o.out}, OutputKind::ReplacedFolder,
                     {{"--network", o.network}, {"--arch", o.arch}});
  require_tool_path(o.out, "-o"); // rtl/ under it goes to Verilator and Yosys
  if (o.threads < 1 || o.threads > 256) {
    throw UsageError(fmt::format("--threads must be 1..256, got {}", o.threads));
  }
}

sched::Network load_flow_network(const FlowOptions &o) {
  sched::Network net = sched::load_network_yaml(o.network.string());
  if (net.layers.empty()) {
    throw UsageError(fmt::format("{}: the network has no layers", o.network.string()));
  }
  for (const auto &l : net.layers) {
    // Layer names become file names (config/<layer>.json, schedules/<layer>.schedule.yaml).
    gen::require_file_name(l.problem.name, o.network.string() + ": layer name");
    (void)conv_layer(l.problem); // names a layer outside the conv family now
  }
  return net;
}

sched::Arch load_flow_arch(const FlowOptions &o) {
  if (sched::detect_spec_kind(o.arch.string()) != sched::SpecKind::Arch) {
    throw UsageError(fmt::format("{}: not an architecture file; hcl flow takes our arch YAML "
                                 "(top-level key 'arch:')",
                                 o.arch.string()));
  }
  return sched::load_arch_yaml(o.arch.string());
}

sched::AllocationOptions allocation_options(const FlowOptions &o, const sched::Arch &spec_arch) {
  sched::AllocationOptions ao;
  try {
    for (const auto &s : o.sizes) {
      ao.sizes.push_back(sched::parse_size_candidates(s));
    }
  } catch (const std::invalid_argument &e) {
    throw UsageError(e.what());
  }
  if (!(o.max_area_um2 >= 0)) {
    throw UsageError(
        fmt::format("--max-area {}: give an area in um^2 (0 = no budget)", o.max_area_um2));
  }
  ao.max_area_um2 = o.max_area_um2;
  if (ao.max_area_um2 > 0 && !spec_arch.has_area) {
    throw UsageError(fmt::format("--max-area: {} has no area model (give area_table or area_um2 "
                                 "on every level, docs/specs.md)",
                                 o.arch.string()));
  }
  return ao;
}

// The model's cycles are the generated design's: its timing is known before the search (array
// and memory port), and unknown keys or bad values of --set fail now.
sched::Arch as_built_arch(const FlowOptions &o, const sched::Arch &spec_arch,
                          const std::string &dataflow) {
  gen::NestAcceleratorConfig probe;
  sched::Arch arch;
  try {
    arch = nest_dataflow_arch(spec_arch, dataflow);
    probe = nest_accelerator_config(arch, {}, nullptr, dataflow);
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
  try {
    return nest_timed_arch(arch, probe);
  } catch (const std::invalid_argument &e) {
    throw UsageError(
        fmt::format("accelerator derived from {} (after --set): {}", o.arch.string(), e.what()));
  }
}

std::optional<std::size_t> cosim_layer_index(const FlowOptions &o, const sched::Network &net) {
  if (o.cosim_layer.empty()) {
    return std::nullopt; // the layer predicted fastest, once scheduled
  }
  std::string names;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].problem.name == o.cosim_layer) {
      return i;
    }
    names += (names.empty() ? "" : ", ") + net.layers[i].problem.name;
  }
  throw UsageError(
      fmt::format("--cosim: the network has no layer '{}' (layers: {})", o.cosim_layer, names));
}

FlowInputs check_inputs(const FlowOptions &o) {
  check_paths(o);
  FlowInputs in;
  in.net = load_flow_network(o);
  in.spec_arch = load_flow_arch(o);
  try {
    in.dataflow = choose_dataflow(o.dataflow);
  } catch (const std::invalid_argument &e) {
    throw UsageError(e.what());
  }
  in.ao = allocation_options(o, in.spec_arch);
  in.arch = as_built_arch(o, in.spec_arch, in.dataflow.name);
  in.cosim_index = cosim_layer_index(o, in.net);
  (void)verilator_executable(); // ToolMissing names the package
  (void)yosys_executable();
  in.dim_c = common_dim(in.net, "C");
  in.dim_k = common_dim(in.net, "K");
  return in;
}

// Step 0 (--dataflow auto): every candidate dataflow over the network in the model, on the arch
// as given; in.dataflow becomes the best the template runs. The study, for flow.json.
std::vector<DataflowCandidate> study_dataflow(const FlowOptions &o, FlowInputs &in,
                                              sched::SearchOptions so, const Progress &pr) {
  if (o.dataflow != "auto") {
    return {};
  }
  const std::vector<std::string> candidates = study_dataflows();
  so.space = sched::SpaceOptions{};
  so.time_limit_s = o.time_limit_s;
  so.stop = o.stop.within(o.time_limit_s);
  pr.step(fmt::format("[0/8] choose the dataflow: {} over {} layers in the model on {}{}",
                      fmt::join(candidates, ", "), in.net.layers.size(), in.spec_arch.name,
                      o.time_limit_s > 0 ? fmt::format(" (time limit {} s)", o.time_limit_s) : ""));
  std::vector<DataflowCandidate> study;
  try {
    study =
        compare_dataflows(in.net, in.spec_arch, candidates, so, [&](const DataflowCandidate &c) {
          pr.say(fmt::format("      {:<6} {}{}", c.name,
                             c.all_found
                                 ? fmt::format("{:.6g} pJ, {} cycles ({}, {:.1f} s)", c.energy_pj,
                                               c.cycles, c.all_optimal ? "optimal" : "not proven",
                                               c.seconds)
                                 : std::string("not every layer mapped"),
                             c.runs ? "" : "  [model only: the template does not run it yet]"));
        });
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("{}: {}", o.network.string(), e.what()));
  }
  if (o.stop.interrupted()) {
    throw Interrupted();
  }
  in.dataflow = choose_dataflow(o.dataflow, study);
  in.arch = as_built_arch(o, in.spec_arch, in.dataflow.name);
  pr.say(fmt::format("      chosen: {}", in.dataflow.name));
  return study;
}

std::string dataflow_text(const std::string &dataflow) {
  return dataflow == "C"
             ? "reduction tree C: every PE of the mesh is one C lane of one adder tree (one "
               "column), weights in the PE registers, each layer's configuration its mapping"
             : "weight-stationary C|K: C on the mesh's X axis (array rows), K on Y (columns), "
               "weights in the PE registers, each layer's configuration its mapping";
}

nlohmann::json study_json(const std::vector<DataflowCandidate> &study, const std::string &chosen) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto &c : study) {
    j.push_back({{"dataflow", c.name},
                 {"runs_on_template", c.runs},
                 {"chosen", c.name == chosen},
                 {"all_found", c.all_found},
                 {"all_optimal", c.all_optimal},
                 {"energy_pj", c.energy_pj},
                 {"cycles", c.cycles},
                 {"objective_value", c.all_found ? nlohmann::json(c.objective) : nlohmann::json()},
                 {"relaxed_layers", c.relaxed},
                 {"seconds", c.seconds}});
  }
  return j;
}

// Step 0 (--sizes / --max-area): resizes in.arch; the allocation and why, for flow.json.
std::pair<nlohmann::json, std::string> size_buffers(const FlowOptions &o, FlowInputs &in,
                                                    const sched::SearchOptions &so,
                                                    const Progress &pr) {
  const std::string given = fmt::format("the sizes of {}", o.arch.string());
  if (!in.allocating()) {
    return {nlohmann::json(), given};
  }
  std::size_t combinations = 1;
  for (const auto &s : in.ao.sizes) {
    combinations *= s.size_bytes.size();
  }
  pr.step(fmt::format(
      "[0/8] choose buffer sizes with the schedules ({} combinations{}){}", combinations,
      in.ao.max_area_um2 > 0 ? fmt::format(", area at most {:.0f} um^2", in.ao.max_area_um2) : "",
      o.time_limit_s > 0 ? fmt::format(" (time limit {} s)", o.time_limit_s) : ""));
  nlohmann::json allocation;
  std::tie(in.arch, allocation) =
      choose_sizes(in.net, in.arch, so, in.ao, o, in.dataflow.name, pr.sayer());
  return {allocation,
          fmt::format("chosen with the schedules by the exact allocation ({} objective over {} "
                      "layers{}), from --sizes{}",
                      o.objective, allocation["network_layers"].get<std::size_t>(),
                      allocation["optimal"] == true ? ", proven optimal" : "",
                      in.ao.max_area_um2 > 0 ? " under --max-area" : "")};
}

// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 flags its implicit constructors.
struct Scheduled {
  sched::NetworkSchedule ns;
  nlohmann::json json;              // schedules.json
  std::vector<std::string> relaxed; // layers searched again without the axis requirement
};

// Step 1: every layer in the accelerator's space; schedules.json and schedules/<layer>.yaml.
Scheduled schedule_layers(const FlowOptions &o, const FlowInputs &in, sched::SearchOptions so,
                          const Progress &pr, const fs::path &dir) {
  so.stop = o.stop.within(o.time_limit_s); // the step's promise, relaxed re-searches included
  so.time_limit_s =
      o.time_limit_s > 0
          ? std::max(1e-3, o.time_limit_s * (1 - relaxed_share(in.net, in.dataflow.name)))
          : 0;
  pr.step(fmt::format("[1/8] schedule {} layers of {} on {} in the accelerator's space ({} "
                      "dataflow, weights in the PEs){}",
                      in.net.layers.size(), in.net.name, in.arch.name, in.dataflow.name,
                      o.time_limit_s > 0 ? fmt::format(" (time limit {} s)", o.time_limit_s) : ""));
  Scheduled s;
  s.ns = sched::schedule_network(in.net, in.arch, so, [&](const sched::LayerSchedule &l) {
    const auto &r = l.result;
    pr.say(fmt::format(
        "      {:<16} {}", l.name,
        !l.same_as.empty() ? "same as " + l.same_as
        : !r.found
            ? fmt::format("no {} mapping", in.dataflow.name)
            : fmt::format("{:.4g} pJ, {} cycles, {}{}", r.evaluation.energy_pj, r.evaluation.cycles,
                          r.optimal ? "optimal" : fmt::format("gap {:.2f}%", 100 * r.gap),
                          l.cached ? " (skipped, cached)" : "")));
  });
  s.relaxed = search_unplaced_again(s.ns, in.arch, so, o, in.dataflow.name, pr.sayer());
  sched::sum_totals(s.ns);
  s.json = sched::network_json(s.ns, in.arch, so.objective);
  write_file_atomic(dir / "schedules.json", s.json.dump(2) + "\n");
  for (const auto &l : s.ns.layers) {
    if (l.result.found) {
      write_file_atomic(dir / "schedules" / (l.name + ".schedule.yaml"),
                        sched::mapping_to_yaml(l.problem, in.arch, l.result.mapping));
    }
  }
  return s;
}

// Step 2: microarch.json.
nlohmann::json write_microarch(const sched::NetworkSchedule &ns, const sched::Arch &arch,
                               const Progress &pr, const fs::path &dir) {
  pr.step("[2/8] micro-architecture description of the schedules -> microarch.json");
  std::vector<sched::ScheduledLayer> scheduled;
  for (const auto &l : ns.layers) {
    if (l.result.found) {
      scheduled.push_back({&l.problem, &l.result.mapping, l.result.bounds});
    }
  }
  nlohmann::json j = sched::to_json(sched::derive_microarch(arch, scheduled));
  write_file_atomic(dir / "microarch.json", j.dump(2) + "\n");
  return j;
}

// The accelerator the schedules need, and each layer's configuration on it.
struct Design {
  std::vector<NestLayer> layers;
  gen::NestAcceleratorConfig cfg;
  Provenance why;
  std::vector<NestLayerConfig> configs;
};

std::vector<NestLayer> analyse_layers(const FlowOptions &o, const sched::NetworkSchedule &ns,
                                      const sched::Arch &arch) {
  std::vector<NestLayer> nest;
  for (const auto &l : ns.layers) {
    if (!l.result.found) {
      throw UsageError(fmt::format("layer '{}': no mapping in the accelerator's space on {}",
                                   l.name, o.arch.string()));
    }
    try {
      nest.push_back(analyse_nest_layer(l.problem, arch, l.result.mapping));
    } catch (const std::invalid_argument &e) {
      throw UsageError(e.what());
    }
  }
  return nest;
}

// Step 3: the configuration derived from the schedules (with --set), then every layer's.
Design design_accelerator(const FlowOptions &o, const sched::NetworkSchedule &ns,
                          const sched::Arch &arch, const std::string &dataflow,
                          const Progress &pr) {
  Design d;
  d.layers = analyse_layers(o, ns, arch);
  try {
    d.cfg = nest_accelerator_config(arch, d.layers, &d.why, dataflow);
    for (const auto &[k, v] : o.sets) {
      d.cfg.set(k, v);
      d.why[k] = "--set";
    }
    d.cfg.validate();
  } catch (const std::invalid_argument &e) {
    throw UsageError(
        fmt::format("accelerator derived from {} (after --set): {}", o.arch.string(), e.what()));
  }
  pr.step(fmt::format("[3/8] accelerator {}: {}x{} {} array, Inputs {} / Outputs {} words per "
                      "bank, {} loops",
                      d.cfg.module_name(), d.cfg.rows, d.cfg.cols, d.cfg.preset, d.cfg.in_depth,
                      d.cfg.out_depth, d.cfg.loops));
  for (const auto &l : d.layers) {
    try {
      d.configs.push_back(configure_nest_layer(d.cfg, l));
    } catch (const std::invalid_argument &e) {
      throw UsageError(
          fmt::format("layer '{}' cannot run on {}: {}", l.name, d.cfg.module_name(), e.what()));
    }
  }
  return d;
}

// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 flags its implicit constructors.
struct Rtl {
  nlohmann::json params; // params.json
  std::string top;
  std::vector<fs::path> files; // the .v files
};

// Steps 4 and 5: rtl/, params.json, params.h, config/<layer>.json and .hex.
Rtl write_design(const Design &d, const sched::NetworkSchedule &ns, const sched::Arch &arch,
                 const Progress &pr, const fs::path &dir) {
  std::vector<NestLayerSpec> specs;
  for (const auto &l : ns.layers) {
    specs.push_back({l.problem, l.result.mapping});
  }
  const gen::Generated g = nest_generated(d.cfg, arch, specs, d.configs);
  Rtl r{g.params, g.params["top"].get<std::string>(), {}};
  for (const auto &f : gen::write_generated(g, dir)) {
    if (f.extension() == ".v") {
      r.files.push_back(f);
    }
  }
  pr.step(fmt::format("[4/8] Verilog: {} modules in rtl/, params.json, params.h (top {})",
                      r.files.size(), r.top));
  pr.step("[5/8] per-layer configurations from each mapping -> config/<layer>.json, .hex");
  return r;
}

// Step 6: lint.txt.
LintResult lint_design(const Rtl &rtl, const Progress &pr, const fs::path &dir) {
  pr.step("[6/8] verilator --lint-only -Wall");
  LintResult lr = lint(rtl.files, rtl.top);
  std::string text;
  for (const auto &d : lr.diagnostics) {
    text += format_diagnostic(d) + "\n";
  }
  write_file_atomic(dir / "lint.txt", lr.clean() ? "clean\n" : text);
  pr.say(fmt::format("      {}",
                     lr.clean() ? "clean" : fmt::format("{} findings", lr.diagnostics.size())));
  return lr;
}

// Step 7: area.json.
SynthReport measure_area(const Rtl &rtl, const Progress &pr, const fs::path &dir) {
  pr.step("[7/8] Yosys area (bundled NanGate45-derived liberty) -> area.json");
  StatusTicker ticker(pr.status(), "      Yosys: starting");
  SynthOptions so;
  if (pr.status()) {
    so.on_pass = [&ticker](const std::string &pass) { ticker.set("      Yosys: " + pass); };
  }
  SynthReport area = synthesize(rtl.files, rtl.top, so);
  write_file_atomic(dir / "area.json", synth_report_json(area));
  pr.say(
      fmt::format("      total {:.0f} um^2{}", area.total_area_um2,
                  area.cache_hit ? " (cached: the same RTL and library as an earlier run)" : ""));
  return area;
}

// A layer whose run cannot end within the cycle budget (its prediction plus the 2% the check
// allows) is refused after the search, before the long steps, instead of failing at the end.
void require_cosim_budget(const FlowOptions &o, const FlowInputs &in,
                          const sched::NetworkSchedule &ns) {
  const auto &l = ns.layers[in.cosim_index.value_or(fewest_cycles(ns))];
  const auto need = static_cast<std::uint64_t>(l.result.evaluation.cycles);
  if (!l.result.found || need + need / 50 <= o.cosim_max_cycles) {
    return;
  }
  throw UsageError(fmt::format("--cosim-max-cycles {}: layer '{}' is predicted to take {} cycles "
                               "(up to {} within the 2% the check allows), so its co-simulation "
                               "could not finish; raise --cosim-max-cycles to at least {} or "
                               "choose a smaller layer with --cosim",
                               o.cosim_max_cycles, l.name, need, need + need / 50,
                               need + need / 50));
}

// The live line of the co-simulation, `cycles` into a run the model predicts takes `predicted`;
// the ETA is from the rate since the first cycle.
class SimulationClock {
public:
  std::string status(double now_s, std::uint64_t cycles, std::uint64_t predicted) {
    if (cycles == 0) {
      t_start_ = now_s;
    }
    const double rate = now_s > t_start_ ? static_cast<double>(cycles) / (now_s - t_start_) : 0;
    std::string eta;
    if (rate > 0 && predicted > cycles) {
      eta = fmt::format(", about {:.0f} s to go", static_cast<double>(predicted - cycles) / rate);
    }
    return fmt::format(
        "      simulating: cycle {} of about {} ({:.0f}%){}", cycles, predicted,
        predicted > 0 ? 100.0 * static_cast<double>(cycles) / static_cast<double>(predicted) : 0.0,
        eta);
  }

private:
  double t_start_ = 0;
};

// Step 8: one layer on the Verilator model, against hcl mode.
NestCheck cosimulate(const FlowOptions &o, const FlowInputs &in, const sched::NetworkSchedule &ns,
                     const Design &d, const Rtl &rtl, const Progress &pr) {
  const std::size_t i = in.cosim_index.value_or(fewest_cycles(ns));
  const auto &l = ns.layers[i];
  pr.step(fmt::format("[8/8] co-simulate {} ({} MACs, {} cycles predicted) on the Verilator model",
                      l.name, l.problem.macs(), l.result.evaluation.cycles));
  StatusTicker ticker(pr.status(), "      Verilator: building the model (or loading it)");
  CycleProgress progress;
  if (pr.status()) {
    progress = [&ticker, clock = SimulationClock(),
                predicted = static_cast<std::uint64_t>(l.result.evaluation.cycles)](
                   std::uint64_t t) mutable {
      ticker.set(clock.status(ticker.elapsed_s(), t, predicted), t == 0);
    };
  }
  NestCheck cr =
      o.reuse_cached
          ? check_nest_layer_reusing(rtl.files, rtl.top, d.cfg, in.arch, l.problem,
                                     l.result.mapping, d.layers[i], d.configs[i],
                                     o.cosim_max_cycles, kNestSeed, {}, progress)
          : check_nest_layer(rtl.files, rtl.top, d.cfg, in.arch, l.problem, l.result.mapping,
                             d.layers[i], d.configs[i], o.cosim_max_cycles, kNestSeed, progress);
  pr.say(fmt::format("      {}: {} of {} outputs bit-exact, counts {}, cycles {} measured / {} "
                     "predicted{}",
                     cr.passed ? "PASS" : "FAIL", cr.run.outputs_checked - cr.run.mismatches,
                     cr.run.outputs_checked, counts_equal(cr.counts) ? "equal" : "DIFFER",
                     cr.run.measured_cycles, cr.predicted,
                     cr.run_cached ? " (simulation skipped, cached: the same RTL, configuration "
                                     "and seed as an earlier run; the model side computed again)"
                                   : ""));
  return cr;
}

nlohmann::json layers_json(const FlowInputs &in, const Scheduled &s, const Design &d) {
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < s.ns.layers.size(); ++i) {
    const auto &l = s.ns.layers[i];
    const auto &r = l.result;
    const bool was_relaxed =
        std::find(s.relaxed.begin(), s.relaxed.end(), l.name) != s.relaxed.end();
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
                      {"dataflow", dataflow_of(l, in.dim_c, in.dim_k)},
                      {"dataflow_relaxed", was_relaxed},
                      {"nest_loops", d.layers[i].loops.size()},
                      {"config", "config/" + l.name + ".json"},
                      {"schedule", r.found ? "schedules/" + l.name + ".schedule.yaml" : ""}});
  }
  return layers;
}

// Each tensor and the loops it depends on: the report derives from them how a tensor moves
// through the array (shared along an axis whose loop it does not depend on, and so on).
nlohmann::json tensors_json(const sched::Problem &p) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t t = 0; t < p.tensors.size(); ++t) {
    nlohmann::json dims = nlohmann::json::array();
    for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
      if (p.relevant(static_cast<int>(t), static_cast<int>(d))) {
        dims.push_back(p.dim_names[d]);
      }
    }
    out.push_back(
        {{"name", p.tensors[t].name}, {"dims", dims}, {"read_write", p.tensors[t].read_write}});
  }
  return out;
}

// area.json's data and the cell library its numbers come from.
nlohmann::json area_json(const SynthReport &area) {
  nlohmann::json j = nlohmann::json::parse(synth_report_json(area));
  j["liberty"] = area.liberty.filename().string();
  return j;
}

nlohmann::json inputs_json(const FlowOptions &o, const FlowInputs &in) {
  nlohmann::json sets = nlohmann::json::object();
  for (const auto &[k, v] : o.sets) {
    sets[k] = v;
  }
  return {{"network", o.network.string()},
          {"network_name", in.net.name},
          {"network_source", in.net.source},
          {"arch", o.arch.string()},
          {"arch_name", in.arch.name},
          {"objective", o.objective},
          {"time_limit_s", o.time_limit_s},
          {"threads", o.threads},
          {"set", sets},
          {"dataflow", o.dataflow},
          {"sizes", o.sizes},
          {"max_area_um2", o.max_area_um2}};
}

// Everything the run found, as flow.json holds it (and the report renders it).
struct FlowFindings {
  std::vector<DataflowCandidate> study;         // empty unless --dataflow auto
  std::pair<nlohmann::json, std::string> sizes; // allocation, sizes_why
  Scheduled scheduled;
  nlohmann::json microarch;
  Design design;
  Rtl rtl;
  LintResult lint;
  SynthReport area;
  NestCheck cosim;
};

nlohmann::json flow_json(const FlowOptions &o, const FlowInputs &in, const FlowFindings &f,
                         double seconds) {
  nlohmann::json diags = nlohmann::json::array();
  for (const auto &d : f.lint.diagnostics) {
    diags.push_back(format_diagnostic(d));
  }
  const auto &ns = f.scheduled.ns;
  return {{"inputs", inputs_json(o, in)},
          {"dataflow", in.dataflow.name},
          {"dataflow_why", in.dataflow.why + "; " + dataflow_text(in.dataflow.name)},
          {"dataflow_study", study_json(f.study, in.dataflow.name)},
          {"buffer_sizes", buffer_sizes(in.arch)},
          {"sizes_why", f.sizes.second},
          {"allocation", f.sizes.first},
          {"dataflow_relaxed_layers", f.scheduled.relaxed},
          {"layers", layers_json(in, f.scheduled, f.design)},
          {"tensors", tensors_json(in.net.layers.front().problem)},
          {"total",
           {{"energy_pj", ns.total_energy_pj},
            {"cycles", ns.total_cycles},
            {"all_found", ns.all_found},
            {"all_optimal", ns.all_optimal}}},
          {"microarch", f.microarch},
          {"accelerator",
           {{"top", f.rtl.top}, {"params", f.rtl.params["params"]}, {"derivation", f.design.why}}},
          {"lint", {{"clean", f.lint.clean()}, {"diagnostics", diags}}},
          {"area", area_json(f.area)},
          {"cosim", cosim_json(f.cosim)},
          {"seconds", seconds}};
}

} // namespace

void check_flow_inputs(const FlowOptions &o) { (void)check_inputs(o); }

FlowResult run_flow(const FlowOptions &o) {
  const Progress pr(o);
  const auto t0 = std::chrono::steady_clock::now();
  FlowInputs in = check_inputs(o);

  detail::FlowFolder folder(o.out, o.force);
  const fs::path &work = folder.work();

  sched::SearchOptions so;
  so.objective = sched::parse_objective(o.objective);
  so.threads = o.threads;
  // Before the study, so a bad arch fails first; the space does not depend on which template
  // dataflow the study picks (nest_dataflow_arch changes only the mesh's shape).
  so.space = nest_space(widest_layer(in.net), in.arch);
  DiskSearchCache cache;
  if (o.reuse_cached) {
    so.cache = &cache;
  }
  if (o.status) {
    so.progress = [&o](const sched::SearchProgress &p) { o.status(search_status(p)); };
  }
  FlowFindings f;
  f.study = study_dataflow(o, in, so, pr);
  say_reused(cache, pr);
  f.sizes = size_buffers(o, in, so, pr);
  say_reused(cache, pr);
  f.scheduled = schedule_layers(o, in, so, pr, work);
  say_reused(cache, pr);
  const sched::NetworkSchedule &ns = f.scheduled.ns;
  require_cosim_budget(o, in, ns);
  f.microarch = write_microarch(ns, in.arch, pr, work);
  f.design = design_accelerator(o, ns, in.arch, in.dataflow.name, pr);
  f.rtl = write_design(f.design, ns, in.arch, pr, work);
  f.lint = lint_design(f.rtl, pr, work);
  f.area = measure_area(f.rtl, pr, work);
  f.cosim = cosimulate(o, in, ns, f.design, f.rtl, pr);
  const nlohmann::json flow = flow_json(
      o, in, f, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  write_file_atomic(work / "flow.json", flow.dump(2) + "\n");
  const nlohmann::json report = report_data(flow, f.scheduled.json);
  write_file_atomic(work / "report.json", report.dump(2) + "\n");
  write_file_atomic(work / "report.html", render_report(report));

  if (o.stop.interrupted()) {
    throw Interrupted();
  }
  folder.publish();
  FlowResult res;
  res.lint_clean = f.lint.clean();
  res.cosim_passed = f.cosim.passed;
  res.all_scheduled = ns.all_found;
  res.report = folder.out() / "report.html";
  return res;
}

} // namespace hcl::flows
