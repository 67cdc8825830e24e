// `hcl schedule`: the optimal schedule (within the search space, or with its gap when a time
// limit stops the search) of one layer or of every layer of a network on one architecture.
#include "command.h"
#include "interrupt.h"
#include "options.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/output_paths.h>
#include <flows/spec_files.h>

#include <generators/file_name.h>

#include <scheduler/interstellar/interstellar_io.h>
#include <scheduler/interstellar/search_interstellar.h>
#include <scheduler/io/json_out.h>
#include <scheduler/io/search_json.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_art.h>
#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/model/area.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/search/allocate.h>
#include <scheduler/search/padding.h>
#include <scheduler/search/search.h>
#include <scheduler/search/space_hint.h>

#include <support/text.h>

#include <fmt/core.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace {

using namespace hcl::sched;
using hcl::flows::load_arch_file;
using hcl::flows::load_problem_file;
using hcl::flows::require_file;
using hcl::flows::UsageError;

struct Options {
  std::string problem, network, arch, ert, art, json, emit, hint, unroll;
  std::string objective = "energy", mode = "hcl";
  int threads = 1;
  double time_limit = 0;
  double min_util = 0;
  int max_dims = 2;
  bool no_bypass = false;
  double max_pad = 0;
  bool pad = false;
  // Resource allocation: candidate sizes per level and an area budget (um^2, 0 = none).
  std::vector<std::string> sizes;
  double max_area = 0;
};

// What `--pad` alone means: enough for 7 -> 8, 55 -> 56/60/64, 197 -> 198/.../224.
constexpr double kDefaultPad = 0.2;

// "K 7->8, P 55->56", or empty when the result is not padded.
std::string padding_note(const Problem &p, const std::vector<std::int64_t> &bounds) {
  std::string out;
  for (std::size_t d = 0; d < bounds.size() && d < p.bounds.size(); ++d) {
    if (bounds[d] != p.bounds[d]) {
      out += fmt::format("{}{} {}->{}", out.empty() ? "" : ", ", p.dim_names[d], p.bounds[d],
                         bounds[d]);
    }
  }
  return out;
}

std::vector<int> parse_dims(const Problem &p, const std::string &list) {
  std::vector<int> out;
  for (const auto &tok : hcl::cli::comma_list(list, "--unroll", "C,K")) {
    const int d = p.dim_index(tok);
    if (d < 0) {
      std::string valid;
      for (const auto &n : p.dim_names) {
        valid += (valid.empty() ? "" : ",") + n;
      }
      throw UsageError(fmt::format("--unroll: layer '{}' has no dimension '{}' (valid: {})", p.name,
                                   tok, valid));
    }
    out.push_back(d);
  }
  return out;
}

struct Progress {
  bool tty = isatty(fileno(stderr)) != 0;
  std::string layer;
  void operator()(const SearchProgress &p) const {
    if (!tty) {
      return;
    }
    const double total = static_cast<double>(p.stats.nodes);
    const double gap = p.found && p.best > 0 ? (p.best - p.lower_bound) / p.best : 1.0;
    fmt::print(
        stderr, "\r{:<24} {:>6.1f}s explored {} pruned {:.1f}% best {} gap {:.2f}%   ", layer,
        p.stats.seconds, hcl::support::grouped(p.stats.nodes),
        total > 0 ? 100.0 * static_cast<double>(p.stats.pruned + p.stats.capacity_cuts) / total
                  : 0.0,
        p.found ? fmt::format("{:.6g}", p.best) : std::string("-"), 100.0 * std::max(0.0, gap));
  }
  void clear() const {
    if (tty) {
      fmt::print(stderr, "\r{:<100}\r", "");
    }
  }
};

int run_interstellar(const Options &o) {
  if (!o.sizes.empty() || o.max_area > 0 || !o.art.empty()) {
    throw UsageError("--sizes, --max-area and --art do not apply to --mode interstellar (the "
                     "tool's arch JSON has no area model)");
  }
  if (!o.network.empty() || !o.emit.empty() || !o.ert.empty()) {
    throw UsageError("--network, --emit-mapping and --ert do not apply to --mode interstellar "
                     "(it takes the tool's layer JSON, arch JSON and schedule hint)");
  }
  if (o.objective != "energy") {
    throw UsageError("--mode interstellar optimizes energy only (the tool models no latency)");
  }
  const auto layer = interstellar::read_layer(o.problem);
  const auto arch = interstellar::read_arch(o.arch);
  interstellar::ScheduleHint hint;
  interstellar::SearchOptions so;
  so.time_limit_s = o.time_limit;
  so.stop = hcl::cli::stop_token(o.time_limit);
  if (!o.hint.empty()) {
    require_file(o.hint, "--hint");
    hint = interstellar::read_schedule_hint(o.hint, arch.levels);
    so.hint = &hint;
  }
  const auto r = interstellar::search(layer, arch, so);
  const std::string name = std::filesystem::path(o.problem).stem().string();
  if (!r.found) {
    fmt::print("{}: {}\n", name,
               r.optimal       ? "no valid mapping in the space (capacity/utilization rules)"
               : r.interrupted ? "interrupted before a mapping was found"
                               : "none found in time");
    return 1;
  }
  fmt::print("{}: energy {:.1f} pJ, {}{} ({} evaluations, {:.3f} s)\n", name, r.result.energy_pj,
             r.interrupted ? "interrupted, " : "",
             r.optimal ? "optimal within the space" : fmt::format("gap {:.2f}%", 100 * r.gap),
             hcl::support::grouped(r.stats.evaluations), r.stats.seconds);
  if (!o.json.empty()) {
    nlohmann::json layer_j = {
        {"name", name},
        {"schedule", interstellar::mapping_to_json(r.mapping)},
        {"evaluation", interstellar::result_to_json(r.result, layer, arch, r.mapping)},
        {"optimal", r.optimal},
        {"gap", r.gap},
        {"lower_bound", r.lower_bound},
        {"interrupted", r.interrupted},
        {"stats", stats_json(r.stats)}};
    const nlohmann::json j = {
        {"layers", nlohmann::json::array({layer_j})},
        {"total",
         {{"energy_pj", r.result.energy_pj}, {"cycles", 0}, {"interrupted", r.interrupted}}}};
    hcl::flows::write_file_atomic(o.json, j.dump(2) + "\n");
    fmt::print("wrote {}\n", o.json);
  }
  return 0;
}

std::string status_of(const AllocationPoint &p, Objective objective) {
  if (!p.within_budget) {
    return "over budget";
  }
  if (p.out_of_time) {
    return "not searched (time limit)";
  }
  if (!p.searched) {
    return "cut by its bound";
  }
  if (!p.found) {
    return p.optimal ? "no mapping fits" : "none found in time";
  }
  return fmt::format("{} {:.6g}{}", objective_name(objective), p.objective,
                     p.optimal ? "" : " (not proven)");
}

void print_allocation(const AllocationResult &r, Objective objective) {
  if (r.levels.empty()) {
    fmt::print("area: {} um^2 within the budget of {} um^2\n",
               hcl::support::grouped(static_cast<std::int64_t>(r.area_um2)),
               hcl::support::grouped(static_cast<std::int64_t>(r.max_area_um2)));
    return;
  }
  std::string budget =
      r.max_area_um2 > 0
          ? fmt::format("under {} um^2",
                        hcl::support::grouped(static_cast<std::int64_t>(r.max_area_um2)))
          : std::string("without an area budget");
  fmt::print("allocation {}: {} combinations, {} within budget, {} searched, {} cut by their "
             "lower bound{}\n",
             budget, r.points.size(), r.within_budget, r.searched, r.pruned,
             r.out_of_time > 0 ? fmt::format(", {} left by the time limit", r.out_of_time)
                               : std::string());
  std::string head;
  for (const auto &l : r.levels) {
    head += fmt::format("{:>14} ", l);
  }
  fmt::print("{}{:>14} {:>16}  {}\n", head, "area_um2", "lower_bound", "result");
  for (const auto &p : r.points) {
    std::string row;
    for (const auto b : p.size_bytes) {
      row += fmt::format("{:>14} ", fmt::format("{} B", b));
    }
    fmt::print("{}{:>14} {:>16}  {}\n", row,
               hcl::support::grouped(static_cast<std::int64_t>(p.area_um2)),
               p.within_budget ? fmt::format("{:.6g}", p.lower_bound) : std::string("-"),
               status_of(p, objective));
  }
  if (!r.found) {
    fmt::print("no combination within the budget schedules every layer\n");
    return;
  }
  fmt::print("chosen: {}; area {} um^2; {} {:.6g}, {}\n", sizes_text(r.levels, r.size_bytes),
             hcl::support::grouped(static_cast<std::int64_t>(r.area_um2)),
             objective_name(objective), r.objective,
             r.optimal ? "optimal over the combinations" : fmt::format("gap {:.2f}%", 100 * r.gap));
}

std::vector<hcl::flows::PathOption> inputs(const Options &o) {
  return {{"--problem", o.problem}, {"--network", o.network}, {"--arch", o.arch},
          {"--ert", o.ert},         {"--art", o.art},         {"--hint", o.hint}};
}

// The files --emit-mapping will write, known before the search from the layer (and arch) names,
// so that none of them can replace an input.
void check_emitted(const Options &o, const Network &net, const Arch &arch) {
  if (o.emit.empty()) {
    return;
  }
  const std::string names_from = o.network.empty() ? o.problem : o.network;
  std::vector<std::string> files;
  for (const auto &l : net.layers) {
    hcl::gen::require_file_name(l.problem.name, names_from + ": layer name");
    files.push_back(l.problem.name + ".schedule.yaml");
    files.push_back(l.problem.name + ".timeloop.map.yaml");
  }
  if (!o.sizes.empty()) {
    hcl::gen::require_file_name(arch.name, o.arch + ": arch name");
    files.push_back(arch.name + ".allocated.arch.yaml");
  }
  for (const auto &f : files) {
    const hcl::flows::PathOption out{"--emit-mapping", std::filesystem::path(o.emit) / f};
    hcl::flows::check_output(out, hcl::flows::OutputKind::File);
    hcl::flows::check_not_an_input(out, hcl::flows::OutputKind::File, inputs(o));
  }
}

void check_options(const Options &o) {
  if (o.problem.empty() == o.network.empty()) {
    throw UsageError("give exactly one of --problem and --network");
  }
  require_file(o.problem.empty() ? o.network : o.problem,
               o.problem.empty() ? "--network" : "--problem");
  require_file(o.arch, "--arch");
  hcl::flows::check_outputs({{"--json", o.json}}, hcl::flows::OutputKind::File, inputs(o));
  hcl::flows::check_output({"--emit-mapping", o.emit}, hcl::flows::OutputKind::Folder);
  if (o.threads < 1 || o.threads > 256) {
    throw UsageError(fmt::format("--threads must be 1..256, got {}", o.threads));
  }
}

// --network, or --problem as a network of one layer named after its file.
Network load_layers(const Options &o) {
  Network net;
  if (!o.network.empty()) {
    net = load_network_yaml(o.network);
  } else {
    net.name = std::filesystem::path(o.problem).stem().string();
    net.layers.push_back({load_problem_file(o.problem), 1});
  }
  if (net.layers.empty()) {
    throw UsageError(fmt::format("{}: the network has no layers", o.network));
  }
  return net;
}

// The options' search space on `ta`; constraints from Timeloop's file, or from --hint.
SearchOptions search_options(const Options &o, const TimeloopArch &ta, const Problem &first) {
  SearchOptions so;
  so.objective = parse_objective(o.objective);
  so.mode = o.mode == "timeloop" ? Mode::Timeloop : Mode::Hcl;
  so.threads = o.threads;
  so.time_limit_s = o.time_limit;
  so.stop = hcl::cli::stop_token(o.time_limit);
  so.space.bypass = !o.no_bypass;
  so.space.min_utilization = o.min_util;
  so.space.max_dims_per_axis = o.max_dims;
  so.space.max_pad = o.max_pad > 0 ? o.max_pad : (o.pad ? kDefaultPad : 0.0);
  if (!o.unroll.empty()) {
    so.space.unroll_dims = parse_dims(first, o.unroll);
  }
  if (!ta.constraints.empty()) {
    so.space.constraints = constraints_from_timeloop(first, ta.arch, ta.constraints);
  }
  so.space.min_utilization = std::max(so.space.min_utilization, ta.min_utilization);
  if (!o.hint.empty()) {
    require_file(o.hint, "--hint");
    const auto hint =
        interstellar::read_schedule_hint(o.hint, static_cast<int>(ta.arch.levels.size()));
    so.space.constraints = constraints_from_hint(first, ta.arch, hint);
  }
  return so;
}

void warn_if_no_energy(const Options &o, const Arch &arch, Objective objective) {
  bool any_energy = arch.mac_energy_pj > 0;
  for (const auto &lv : arch.levels) {
    any_energy =
        any_energy || lv.read_energy_pj > 0 || lv.write_energy_pj > 0 || lv.update_energy_pj > 0;
  }
  if (!any_energy && objective != Objective::Cycles) {
    fmt::print(stderr,
               "warning: {} gives no access or MAC energies (Timeloop archs need --ert); "
               "every schedule costs 0 pJ and the first one found is reported\n",
               o.arch);
  }
}

std::string layer_status(const LayerSchedule &l) {
  const auto &r = l.result;
  std::string status;
  if (!l.same_as.empty()) {
    status = "same as " + l.same_as;
  } else if (!r.found) {
    status = r.optimal       ? "no mapping fits"
             : r.interrupted ? "interrupted before a mapping was found"
                             : "none found in time";
  } else if (r.interrupted) {
    status = fmt::format("interrupted, gap {:.2f}% ({:.2f} s)", 100 * r.gap, r.stats.seconds);
  } else if (r.optimal) {
    status = fmt::format("optimal ({:.2f} s)", r.stats.seconds);
  } else {
    status = fmt::format("gap {:.2f}% ({:.2f} s)", 100 * r.gap, r.stats.seconds);
  }
  if (const auto note = padding_note(l.problem, r.bounds); r.found && !note.empty()) {
    status += ", padded " + note;
  }
  return status;
}

void print_table_header() {
  fmt::print("{:<24} {:>6} {:>16} {:>14} {:>7} {:>9} {:>9} {:>9}  {}\n", "layer", "repeat",
             "energy_pj", "cycles", "util%", "cyc/bound", "traffic/c", "traffic/a", "status");
}

void print_layer(const LayerSchedule &l) {
  const auto &r = l.result;
  if (r.found) {
    const auto &e = r.evaluation;
    fmt::print(
        "{:<24} {:>6} {:>16.1f} {:>14} {:>7.2f} {:>9.3f} {:>9.3f} {:>9.3f}  {}\n", l.name, l.repeat,
        e.energy_pj, hcl::support::grouped(e.cycles), 100 * e.utilization,
        static_cast<double>(e.cycles) /
            static_cast<double>(std::max<std::int64_t>(1, e.bounds.compute_cycles)),
        static_cast<double>(e.backing_words) /
            static_cast<double>(std::max<std::int64_t>(1, e.bounds.compulsory_backing_words)),
        l.attainable_traffic > 0 ? static_cast<double>(e.backing_words) / l.attainable_traffic
                                 : 0.0,
        layer_status(l));
  } else {
    fmt::print("{:<24} {:>6} {:>16} {:>14} {:>7} {:>9} {:>9} {:>9}  {}\n", l.name, l.repeat, "-",
               "-", "-", "-", "-", "-", layer_status(l));
  }
  std::fflush(stdout);
}

void print_totals(const Options &o, const Network &net, const NetworkSchedule &s, const Arch &arch,
                  double seconds) {
  fmt::print("total: energy {:.1f} pJ, {} cycles, {} layers ({} unique), {}, {:.2f} s\n",
             s.total_energy_pj, hcl::support::grouped(s.total_cycles), net.layer_count(),
             s.unique_layers,
             s.interrupted   ? "interrupted (Ctrl-C): the best so far, NOT all proven optimal"
             : s.all_optimal ? "all optimal within the space"
                             : "NOT all proven optimal",
             seconds);
  if (arch.has_area) {
    fmt::print("area: {} um^2{}\n",
               hcl::support::grouped(static_cast<std::int64_t>(arch_area(arch).total_um2)),
               o.max_area > 0
                   ? fmt::format(" (budget {})",
                                 hcl::support::grouped(static_cast<std::int64_t>(o.max_area)))
                   : std::string());
  }
}

// --emit-mapping: each layer's schedule in our format and Timeloop's, and with --sizes the
// arch they validate against.
void emit_mappings(const Options &o, const NetworkSchedule &s, const Arch &arch) {
  std::filesystem::create_directories(o.emit);
  for (const auto &l : s.layers) {
    if (!l.result.found) {
      continue;
    }
    const auto base = std::filesystem::path(o.emit) / l.name;
    // A padded schedule loads against the layer itself (its `padding: true` allows the
    // larger factors); Timeloop has no such flag, so its mapping says which bounds to use.
    const std::string note = padding_note(l.problem, l.result.bounds);
    const std::string header =
        note.empty() ? std::string()
                     : fmt::format("# padded: {} (zeros computed); evaluate it in Timeloop with "
                                   "these bounds in the problem instance\n",
                                   note);
    hcl::flows::write_file_atomic(
        base.string() + ".schedule.yaml",
        (note.empty() ? std::string() : fmt::format("# padded: {} (zeros computed)\n", note)) +
            mapping_to_yaml(l.problem, arch, l.result.mapping));
    hcl::flows::write_file_atomic(
        base.string() + ".timeloop.map.yaml",
        header + mapping_to_timeloop_yaml(with_bounds(l.problem, l.result.bounds), arch,
                                          l.result.mapping));
  }
  fmt::print("wrote {}/<layer>.schedule.yaml and <layer>.timeloop.map.yaml\n", o.emit);
  if (!o.sizes.empty()) {
    // The schedules only validate against the chosen sizes, so the arch goes with them.
    const auto path =
        (std::filesystem::path(o.emit) / (arch.name + ".allocated.arch.yaml")).string();
    hcl::flows::write_file_atomic(path, arch_to_yaml(arch));
    fmt::print("wrote {}\n", path);
  }
}

void write_json(const Options &o, const NetworkSchedule &s, const Arch &arch, Objective objective,
                const AllocationResult *alloc) {
  nlohmann::json j = network_json(s, arch, objective);
  if (arch.has_area) {
    j["area"] = area_json(arch, arch_area(arch));
  }
  if (alloc) {
    j["allocation"] = allocation_json(*alloc);
  }
  hcl::flows::write_file_atomic(o.json, j.dump(2) + "\n");
  fmt::print("wrote {}\n", o.json);
}

// --sizes / --max-area: one size set for the network, chosen with its schedules.
AllocationResult allocate_sizes(const Options &o, const Network &net, const Arch &arch,
                                const SearchOptions &so, Progress &progress) {
  AllocationOptions ao;
  for (const auto &spec : o.sizes) {
    ao.sizes.push_back(parse_size_candidates(spec));
  }
  ao.max_area_um2 = o.max_area;
  progress.layer = "allocating sizes";
  AllocationResult alloc = allocate(net, arch, ao, so);
  progress.clear();
  print_allocation(alloc, so.objective);
  return alloc;
}

int run(const Options &o) {
  hcl::cli::stop_on_interrupt();
  check_options(o);
  if (o.mode == "interstellar") {
    return run_interstellar(o);
  }
  const Network net = load_layers(o);
  const Problem &first = net.layers.front().problem;
  const TimeloopArch ta = load_arch_file(o.arch, first, o.ert, o.art);
  check_emitted(o, net, ta.arch);
  SearchOptions so = search_options(o, ta, first);
  warn_if_no_energy(o, ta.arch, so.objective);
  auto progress = std::make_shared<Progress>();
  so.progress = [progress](const SearchProgress &p) { (*progress)(p); };
  progress->layer = first.name;

  const bool allocating = !o.sizes.empty() || o.max_area > 0;
  Arch arch = ta.arch;
  AllocationResult alloc;
  if (allocating) {
    alloc = allocate_sizes(o, net, ta.arch, so, *progress);
    if (!alloc.found) {
      return hcl::cli::interrupted() ? hcl::cli::kInterruptedExit : 1;
    }
    arch = alloc.arch;
  }
  print_table_header();
  NetworkSchedule s;
  if (allocating) {
    s = alloc.schedule;
    for (const auto &l : s.layers) {
      print_layer(l);
    }
  } else {
    // Each layer's progress line names the layer being searched.
    std::size_t next_layer = 1;
    s = schedule_network(net, arch, so, [&](const LayerSchedule &l) {
      progress->clear();
      print_layer(l);
      if (next_layer < net.layers.size()) {
        progress->layer = net.layers[next_layer].problem.name;
      }
      ++next_layer;
    });
  }
  progress->clear();
  s.interrupted = s.interrupted || hcl::cli::interrupted();
  print_totals(o, net, s, arch, allocating ? alloc.seconds : s.seconds);
  if (!o.emit.empty()) {
    emit_mappings(o, s, arch);
  }
  if (!o.json.empty()) {
    write_json(o, s, arch, so.objective, allocating ? &alloc : nullptr);
  }
  return s.interrupted ? hcl::cli::kInterruptedExit : s.all_found ? 0 : 1;
}

const hcl::cli::RegisterCommand reg_schedule{
    "schedule", "Optimal schedule of a layer or a whole network (branch and bound; proof or gap)",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto o = std::make_shared<Options>();
      cmd.add_option("--problem", o->problem,
                     "One layer: our workload YAML or a Timeloop problem YAML; with --mode "
                     "interstellar the tool's layer JSON");
      cmd.add_option("--network", o->network,
                     "A network YAML (examples/networks): every layer, identical shapes searched "
                     "once, per-layer table and total");
      cmd.add_option("--arch", o->arch,
                     "Architecture: our arch YAML or Timeloop's (its mapper constraints are "
                     "honoured); with --mode interstellar the tool's arch JSON")
          ->required();
      cmd.add_option("--objective", o->objective, "What to minimize: energy (default), cycles, edp")
          ->check(CLI::IsMember({"energy", "cycles", "edp"}));
      cmd.add_option("--mode", o->mode,
                     "Cost model: hcl (default), timeloop, or interstellar (the seed tool's "
                     "formulas and validity rules)")
          ->check(CLI::IsMember({"timeloop", "interstellar", "hcl"}));
      cmd.add_option("--threads", o->threads,
                     "Search threads (the result does not depend on it); default 1");
      cmd.add_option(
             "--time-limit", o->time_limit,
             "Seconds for the whole run, a promise: the run ends within it; when it stops a "
             "search the best schedule so far is reported with its gap to the lower bound "
             "(0 = prove optimality). Ctrl-C also stops the search: the table, total line, "
             "--json and --emit-mapping get the best schedules so far, each with its gap, "
             "marked interrupted, and hcl exits 130; a second Ctrl-C quits at once")
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max()));
      cmd.add_option("--json", o->json,
                     "Write {layers: [{name, schedule, evaluation, optimal, gap, stats}], total} "
                     "here");
      cmd.add_option("--emit-mapping", o->emit,
                     "Directory for each best schedule as <layer>.schedule.yaml (ours) and "
                     "<layer>.timeloop.map.yaml (Timeloop v0.4); every layer name must be a "
                     "plain file name (no '/', not empty, '.' or '..'), checked before the search");
      cmd.add_option("--ert", o->ert, "Accelergy ERT_summary.yaml with energies per action");
      cmd.add_option("--art", o->art,
                     "Accelergy ART_summary.yaml with areas per instance (an area model for "
                     "--max-area)");
      cmd.add_option("--hint", o->hint,
                     "The seed tool's schedule-hint JSON: fixes the blockings and unrollings it "
                     "gives (loops FX,FY,OX,OY,OC,IC,ON = S,R,Q,P,K,C,N)");
      cmd.add_option("--unroll", o->unroll,
                     "Fixed dataflow: comma-separated dimensions that may be unrolled (e.g. C,K)");
      cmd.add_option("--min-utilization", o->min_util,
                     "Minimum fraction of the PEs the spatial loops must use (0..1)")
          ->check(hcl::cli::finite_number(0, 1));
      cmd.add_option("--max-dims-per-axis", o->max_dims,
                     "Loops that may share one array axis (replication); default 2")
          ->check(CLI::Range(1, 4));
      cmd.add_option("--max-pad", o->max_pad,
                     "Imperfect factorization: also search each dimension padded with zeros by "
                     "up to this fraction of its bound (e.g. 0.2: 55 -> 56, 60, 64); the extra "
                     "MACs and words are costed. Default 0 = off")
          ->check(hcl::cli::finite_number(0, 1));
      cmd.add_flag("--pad", o->pad, fmt::format("Same as --max-pad {}", kDefaultPad));
      cmd.add_flag("--no-bypass", o->no_bypass,
                   "Keep every tensor the architecture allows at each level instead of also "
                   "searching bypass");
      cmd.add_option("--sizes", o->sizes,
                     "Resource allocation: LEVEL=SIZE,SIZE,... candidate sizes of an on-chip level "
                     "(bytes, or with B/KB/MB); repeat per level. One size set for the whole "
                     "network, chosen with the schedules; access energies and areas rescale");
      cmd.add_option("--max-area", o->max_area,
                     "Area budget in um^2 (needs an area model in the arch): with --sizes only "
                     "combinations within it are considered; without, an arch over it is an error")
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max(), true));
      return [o]() { return run(*o); };
    }};

} // namespace
