// `hcl explore dataflows|memory`: the seed paper's design-space experiments, each point an
// exact search (hcl schedule), printed as a table and written as CSV and JSON.
#include "command.h"
#include "interrupt.h"
#include "options.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/output_paths.h>
#include <flows/spec_files.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/search/allocate.h>
#include <scheduler/search/explore.h>

#include <fmt/core.h>

#include <filesystem>
#include <limits>
#include <memory>

namespace {

using namespace hcl::sched;
using hcl::flows::load_arch_file;
using hcl::flows::load_problem_file;
using hcl::flows::require_file;
using hcl::flows::UsageError;

struct Options {
  std::string problem, arch, csv, json, dataflows, objective = "energy", mode = "hcl";
  bool dataflows_given = false;
  std::vector<std::string> sizes;
  int threads = 1;
  double time_limit = 0;
};

SearchOptions search_options(const Options &o) {
  if (o.threads < 1 || o.threads > 256) {
    throw UsageError(fmt::format("--threads must be 1..256, got {}", o.threads));
  }
  SearchOptions so;
  so.objective = parse_objective(o.objective);
  so.mode = o.mode == "timeloop" ? Mode::Timeloop : Mode::Hcl;
  so.threads = o.threads;
  so.time_limit_s = o.time_limit;
  so.stop = hcl::cli::stop_token(o.time_limit);
  return so;
}

// The inputs exist and the outputs can be written (and are not the inputs): checked before the
// search, not after it.
void check_paths(const Options &o) {
  require_file(o.problem, "--problem");
  require_file(o.arch, "--arch");
  hcl::flows::check_outputs({{"--csv", o.csv}, {"--json", o.json}}, hcl::flows::OutputKind::File,
                            {{"--problem", o.problem}, {"--arch", o.arch}});
}

// Interrupted (Ctrl-C): the points so far are written, marked, and the run exits 130.
void write_outputs(const Options &o, const std::string &csv, nlohmann::json json) {
  json["interrupted"] = hcl::cli::interrupted();
  if (!o.csv.empty()) {
    hcl::flows::write_file_atomic(o.csv, csv);
    fmt::print("wrote {}\n", o.csv);
  }
  if (!o.json.empty()) {
    hcl::flows::write_file_atomic(o.json, json.dump(2) + "\n");
    fmt::print("wrote {}\n", o.json);
  }
}

std::string status(const SearchResult &r) {
  if (!r.found) {
    return r.optimal ? "no mapping fits" : r.interrupted ? "interrupted" : "none found in time";
  }
  return r.optimal
             ? "optimal"
             : fmt::format("{}gap {:.2f}%", r.interrupted ? "interrupted, " : "", 100 * r.gap);
}

// Said under the table, so a shortened table is not taken for a complete one.
void say_if_interrupted() {
  if (hcl::cli::interrupted()) {
    fmt::print("interrupted (Ctrl-C): the points so far, the rest not searched\n");
  }
}

int run_dataflows(const Options &o) {
  hcl::cli::stop_on_interrupt();
  check_paths(o);
  const Problem p = load_problem_file(o.problem);
  const Arch a = load_arch_file(o.arch, p).arch;
  const std::vector<std::string> dfs =
      o.dataflows_given ? hcl::cli::comma_list(o.dataflows, "--dataflows", "C|K,R|P")
                        : default_dataflows();
  for (const auto &df : dfs) {
    try {
      (void)dataflow_dims(p, df);
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("--dataflows: {}", e.what()));
    }
  }
  const auto pts = explore_dataflows(p, a, dfs, search_options(o));
  double best = 0;
  for (const auto &pt : pts) {
    if (pt.result.found && (best == 0 || pt.result.evaluation.energy_pj < best)) {
      best = pt.result.evaluation.energy_pj;
    }
  }
  fmt::print("layer {} on {}: best energy per dataflow (unrolled loops)\n", p.name, a.name);
  fmt::print("{:<10} {:>16} {:>14} {:>7} {:>9}  {}\n", "dataflow", "energy_pj", "cycles", "util%",
             "vs best", "status");
  bool all = true;
  for (const auto &pt : pts) {
    all = all && pt.result.found;
    if (!pt.result.found) {
      fmt::print("{:<10} {:>16} {:>14} {:>7} {:>9}  {}\n", pt.name, "-", "-", "-", "-",
                 status(pt.result));
      continue;
    }
    const auto &e = pt.result.evaluation;
    fmt::print("{:<10} {:>16.1f} {:>14} {:>7.2f} {:>+8.2f}%  {}\n", pt.name, e.energy_pj, e.cycles,
               100 * e.utilization, 100 * (e.energy_pj / best - 1), status(pt.result));
  }
  say_if_interrupted();
  write_outputs(o, dataflows_csv(pts), dataflows_json(p, a, pts));
  return all ? 0 : 1;
}

int run_memory(const Options &o) {
  hcl::cli::stop_on_interrupt();
  check_paths(o);
  const Problem p = load_problem_file(o.problem);
  const Arch a = load_arch_file(o.arch, p).arch;
  if (o.sizes.empty()) {
    throw UsageError("--sizes: give LEVEL=SIZE,SIZE,... for one or two levels, e.g. --sizes "
                     "RF=64B,256B,1KB --sizes GlobalBuffer=32KB,128KB");
  }
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> sweep;
  for (const auto &spec : o.sizes) {
    auto c = parse_size_candidates(spec);
    sweep.emplace_back(std::move(c.level), std::move(c.size_bytes));
  }
  const MemoryGrid g = explore_memory(p, a, sweep, search_options(o));
  double lo = 0, hi = 0;
  fmt::print("layer {} on {}: best energy (pJ) per size of {}\n", p.name, a.name,
             fmt::format("{}", g.levels.size() == 2
                                   ? g.levels[0] + " (rows) x " + g.levels[1] + " (columns)"
                                   : g.levels[0]));
  const std::size_t cols = g.levels.size() >= 2 ? g.sizes.back().size() : 1;
  std::string head = fmt::format("{:>12}", g.levels.size() >= 2 ? "" : "size");
  if (g.levels.size() >= 2) {
    for (auto b : g.sizes.back()) {
      head += fmt::format(" {:>16}", fmt::format("{} B", b));
    }
  } else {
    head += fmt::format(" {:>16}", "energy_pj");
  }
  fmt::print("{}\n", head);
  bool all = true;
  for (std::size_t i = 0; i < g.points.size(); i += cols) {
    std::string row = fmt::format("{:>12}", fmt::format("{} B", g.points[i].size_bytes[0]));
    for (std::size_t c = 0; c < cols && i + c < g.points.size(); ++c) {
      const auto &r = g.points[i + c].result;
      all = all && r.found;
      if (r.found) {
        const double e = r.evaluation.energy_pj;
        lo = lo == 0 ? e : std::min(lo, e);
        hi = std::max(hi, e);
        row += fmt::format(" {:>15.4g}{}", e, r.optimal ? " " : "~");
      } else {
        row += fmt::format(" {:>16}", "-");
      }
    }
    fmt::print("{}\n", row);
  }
  if (lo > 0) {
    fmt::print("spread: the worst size costs {:.2f}x the best ('~' = not proven optimal, '-' = "
               "nothing fits)\n",
               hi / lo);
  }
  say_if_interrupted();
  write_outputs(o, memory_csv(g), memory_json(p, a, g));
  return all ? 0 : 1;
}

void common(CLI::App &c, Options &o) {
  c.add_option("--problem", o.problem, "Layer: our workload YAML or a Timeloop problem YAML")
      ->required();
  c.add_option("--arch", o.arch, "Architecture: our arch YAML or Timeloop's")->required();
  c.add_option("--csv", o.csv, "Write the table as CSV here");
  c.add_option("--json", o.json, "Write every point (schedule, evaluation, proof) as JSON here");
  c.add_option("--objective", o.objective, "energy (default), cycles or edp")
      ->check(CLI::IsMember({"energy", "cycles", "edp"}));
  c.add_option("--mode", o.mode, "hcl (default) or timeloop")
      ->check(CLI::IsMember({"timeloop", "hcl"}));
  c.add_option("--threads", o.threads, "Search threads (results do not depend on it)");
  c.add_option("--time-limit", o.time_limit,
               "Seconds for all points together, a promise: the run ends within it; unproven "
               "points are marked (0 = prove all). Ctrl-C stops too: the points so far are "
               "printed and written, marked interrupted, exit 130; a second Ctrl-C quits at once")
      ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max()));
}

const hcl::cli::RegisterCommand reg_explore{
    "explore", "Design-space experiments: best energy per dataflow, or over a grid of memory sizes",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto o = std::make_shared<Options>();
      cmd.require_subcommand(1);
      auto *df = cmd.add_subcommand("dataflows", "Best energy for each choice of unrolled loops");
      common(*df, *o);
      df->add_option("--dataflows", o->dataflows,
                     "Comma-separated dataflows, each the dims that may be unrolled joined by '|' "
                     "(default C|K,R|P,Q|P,S|R: TPU, Eyeriss FY|Y, X|Y, FX|FY)");
      auto *mem = cmd.add_subcommand("memory", "Best energy over a grid of on-chip level sizes");
      common(*mem, *o);
      mem->add_option("--sizes", o->sizes,
                      "LEVEL=SIZE,SIZE,... (bytes, or with B/KB/MB); repeat for a second level. "
                      "Access energies rescale with the built-in Interstellar table");
      return [o, df, mem]() {
        o->dataflows_given = df->count("--dataflows") > 0;
        if (df->parsed()) {
          return run_dataflows(*o);
        }
        (void)mem;
        return run_memory(*o);
      };
    }};

} // namespace
