// One entry point for every generator, shared by `hcl generate` and the tests: pick a
// generator by name, apply a preset and `key=value` settings, validate, elaborate, and write
//   DIR/rtl/<module>.v   one file per module
//   DIR/params.json      the generator's to_json() ("top" names the top module)
//   DIR/params.h         the same as C #defines
//   DIR/config/...       what Generated::files adds (the flows' per-layer configurations)
// into a temporary sibling of DIR that is renamed into place only when everything succeeded.
//
// The keys rows, cols, data_width and acc_width are accepted by every generator:
//   array       all four; data_width also sets weight_width unless weight_width is given
//   pe          data_width (likewise), acc_width
//   buffer      rows = depth, cols = banks, data_width = width
// A common key that means nothing to the chosen generator (rows/cols of a PE, acc_width of a
// buffer, all four for the controller; the accelerator uses all four) is accepted, has no effect,
// and is listed under "ignored" in params.json so a script that always passes them keeps working.
#pragma once

#include <generators/config_keys.h>

#include <hcl/ir.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hcl::gen {

struct GenerateRequest {
  std::string generator; // pe, buffer, array, controller, accelerator
  std::string preset;    // array: tpu, eyeriss, tree, output-stationary; accelerator (the
                         // schedule-driven nest accelerator): tpu, tree (empty: tpu)
  std::vector<std::pair<std::string, std::string>> settings; // applied in order
};

struct Generated {
  Design design;
  nlohmann::json params; // {"generator", "top", "params", "derived"}
  std::string header;    // params.h
  // Further outputs as (path relative to DIR, text), e.g. config/<layer>.json, and the folders
  // this generator owns: they are replaced as a whole (so no stale layer file survives).
  std::vector<std::pair<std::string, std::string>> files = {};
  std::vector<std::string> owned_dirs = {};
};

// The generators `hcl generate` knows, each with the --set keys its config declares
// (config_keys.h) and the common keys it accepts and records as "ignored" in params.json
// (rows, cols, data_width, acc_width: so one --set line serves every generator).
struct GeneratorKeys {
  std::string name;
  std::vector<KeyDoc> keys;
  std::vector<std::string> ignored;
};
const std::vector<GeneratorKeys> &generator_keys();
std::vector<std::string> generator_names(); // of generator_keys(), in its order
// "pe: data_width, ...; buffer: ...": the --set help, from the same tables.
std::string set_help();

// Splits "key=value"; throws ConfigError("--set", ...) when there is no '='.
std::pair<std::string, std::string> parse_setting(const std::string &text);

// Validates and elaborates. Throws ConfigError (an std::invalid_argument) naming the key.
Generated generate(const GenerateRequest &request);

// Writes the outputs as described above; on any failure nothing is left behind and DIR keeps
// what it had. Returns the written files (rtl first, then params.json, params.h, then
// Generated::files).
std::vector<std::filesystem::path> write_generated(const Generated &g,
                                                   const std::filesystem::path &dir);

} // namespace hcl::gen
