// Area of a Verilog design with Yosys 0.23 and a liberty library.
//
// Hierarchical by default: every distinct module (each parameterization counts as one) is
// synthesized once, and its area is multiplied by the number of times it is instantiated,
// which keeps a 16x16 array at about a second instead of minutes flat. Memories of at least
// SramModel::threshold_bits are not turned into flip-flops: they become SRAM macro blackboxes
// whose area comes from SramModel, and they are reported as modules of their own.
//
// Yosys 0.23's `stat -json` carries no area, so areas are computed here from the cell counts
// and the liberty file's `area` attributes; SynthReport also keeps the areas Yosys printed in
// `stat -liberty` so the two can be checked against each other.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hcl::flows {

// Area model of an SRAM macro, after the usual CACTI-style split into a bit-cell array and
// periphery (decoders, sense amplifiers, write drivers, control):
//   area = scale * (um2_per_bit * width * depth + um2_per_row * depth
//                   + um2_per_column * width * ports + um2_fixed * ports)
// Defaults are for a 45 nm process: a 0.346 um^2 6T bit cell (Intel 45 nm, IEDM 2007) at ~70%
// array efficiency gives 0.5 um^2 per bit; the periphery terms are rough figures of the size
// of a row decoder/driver slice (2 um^2 per row), a sense amp + write driver column slice
// (10 um^2 per bit of each port) and per-port control (500 um^2). They are estimates for
// comparing designs, not a memory compiler's numbers. `scale` rescales to other nodes, e.g.
// (180/45)^2 = 16 for the OSU 0.18 um library.
struct SramModel {
  std::uint64_t threshold_bits = 4096; // memories with width*depth >= this become macros
  double um2_per_bit = 0.5;
  double um2_per_row = 2.0;
  double um2_per_column = 10.0;
  double um2_fixed = 500.0;
  double scale = 1.0;
  double area(std::uint64_t width, std::uint64_t depth, std::uint64_t ports) const;
};

struct SynthOptions {
  std::filesystem::path liberty; // empty: default_liberty()
  bool flat = false;             // flatten before synthesis (slow for big arrays)
  // Overrides of the top module's parameters, e.g. {{"R", "16"}, {"C", "16"}}.
  std::vector<std::pair<std::string, std::string>> top_parameters;
  SramModel sram;
  // Reports are cached by a hash of the Yosys version, the library, these options and the
  // sources' names and contents; empty: default_cache_dir() (sim_build.h, HCL_CACHE_DIR).
  std::filesystem::path cache_dir;
  // When set, sees each pass as Yosys starts it ("4.23. Executing ABC pass (...)"), for a
  // live status line. Not part of the cache key.
  std::function<void(const std::string &)> on_pass;
};

struct ModuleArea {
  std::uint64_t instances = 0; // instances in the whole hierarchy under the top
  double area_um2 = 0;         // area of ONE instance, excluding its submodules and macros
  std::map<std::string, std::uint64_t> cells; // library cells of one instance
  bool sram_macro = false;                    // an SRAM macro line (area from SramModel, no cells)
};

struct SynthReport {
  std::string top;
  std::filesystem::path liberty;
  double total_area_um2 = 0; // sum over modules of instances * area_um2
  // Display names: parameterized modules read "name(P=3,Q=8)"; SRAM macros "sram_<D>x<W>...".
  std::map<std::string, ModuleArea> modules;
  // What Yosys printed with `stat -liberty`: per module (by display name) and for the whole
  // hierarchy (0 when it printed none). SRAM macros are not included, since Yosys has no area
  // for them.
  std::map<std::string, double> yosys_module_area_um2;
  double yosys_total_area_um2 = 0;
  double yosys_seconds = 0; // 0 when cached
  bool cache_hit = false;   // the report of an earlier run with the same inputs
};

// The liberty file shipped with hcl (NanGate 45 nm X1 cell areas).
std::filesystem::path default_liberty();
// "osu018" (the OSU 0.18 um library of the Debian package qflow-tech-osu018, unpacked by
// scripts/install-deps.sh), "nangate45" / "" (the default), or a path to a .lib file.
// Throws UsageError when the file does not exist, naming the package for osu018.
std::filesystem::path resolve_liberty(const std::string &name_or_path);
// The SRAM scale that goes with a named library ("osu018" -> 16, otherwise 1).
double sram_scale_for(const std::string &name_or_path);

// Cell name -> area from a liberty file. Throws UsageError if it holds no cell with an area.
std::map<std::string, double> read_liberty_areas(const std::filesystem::path &liberty);

// Runs Yosys on `files` with `top` as the top module. Throws ToolMissing without Yosys, and
// UsageError with the tail of the Yosys log when Yosys fails or a cell has no area in the
// library (a partial number is never returned). Before Yosys runs, throws UsageError unless
// `top` and the parameter names are Verilog identifiers, the parameter values numbers and the
// paths free of what could end a script command (flows/tool_args.h).
SynthReport synthesize(const std::vector<std::filesystem::path> &files, const std::string &top,
                       const SynthOptions &options = {});

// {"top": S, "total_area_um2": F, "modules": {NAME: {"instances": N, "area_um2": F,
//  "cells": {CELL: N}}}}
std::string synth_report_json(const SynthReport &report);
// A human-readable table, one line per module, largest contribution first.
std::string synth_report_table(const SynthReport &report);

} // namespace hcl::flows
