// The flows for an elaborated hcl design instead of Verilog files: each call emits the design
// with hcl::emit_verilog into a folder and runs the file-based flow (lint.h, sim.h, synth.h).
// With an empty `dir` the Verilog goes to a fresh temporary folder that is removed afterwards;
// co-simulation models stay cached as usual, keyed by the emitted text.
#pragma once

#include <flows/lint.h>
#include <flows/sim.h>
#include <flows/synth.h>

#include <hcl/hcl.h>

#include <filesystem>

namespace hcl::flows {

// Lints the emitted Verilog. Each diagnostic on a line that the emitter tagged with a
// `// @[file:line]` locator also names that C++ call site in its message.
LintResult lint(const hcl::Design &design, const std::filesystem::path &dir = {});

// Simulation options matching what hcl emits: clock "clock" and reset "reset" (or "areset")
// when the top module has them, none otherwise.
SimOptions sim_options_for(const hcl::Design &design);

// A simulator of the design; `options` defaults to sim_options_for(design).
Simulator simulate(const hcl::Design &design);
Simulator simulate(const hcl::Design &design, const SimOptions &options,
                   const std::filesystem::path &dir = {});

SynthReport synthesize(const hcl::Design &design, const SynthOptions &options = {},
                       const std::filesystem::path &dir = {});

} // namespace hcl::flows
