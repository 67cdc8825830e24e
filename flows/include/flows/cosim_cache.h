// Co-simulated runs kept between runs of hcl flow. A run (the hardware's side of a check:
// outputs checked, mismatches, measured cycles, counters) depends only on the Verilog, the
// accelerator config, the layer's shape and register image, the seed, the cycle budget and the
// harness code; it is kept under a content hash of all of them in default_cache_dir()
// (sim_build.h). The model's side - the counts it predicts, its cycles - is computed again
// each time, so a changed model rule is checked against the kept run, never skipped.
#pragma once

#include <flows/nest_cosim.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hcl::flows {

// check_nest_layer on a model of `rtl`, reusing a kept run with the same inputs (then neither
// Verilator nor the simulation runs, and run_cached is set) and keeping a new one.
// `dir` empty: default_cache_dir().
NestCheck check_nest_layer_reusing(const std::vector<std::filesystem::path> &rtl,
                                   const std::string &top, const gen::NestAcceleratorConfig &cfg,
                                   const sched::Arch &arch, const sched::Problem &problem,
                                   const sched::Mapping &mapping, const NestLayer &layer,
                                   const NestLayerConfig &config, std::uint64_t max_cycles,
                                   std::uint64_t seed = kNestSeed, std::filesystem::path dir = {},
                                   const CycleProgress &progress = {});

// The key's text (what the entry's name hashes): every input of the run.
std::string cosim_key_text(const std::vector<std::filesystem::path> &rtl, const std::string &top,
                           const gen::NestAcceleratorConfig &cfg, const NestLayer &layer,
                           const NestLayerConfig &config, std::uint64_t max_cycles,
                           std::uint64_t seed);

} // namespace hcl::flows
