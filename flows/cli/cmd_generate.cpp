// `hcl generate`: elaborate one of the hardware generators and write its Verilog and params.
#include "command.h"

#include <flows/flow_dataflow.h>
#include <flows/nest_lower.h>
#include <generators/file_name.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/network/network.h>

#include <yaml-cpp/yaml.h>

#include <flows/output_paths.h>
#include <flows/spec_files.h>

#include <generators/array.h>
#include <generators/generate.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <memory>

namespace {

namespace sched = hcl::sched;
using hcl::flows::UsageError;

// The layer a schedule file is for: ours names it; a Timeloop mapping is named by its file
// (conv1.timeloop.map.yaml is conv1's).
std::string schedule_layer(const std::string &path) {
  if (sched::detect_spec_kind(path) == sched::SpecKind::Schedule) {
    const YAML::Node n = YAML::LoadFile(path)["schedule"]["layer"];
    if (n && n.IsScalar()) {
      return n.as<std::string>();
    }
    throw UsageError(fmt::format("{}: schedule.layer: missing; it names the layer (a layer of "
                                 "--network or a --problem file)",
                                 path));
  }
  const std::string stem = std::filesystem::path(path).filename().string();
  return stem.substr(0, stem.find('.'));
}

// --dataflow, canonical; one the template runs ("auto" is a study, which hcl flow runs).
std::string template_dataflow(const std::string &requested) {
  if (requested == "auto") {
    throw UsageError(fmt::format("--dataflow auto: the study that chooses needs the whole "
                                 "network (hcl flow runs it); give one of {}",
                                 fmt::join(hcl::flows::template_dataflows(), ", ")));
  }
  try {
    return hcl::flows::choose_dataflow(requested).name;
  } catch (const std::invalid_argument &e) {
    throw UsageError(e.what()); // it names --dataflow and the ones that run
  }
}

// The schedule-driven accelerator: one design for every --schedule, a configuration for each.
int generate_nest(const std::string &arch_path, const std::vector<std::string> &schedules,
                  const std::string &network, const std::vector<std::string> &problem_files,
                  const std::vector<std::string> &sets, const std::string &dataflow,
                  const std::string &out) {
  hcl::flows::require_file(arch_path, "--arch");
  if (sched::detect_spec_kind(arch_path) != sched::SpecKind::Arch) {
    throw UsageError(fmt::format("{}: not an architecture file; generate accelerator takes our "
                                 "arch YAML (top-level key 'arch:')",
                                 arch_path));
  }
  const std::string df = template_dataflow(dataflow);
  // The arch as the template builds it for `df` (the C dataflow's mesh is one column); the
  // schedules are read, checked and modelled on it, and it is the arch.yaml `hcl cosim` reads.
  const sched::Arch given = sched::load_arch_yaml(arch_path); // its errors name file and line
  sched::Arch spec_arch;
  try {
    spec_arch = hcl::flows::nest_dataflow_arch(given, df);
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("{}: {}", arch_path, e.what()));
  }
  std::vector<sched::Problem> known;
  if (!network.empty()) {
    hcl::flows::require_file(network, "--network");
    for (const auto &l : sched::load_network_yaml(network).layers) {
      known.push_back(l.problem);
    }
  }
  for (const auto &p : problem_files) {
    hcl::flows::require_file(p, "--problem");
    known.push_back(hcl::flows::load_problem_file(p));
    if (known.back().name.empty()) {
      known.back().name = std::filesystem::path(p).filename().string().substr(
          0, std::filesystem::path(p).filename().string().find('.'));
    }
  }
  if (schedules.empty()) {
    throw UsageError("--schedule: give at least one schedule (hcl schedule --emit-mapping DIR "
                     "writes them)");
  }
  std::vector<hcl::flows::NestLayerSpec> specs;
  std::vector<hcl::flows::NestLayer> layers;
  for (const auto &path : schedules) {
    hcl::flows::require_file(path, "--schedule");
    const std::string name = schedule_layer(path);
    hcl::gen::require_file_name(name, path + ": layer name"); // config/<layer>.json etc.
    const auto it = std::find_if(known.begin(), known.end(),
                                 [&](const sched::Problem &p) { return p.name == name; });
    if (it == known.end()) {
      std::string names;
      for (const auto &p : known) {
        names += (names.empty() ? "" : ", ") + p.name;
      }
      throw UsageError(fmt::format("{}: layer '{}' is in no --network or --problem (layers: {})",
                                   path, name, names.empty() ? "none given" : names));
    }
    const sched::Arch &arch = spec_arch;
    const sched::Mapping m = sched::detect_spec_kind(path) == sched::SpecKind::Schedule
                                 ? sched::load_mapping_yaml(path, *it, arch)
                                 : sched::load_timeloop_mapping(path, *it, arch);
    try {
      layers.push_back(hcl::flows::analyse_nest_layer(*it, arch, m));
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("{}: {}", path, e.what()));
    }
    specs.push_back({*it, m});
  }
  hcl::gen::NestAcceleratorConfig cfg;
  try {
    cfg = hcl::flows::nest_accelerator_config(spec_arch, layers, nullptr, df);
    for (const auto &s : sets) {
      const auto [k, v] = hcl::gen::parse_setting(s);
      cfg.set(k, v);
    }
    cfg.validate();
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("accelerator for {}: {}", arch_path, e.what()));
  }
  std::vector<hcl::flows::NestLayerConfig> configs;
  configs.reserve(layers.size());
  for (const auto &l : layers) {
    configs.push_back(hcl::flows::configure_nest_layer(cfg, l));
  }
  const auto g = hcl::flows::nest_generated(cfg, spec_arch, specs, configs);
  const auto files = hcl::gen::write_generated(g, out);
  fmt::print("top: {}\n", g.params["top"].get<std::string>());
  for (const auto &f : files) {
    fmt::print("wrote {}\n", f.string());
  }
  return 0;
}

const hcl::cli::RegisterCommand reg_generate{
    "generate",
    "Generate a PE, buffer, spatial array, loop controller or a whole accelerator: DIR/rtl/*.v, "
    "DIR/params.json, DIR/params.h (accelerator --arch: DIR/config/<layer>.json and .hex per "
    "--schedule)",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      struct Args {
        std::string generator;
        std::string preset;
        std::vector<std::string> sets;
        std::string out;
        std::string arch, network, dataflow = "C|K";
        std::vector<std::string> schedules, problems;
      };
      auto a = std::make_shared<Args>();
      cmd.add_option("generator", a->generator,
                     "What to generate: pe, buffer, array, controller, accelerator")
          ->required();
      cmd.add_option("--preset", a->preset,
                     "array: tpu (weight-stationary systolic, default), eyeriss (row "
                     "stationary, diagonal inputs), tree (adder-tree reduction), "
                     "output-stationary, xy (X|Y: one weight for all PEs, per-PE inputs), fxfy "
                     "(FX|FY: one sum over all PEs). accelerator: tpu (default) or tree");
      cmd.add_option("--set", a->sets,
                     "key=value, repeatable. Always valid: rows, cols, data_width, acc_width "
                     "(a generator without one records it as ignored). " +
                         hcl::gen::set_help() + ". See docs/generators.md")
          ->allow_extra_args(false); // one key=value per --set: a later positional stays one
      cmd.add_option("--arch", a->arch,
                     "accelerator only: generate the schedule-driven accelerator for this "
                     "architecture (our arch YAML) and the --schedule mappings: one design, and "
                     "per layer config/<layer>.json and .hex (its registers), from its mapping "
                     "alone; see docs/generators.md");
      cmd.add_option("--dataflow", a->dataflow,
                     "With --arch: the array's dataflow, the loops on its rows|columns: " +
                         fmt::format("{}", fmt::join(hcl::flows::template_dataflows(), " or ")) +
                         " (default C|K; names as in hcl flow --dataflow)");
      cmd.add_option("--schedule", a->schedules,
                     "With --arch, repeatable: a schedule as hcl schedule --emit-mapping writes "
                     "it (<layer>.schedule.yaml, or the Timeloop <layer>.timeloop.map.yaml)")
          ->allow_extra_args(false);
      cmd.add_option("--network", a->network, "With --arch: the network the layers come from");
      cmd.add_option("--problem", a->problems,
                     "With --arch, repeatable: a layer as a workload or Timeloop problem file")
          ->allow_extra_args(false);
      cmd.add_option("-o,--output", a->out,
                     "Output folder; its rtl/, params.json and params.h are replaced only "
                     "when generation succeeds")
          ->required();
      return [a]() {
        hcl::flows::check_output({"-o", a->out}, hcl::flows::OutputKind::ReplacedFolder);
        if (!a->arch.empty()) {
          if (a->generator != "accelerator") {
            throw UsageError(fmt::format("--arch: only 'generate accelerator' takes an "
                                         "architecture, not '{}'",
                                         a->generator));
          }
          return generate_nest(a->arch, a->schedules, a->network, a->problems, a->sets, a->dataflow,
                               a->out);
        }
        if (!a->schedules.empty() || !a->network.empty() || !a->problems.empty() ||
            a->dataflow != "C|K") {
          throw UsageError("--schedule, --network, --problem and --dataflow need --arch");
        }
        hcl::gen::GenerateRequest req{a->generator, a->preset, {}};
        for (const auto &s : a->sets) {
          req.settings.push_back(hcl::gen::parse_setting(s));
        }
        const auto g = hcl::gen::generate(req);
        const auto files = hcl::gen::write_generated(g, a->out);
        if (g.params.contains("ignored")) {
          fmt::print(stderr, "note: no effect on '{}': {}\n", a->generator,
                     g.params["ignored"].dump());
        }
        fmt::print("top: {}\n", g.params["top"].get<std::string>());
        for (const auto &f : files) {
          fmt::print("wrote {}\n", f.string());
        }
        return 0;
      };
    }};

} // namespace
