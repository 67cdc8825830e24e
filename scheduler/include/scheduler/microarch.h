// The mapper from schedules to a plain micro-architecture description: what hardware an
// architecture must have for a set of chosen schedules (one per layer) to run on it, with no
// wire in sight (the scheduler depends on nothing of ours; flows/ turns this into a generator
// configuration).
//
// Derivation rules (innermost level first, as in Arch and Mapping):
// - PE array: rows = product of every level's mesh X side, cols = product of the Y sides (the
//   array the architecture provides, not the part one layer uses); row_dims / col_dims are the
//   dimensions any layer's schedule unrolls on X / Y, in first-seen order.
// - Per level: size, word bits, block, instances and the tensors the architecture lets it
//   keep, copied from the Arch; for each tensor t a layer keeps there, `banks[t]` is the most
//   words of t read from one instance in one cycle under any layer's schedule: the product of
//   the spatial factors over the dimensions t depends on, of this level and of every level
//   below it down to the next one keeping t (a tensor bypassing the mesh's own level, like
//   Inputs above a partitioned Accumulators, is fanned out from the level that keeps it);
//   that is the banking a conflict-free buffer needs. `used_words[t]` is the largest tile of t
//   any layer keeps there (per instance).
// - Per layer: the bounds, and per level the temporal loops (innermost first), the spatial
//   loops, the tensors kept and the tile extent per dimension that one instance holds:
//   tile_l[d] = product over levels j <= l of temporal_j[d] * spatial_j[d] (level l's spatial
//   loops fan out below it, so its instance holds the data of all its children).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

struct MicroLoop {
  std::string dim;
  std::int64_t factor = 1;
  bool operator==(const MicroLoop &) const = default;
};

struct MicroLevelTiling {
  std::string level;
  std::vector<MicroLoop> temporal; // innermost first, factors > 1 only
  std::vector<MicroLoop> spatial_x, spatial_y;
  std::vector<std::string> keeps;            // tensor names kept at this level
  std::vector<std::int64_t> tile;            // per problem dimension (Problem::dim_names order)
  std::map<std::string, std::int64_t> words; // footprint of each kept tensor's tile
};

struct MicroLayer {
  std::string name;
  std::vector<std::string> dims;
  std::vector<std::int64_t> bounds;     // the bounds the mapping's factors multiply to
  std::vector<MicroLevelTiling> levels; // innermost first
};

struct MicroBuffer {
  std::string name;
  std::string kind;            // dram, sram, regfile, register
  std::int64_t size_words = 0; // per instance; 0 = unbounded
  int word_bits = 16;
  int block_size = 1;
  std::int64_t instances = 1;
  bool double_buffered = false;
  std::int64_t mesh_x = 1, mesh_y = 1;            // fan-out below this level
  std::vector<std::string> tensors;               // what the architecture lets it keep
  std::map<std::string, std::int64_t> banks;      // see the header comment
  std::map<std::string, std::int64_t> used_words; // largest kept tile over the layers
};

struct MicroArch {
  std::string arch;
  int mac_bits = 16;
  double clock_ghz = 1.0;
  std::int64_t rows = 1, cols = 1;
  std::vector<std::string> row_dims, col_dims;
  std::vector<MicroBuffer> levels; // innermost first
  std::vector<MicroLayer> layers;
};

struct ScheduledLayer {
  const Problem *problem = nullptr;
  const Mapping *mapping = nullptr;
  // The bounds the mapping's factors multiply to (padded ones); empty = problem->bounds.
  std::vector<std::int64_t> bounds = {};
};

// Throws std::invalid_argument when a mapping has a different number of levels than `arch`.
MicroArch derive_microarch(const Arch &arch, const std::vector<ScheduledLayer> &layers);

// {"arch", "mac_bits", "clock_ghz", "array": {"rows", "cols", "row_dims", "col_dims"},
//  "levels": [{name, kind, size_words, word_bits, block_size, instances, double_buffered,
//              mesh: {x, y}, tensors, banks, used_words}],
//  "layers": [{name, dims, bounds, levels: [{level, temporal: [[dim, factor]...], spatial_x,
//              spatial_y, keeps, tile, words}]}]}
nlohmann::json to_json(const MicroArch &micro);

} // namespace hcl::sched
