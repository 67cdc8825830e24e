// From a layer's mapping to the schedule-driven accelerator (generators/nest_accelerator.h):
// which architecture level plays which part, the accelerator those layers need, and each
// layer's configuration, computed from the mapping alone.
//
// Supported (everything else is refused with std::invalid_argument naming what is supported):
// conv-family layers (dims among R,S,P,Q,C,K,N,G) whose mapping
//   - unrolls C on the mesh's X axis and K on its Y axis (the C|K dataflow) and nothing else,
//     on the architecture's one mesh (for the C dataflow, the mesh as nest_dataflow_arch
//     builds it: one column, so only C is unrolled);
//   - keeps Weights only in a one-word register below the mesh (one per PE) and the backing
//     store, and keeps Inputs and Outputs each in exactly one on-chip level above the mesh;
//   - has no C or K factor below the mesh, and walks groups (G) only in the backing store;
//   - keeps Weights in a level that is not double-buffered (weights load between runs).
// A double-buffered Inputs or Outputs keeper prefetches the next tile into a second half.
// Layouts in the backing store (word addresses, row-major): Inputs [N][G][C][H][W] at 0,
// Weights [G][K][C][R][S] after them, Outputs [N][G][K][P][Q] after the weights. Every tile sits at
// address 0 of its buffer; the element's C lane (Inputs) or K lane (Outputs) is its bank.
#pragma once

#include <flows/conv_layer.h>
#include <generators/generate.h>
#include <generators/nest_accelerator.h>
#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>
#include <scheduler/search/space.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace hcl::flows {

// Tensor order of the conv family (scheduler/problem.h).
enum ConvTensor { kWeights = 0, kInputs = 1, kOutputs = 2 };

// The dataflows the template runs, in flow_dataflow.h's canonical names. Each is a parameter
// set of the one template: "C|K" builds the arch's mesh as given (C lanes on the rows, K lanes
// on the columns; systolic unless preset=tree), "C" builds one adder tree over all of the
// mesh's PEs (X x Y rows, one column: C lanes only).
const std::vector<std::string> &nest_dataflows();

// `arch` with its mesh as `dataflow` builds it: as given for C|K; for C, the X x Y PEs in one
// column (fanout_x = X * Y, fanout_y = 1), so a C lane is any PE and the search, the model and
// the generated design all see the one tree. Throws std::invalid_argument for a dataflow not
// in nest_dataflows(), naming them.
sched::Arch nest_dataflow_arch(const sched::Arch &arch, const std::string &dataflow);

// Arch levels (innermost-first indices) by role.
struct NestRoles {
  int mesh = -1;    // the level whose fan-out is the PE array
  int weights = -1; // the per-PE weight register (below the mesh)
  int dram = -1;    // the backing store
};
// Throws std::invalid_argument naming the arch and what the accelerator needs.
NestRoles nest_roles(const sched::Arch &arch);

// The search space of mappings the accelerator runs: C on the mesh's X axis and K on its Y
// axis (one loop each, nothing else unrolled), Weights kept in the PE registers, Inputs and
// Outputs each kept in the innermost on-chip level at or above the mesh that may hold them and
// bypassing every other on-chip level. Throws like nest_roles(), or when no such level exists.
sched::SpaceOptions nest_space(const sched::Problem &problem, const sched::Arch &arch);

// One non-trivial temporal loop of the layer's whole nest.
struct NestLoop {
  int level = 0;
  std::string dim; // R, S, P, Q, C, K or N
  std::int64_t factor = 1;
  std::int64_t weight = 1; // the dimension's index advances by this per step of the loop
};

// A layer's mapping, read as the accelerator runs it.
struct NestLayer {
  std::string name;
  ConvLayer conv;
  std::vector<NestLoop> loops;                      // innermost first
  std::int64_t c_lanes = 1, k_lanes = 1;            // C on X, K on Y
  int in_level = -1, out_level = -1, wt_level = -1; // the on-chip keepers
  bool in_double = false, out_double = false;       // their levels are double-buffered
  bool wt_double = false;                           // the PE weight level is double-buffered
  // Tile extents: Inputs [N][C/c_lanes][H span][W span] and Outputs [N][K/k_lanes][P][Q] per
  // bank; the words of one bank.
  std::array<std::int64_t, 4> in_tile{}, out_tile{};
  std::int64_t in_bank_words = 0, out_bank_words = 0;
};
// Throws std::invalid_argument naming the layer, level and dimension when the mapping is not
// one the accelerator runs (see the header comment).
NestLayer analyse_nest_layer(const sched::Problem &problem, const sched::Arch &arch,
                             const sched::Mapping &mapping);

// Where each derived value of the configuration comes from, key -> sentence, for the report.
using Provenance = std::map<std::string, std::string>;

// The accelerator the layers need: rows x cols from the mesh, widths from the arch's words,
// buffer depths from the largest tile any layer keeps (checked against the arch's size: a tile
// that does not fit names the layer, level, tensor and both sizes), loops from the longest nest.
// `dataflow` picks the array: the C dataflow is an adder tree (preset tree); `arch` is the one
// nest_dataflow_arch gave for it.
gen::NestAcceleratorConfig nest_accelerator_config(const sched::Arch &arch,
                                                   const std::vector<NestLayer> &layers,
                                                   Provenance *why = nullptr,
                                                   const std::string &dataflow = "C|K");

// `arch` with the accelerator's fixed latencies as the cost model's machine timing, so hcl
// mode's cycles are this design's. The timing depends on the array and the memory port only,
// not on buffer depths: a config made before the search (from the arch and --set) gives the
// same timing as the final one.
sched::Arch nest_timed_arch(const sched::Arch &arch, const gen::NestAcceleratorConfig &cfg);

// A layer's configuration on one accelerator: every register's value (in map order) and where
// its tensors live in the backing store.
struct NestLayerConfig {
  std::string name;
  std::vector<std::pair<int, std::uint64_t>> writes;
  std::vector<std::string> write_names;
  std::int64_t in_base = 0, wt_base = 0, out_base = 0, dram_words = 0;
  nlohmann::json to_json() const;
  std::string hex() const; // one register per line, "<addr> <value>" in hex, map order
};
// Throws std::invalid_argument when the layer does not fit the accelerator (a tile deeper than
// a bank, a nest longer than `loops`, an address past the memory port).
NestLayerConfig configure_nest_layer(const gen::NestAcceleratorConfig &cfg, const NestLayer &layer);

// A layer as the accelerator folder keeps it: what the model needs to predict its run.
struct NestLayerSpec {
  sched::Problem problem;
  sched::Mapping mapping;
};

// The accelerator folder as generate.h's result: the design (rtl/), params.json (with the
// register map and counters), params.h, and per layer config/<layer>.json and .hex (its
// registers), layers/<layer>.workload.yaml and schedules/<layer>.schedule.yaml, plus arch.yaml:
// everything `hcl cosim` needs to run and predict a layer. `specs` and `configs` pair up.
gen::Generated nest_generated(const gen::NestAcceleratorConfig &cfg, const sched::Arch &arch,
                              const std::vector<NestLayerSpec> &specs,
                              const std::vector<NestLayerConfig> &configs);

// The accelerator config a folder's params.json describes. Throws std::invalid_argument naming
// the file and key when it is not a nest accelerator's.
gen::NestAcceleratorConfig nest_config_from_params(const nlohmann::json &params,
                                                   const std::string &file);

} // namespace hcl::flows
