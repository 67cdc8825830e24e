// `hcl cosim`: run one layer of a generated schedule-driven accelerator on its Verilator model
// and check it three ways: outputs against a C++ convolution, counters against the cost model,
// cycles against the model's prediction.
#include "command.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/nest_cosim.h>
#include <generators/file_name.h>

#include <scheduler/io/spec_yaml.h>

#include <support/read_file.h>

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using hcl::flows::UsageError;

std::string read_text(const fs::path &p) {
  return hcl::support::read_file(p).value_or(std::string());
}

// The layers the folder has a configuration for, for the error message.
std::string layer_list(const fs::path &dir) {
  std::string names;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(dir / "config", ec)) {
    if (e.path().extension() == ".hex") {
      names += (names.empty() ? "" : ", ") + e.path().stem().string();
    }
  }
  return names.empty() ? "none" : names;
}

struct Args {
  std::string dir, layer, vcd, json;
  std::uint64_t seed = 2026;
  std::uint64_t max_cycles = 20'000'000;
};

int run(const Args &a) {
  const fs::path dir = a.dir;
  const fs::path params = dir / "params.json";
  hcl::flows::require_file(params.string(), "DIR/params.json");
  nlohmann::json pj;
  try {
    pj = nlohmann::json::parse(read_text(params));
  } catch (const std::exception &e) {
    throw UsageError(fmt::format("{}: not JSON: {}", params.string(), e.what()));
  }
  const auto cfg = hcl::flows::nest_config_from_params(pj, params.string());
  const fs::path hex = dir / "config" / (a.layer + ".hex");
  hcl::gen::require_file_name(a.layer, "--layer");
  if (!fs::is_regular_file(hex)) {
    throw UsageError(fmt::format("--layer: {} has no layer '{}' (layers: {})", dir.string(),
                                 a.layer, layer_list(dir)));
  }
  // The model predicts with the design's own latencies.
  const auto arch =
      hcl::flows::nest_timed_arch(hcl::sched::load_arch_yaml((dir / "arch.yaml").string()), cfg);
  const auto problem =
      hcl::sched::load_problem_yaml((dir / "layers" / (a.layer + ".workload.yaml")).string());
  const auto mapping = hcl::sched::load_mapping_yaml(
      (dir / "schedules" / (a.layer + ".schedule.yaml")).string(), problem, arch);
  const auto layer = hcl::flows::analyse_nest_layer(problem, arch, mapping);
  const auto config = hcl::flows::configure_nest_layer(cfg, layer);
  // The register image on disk is what runs; it must be the schedule's.
  if (config.hex() != read_text(hex)) {
    throw UsageError(fmt::format("{}: the register image is not the configuration of "
                                 "schedules/{}.schedule.yaml on this accelerator; regenerate "
                                 "the folder",
                                 hex.string(), a.layer));
  }
  std::vector<fs::path> rtl;
  for (const auto &e : fs::directory_iterator(dir / "rtl")) {
    if (e.path().extension() == ".v") {
      rtl.push_back(e.path());
    }
  }
  hcl::flows::SimOptions so;
  so.clock = "clock";
  so.reset = "reset";
  so.vcd = a.vcd;
  hcl::flows::Simulator sim(rtl, pj["top"].get<std::string>(), so);
  const auto k = hcl::flows::check_nest_layer(sim, cfg, arch, problem, mapping, layer, config,
                                              a.max_cycles, a.seed);
  fmt::print("{} {}: {} of {} outputs bit-exact{}\n", k.passed ? "PASS" : "FAIL", a.layer,
             k.run.outputs_checked - k.run.mismatches, k.run.outputs_checked,
             k.run.first_mismatch.empty() ? "" : "; first mismatch " + k.run.first_mismatch);
  if (!k.run.finished) {
    fmt::print("done did not come within {} cycles\n", a.max_cycles);
  }
  fmt::print("{:<16} {:<8} {:<8} {:>14} {:>14}\n", "level", "tensor", "count", "RTL", "model");
  for (const auto &c : k.counts) {
    fmt::print("{:<16} {:<8} {:<8} {:>14} {:>14}{}\n", c.level, c.tensor, c.kind, c.rtl, c.model,
               c.rtl == c.model ? "" : "  DIFFER");
  }
  const double ratio =
      k.predicted ? static_cast<double>(k.run.measured_cycles) / static_cast<double>(k.predicted)
                  : 0;
  fmt::print("cycles: measured {} predicted {} (ratio {:.4f}, within 2%: {})\n",
             k.run.measured_cycles, k.predicted, ratio,
             hcl::flows::cycles_within(k.run.measured_cycles, k.predicted) ? "yes" : "no");
  fmt::print(
      "energy: {:.6g} pJ from the RTL counts at the arch's per-access energies, model {:.6g} "
      "pJ\n",
      k.measured_energy_pj, k.predicted_energy_pj);
  if (!a.json.empty()) {
    hcl::flows::write_file_atomic(a.json, hcl::flows::cosim_json(k).dump(2) + "\n");
  }
  return k.passed ? 0 : 1;
}

const hcl::cli::RegisterCommand reg_cosim{
    "cosim",
    "Run one layer of a generated schedule-driven accelerator (hcl generate accelerator --arch "
    "... --schedule ...) on its Verilator model: random int8 tensors in the DRAM model, outputs "
    "checked against a C++ convolution, counters against the cost model, cycles within 2%",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto a = std::make_shared<Args>();
      cmd.add_option("dir", a->dir, "The accelerator folder (rtl/, params.json, config/, ...)")
          ->required();
      cmd.add_option("--layer", a->layer, "The layer to run (a config/<layer>.hex of DIR)")
          ->required();
      cmd.add_option("--seed", a->seed, "Seed of the random tensors (default 2026)");
      cmd.add_option("--vcd", a->vcd, "Write a VCD trace of the run here");
      cmd.add_option("--json", a->json,
                     "Write {layer, pass, outputs_checked, measured_cycles, predicted_cycles, "
                     "counts: {LEVEL: {TENSOR: {KIND: [rtl, model]}}}, counts_equal} here (also "
                     "on failure)");
      cmd.add_option("--max-cycles", a->max_cycles,
                     "Give up after this many simulated cycles (default 20,000,000)");
      return [a]() { return run(*a); };
    }};

} // namespace
