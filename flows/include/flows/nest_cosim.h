// Co-simulation of one layer on the schedule-driven accelerator, and its comparison with the
// cost model. The harness is only the backing store: a word-addressed memory behind the
// accelerator's memory port that answers every read exactly `dram_latency` cycles later. The
// host writes the layer's random Inputs and Weights into it in their natural layouts
// (nest_lower.h), fills the Outputs region with garbage (a first touch must never read it),
// writes the registers, starts the layer and reads the Outputs back at the end. Everything in
// between - tiling, sliding windows, partial sums - is the accelerator's.
#pragma once

#include <flows/nest_lower.h>
#include <flows/sim.h>
#include <scheduler/mapping.h>
#include <scheduler/model/evaluation.h>

#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hcl::flows {

using NestCounts = std::array<std::uint64_t, gen::kNestCounters>;

struct NestRun {
  std::string layer;
  std::int64_t outputs_checked = 0, mismatches = 0;
  std::string first_mismatch;        // "O[n][g][k][p][q]: expected .. got .."
  std::uint64_t measured_cycles = 0; // the accelerator's busy cycles (start to done)
  NestCounts counts{};               // the accelerator's counters after done
  bool finished = false;             // done came before max_cycles
};

// Runs `layer` configured by `config` on a simulator of the accelerator `cfg` (clock "clock",
// reset "reset", as generated). Random signed `data_width` / `weight_width` tensors from `seed`.
// The seed of the random tensors a check uses unless told otherwise.
inline constexpr std::uint64_t kNestSeed = 2026;

// `progress`, when set, sees the cycles run so far: 0 when the run starts, then every 65,536.
using CycleProgress = std::function<void(std::uint64_t)>;
NestRun run_nest_layer(Simulator &sim, const gen::NestAcceleratorConfig &cfg,
                       const NestLayer &layer, const NestLayerConfig &config, std::uint64_t seed,
                       std::uint64_t max_cycles, const CycleProgress &progress = {});

// One counter of the hardware next to the model's count of the same thing (summed over the
// level's utilized instances).
struct CountCheck {
  std::string level, tensor, kind; // kind: reads, fills, updates
  std::uint64_t rtl = 0, model = 0;
};
std::vector<CountCheck> compare_counts(const NestCounts &rtl, const sched::Evaluation &model,
                                       const sched::Arch &arch, const NestLayer &layer);

bool counts_equal(const std::vector<CountCheck> &counts);
// "LEVEL TENSOR KIND: RTL a, model b" for every differing count, joined by "; "; empty if none.
std::string describe_mismatches(const std::vector<CountCheck> &counts);
bool cycles_within(std::uint64_t measured, std::uint64_t predicted, double tolerance = 0.02);

// One layer checked end to end: its configuration run on a Verilator model of the generated
// files, the outputs against the reference, the counters and cycles against the cost model's
// hcl mode for the same mapping on `arch`.
struct NestCheck {
  NestRun run;
  std::vector<CountCheck> counts;
  std::uint64_t predicted = 0; // the model's cycles
  bool model_cached = false;   // the Verilator model came from the cache
  bool run_cached = false;     // the run itself came from an earlier one (cosim_cache.h)
  double seconds = 0;
  // The hardware's counts times the arch's per-access energies, plus the MACs and leakage over
  // the measured cycles; next to the model's energy for the same mapping.
  double measured_energy_pj = 0, predicted_energy_pj = 0;
  bool passed = false; // bit-exact, counts equal, cycles within 2%
};
// `run` (the hardware's side) against the cost model's hcl mode for the mapping on `arch`.
NestCheck judge_nest_run(NestRun run, const sched::Arch &arch, const sched::Problem &problem,
                         const sched::Mapping &mapping, const NestLayer &layer);
NestCheck check_nest_layer(Simulator &sim, const gen::NestAcceleratorConfig &cfg,
                           const sched::Arch &arch, const sched::Problem &problem,
                           const sched::Mapping &mapping, const NestLayer &layer,
                           const NestLayerConfig &config, std::uint64_t max_cycles,
                           std::uint64_t seed = kNestSeed, const CycleProgress &progress = {});
// The same on a model of `rtl` (top `top`, clock "clock", reset "reset"), built or cached.
NestCheck check_nest_layer(const std::vector<std::filesystem::path> &rtl, const std::string &top,
                           const gen::NestAcceleratorConfig &cfg, const sched::Arch &arch,
                           const sched::Problem &problem, const sched::Mapping &mapping,
                           const NestLayer &layer, const NestLayerConfig &config,
                           std::uint64_t max_cycles, std::uint64_t seed = kNestSeed,
                           const CycleProgress &progress = {});
nlohmann::json cosim_json(const NestCheck &check);

} // namespace hcl::flows
