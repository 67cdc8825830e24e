// Building Verilator models for co-simulation, once per distinct design.
//
// A model is the Verilated C++ of a design plus a small generated C ABI wrapper (a port table
// of name, width, direction and data pointer, and create/eval/destroy entry points), compiled
// with -fPIC into a shared object that Simulator dlopens. Models are cached under a key that
// hashes the Verilog text, the top name, the options and the Verilator version, so re-running
// a test never rebuilds. Each build runs in a temporary folder that is renamed into the cache
// only when complete, so an interrupted build never leaves a broken entry; an flock on a
// per-key lock file makes concurrent processes that need the same model wait for one build
// instead of running two.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hcl::flows {

struct ModelOptions {
  bool trace = false; // compile VCD tracing support into the model
  // Extra Verilator arguments (part of the cache key), passed as they are: they are the
  // caller's own flags (-CFLAGS reaches make), so never fill them from untrusted input.
  std::vector<std::string> verilator_args;
  // Overrides of the top module's parameters (Verilator -G), e.g. {{"R", "16"}}.
  std::vector<std::pair<std::string, std::string>> top_parameters;
  std::filesystem::path cache_dir; // empty: default_cache_dir()
  // Compiler optimization of the model's evaluation code (Verilator's OPT_FAST). -Os builds
  // fastest; -O2 simulates faster and is worth it for long runs of big designs.
  std::string opt_fast = "-Os";
};

struct BuiltModel {
  std::filesystem::path library; // the shared object to dlopen
  std::string key;               // cache key (hex)
  bool cache_hit = false;        // true when no build ran in this call
  double build_seconds = 0;      // wall time of the build (0 on a cache hit)
};

// $HCL_CACHE_DIR if set; else <build dir>/cache when the build tree this library was compiled
// in still exists; else ~/.cache/hcl (or /tmp/hcl-cache without HOME).
std::filesystem::path default_cache_dir();

// Returns the cached model for (files, top, options), building it first if needed. Throws
// ToolMissing when Verilator is absent, UsageError (with the tail of the build log) when
// Verilator or the compiler rejects the design, and UsageError before any build when the top,
// a parameter, a path or opt_fast could not be passed to the tools safely (flows/tool_args.h).
BuiltModel build_model(const std::vector<std::filesystem::path> &files, const std::string &top,
                       const ModelOptions &options = {});

// Number of Verilator builds this process has run; tests use it to observe cache hits.
std::uint64_t model_builds();

} // namespace hcl::flows
