// Interstellar-compatible energy model: the cost model of the seed tool
// (xuanyoya/Interstellar-CNN-scheduler, `cnn_mapping/cost_model.py`), reproduced bit for bit.
//
// The tool has its own loop vocabulary and mapping form, so this mode keeps its own data
// structures instead of the core problem/arch/mapping model:
// - loops FX, FY (filter), OX, OY (output), OC, IC (channels), ON (batch), in that order;
// - memory levels 0 (innermost) .. L-1 (backing store);
// - per loop and level a temporal blocking b, a spatial partitioning p and an order o
//   (0 = innermost loop of that level; the tool writes 6 for loops absent from a level).
//
// Formulas, quirks and the exact floating-point evaluation order are in docs/interstellar.md.
// Readers for the tool's JSON files are in scheduler/interstellar/interstellar_io.h.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hcl::sched::interstellar {

enum Loop : int { FX = 0, FY, OX, OY, OC, IC, ON };
inline constexpr int kNumLoops = 7;
inline constexpr std::array<const char *, kNumLoops> kLoopNames = {"FX", "FY", "OX", "OY",
                                                                   "OC", "IC", "ON"};

// Tensors in the tool's order: ifmap, ofmap, filter.
enum Tensor : int { IF = 0, OF, FL };
inline constexpr int kNumTensors = 3;
inline constexpr std::array<const char *, kNumTensors> kTensorNames = {"IF", "OF", "FL"};

// Upper bound on memory levels; fixed-size storage keeps evaluate() allocation-free.
inline constexpr int kMaxLevels = 8;
// At most every loop can be listed once in a level's para_loop_dim.
inline constexpr int kMaxParaDims = kNumLoops;

using LoopLevels = std::array<std::array<std::int64_t, kMaxLevels>, kNumLoops>;

// A conv layer as the tool's layer JSON describes it. `wofm`/`hofm` are the OUTPUT width and
// height (the JSON keys `fmap_width`/`fmap_height`); the input size is derived with the halo.
struct Layer {
  std::int64_t wofm = 1, hofm = 1; // fmap_width, fmap_height
  std::int64_t nifm = 1, nofm = 1; // input_fmap_channel, output_fmap_channel
  std::int64_t wfil = 1, hfil = 1; // window_width, window_height
  std::int64_t nimg = 1;           // batch_size (default 1)
  std::int64_t wstd = 1, hstd = 1; // stride_width, stride_height (default 1)

  std::int64_t wifm() const { return wfil + (wofm - 1) * wstd; }
  std::int64_t hifm() const { return hfil + (hofm - 1) * hstd; }
  // Loop extents indexed by Loop (the tool's `layer.sizes`).
  std::array<std::int64_t, kNumLoops> sizes() const {
    return {wfil, hfil, wofm, hofm, nofm, nifm, nimg};
  }
  // |IF|, |OF|, |FL| in words (IF includes the halo).
  std::array<std::int64_t, kNumTensors> tensor_sizes() const;
  std::int64_t macs() const { return wofm * hofm * nifm * nofm * nimg * wfil * hfil; }
};

// The tool's architecture JSON. Per-level vectors have `levels` entries.
struct ArchSpec {
  int levels = 0;
  std::vector<std::int64_t> capacity_bytes; // per buffer (per PE at a parallel level)
  std::vector<double> access_cost;          // pJ per word access
  std::vector<double> static_cost;          // read and kept; the tool never uses it
  std::vector<std::int64_t> parallel_count; // PEs below this level's buffer (1 = none)
  std::vector<int> parallel_mode;           // 0 none, 1 neighbour (systolic), 2 broadcast
  std::vector<double> parallel_cost;        // one per level with parallel_mode != 0, in order
  std::vector<int> array_dim;               // default: 2 where parallel_count != 1, else 1
  int mac_capacity = 0;                     // 0: every MAC touches level 0 (no MAC register)
  int precision = 16;                       // bits per word
  double utilization_threshold = 0.5;       // read for the search; see validity below
  bool replication = true;                  // read for the search

  // Capacity in words, as the tool computes it: bytes / (precision / 8), integer division.
  std::int64_t capacity_words(int level) const;
  // parallel_cost of a level with parallel_mode != 0 (the i-th such level gets entry i).
  double array_cost(int level) const;
};

// One entry of para_loop_dim: the loops mapped onto one array dimension. One loop, or two as
// [inner, outer] (the outer one crosses blocks of the inner one in neighbour mode).
struct ParaDim {
  int count = 0;
  std::array<int, 2> loops = {-1, -1};
};
struct LevelParaDims {
  bool present = false; // null in the JSON
  int count = 0;
  std::array<ParaDim, kMaxParaDims> dims{};
};

// The tool's mapping form: the four fields its best mapping of a case is recorded with
// (blockings, partitionings, orders, para_loop_dim; docs/interstellar.md, "Files").
struct MappingSpec {
  int levels = 0;
  LoopLevels blocking{};     // b[loop][level]
  LoopLevels partitioning{}; // p[loop][level]
  LoopLevels order{};        // o[loop][level]
  // The tool's share of a loop at a level (its `loop_blocking`: the level's temporal x spatial
  // extent), 0 = blocking x partitioning. Where the partitioning p does not divide the share
  // the level runs blocking = ceil(share / p) steps; the capacity rules count the share, the
  // energy formulas the factors (docs/interstellar.md). The search fills it; the tool's
  // printed mappings do not carry it.
  LoopLevels share{};
  // The share of loop l at level v: the given one, else blocking x partitioning.
  std::int64_t share_at(int l, int v) const {
    return share[l][v] > 0 ? share[l][v] : blocking[l][v] * partitioning[l][v];
  }
  std::array<LevelParaDims, kMaxLevels> para_loop_dim{};

  // Convenience for tests and the search: all blockings/partitionings 1, orders 6.
  static MappingSpec trivial(int levels);
};

// Result of one evaluation, allocation-free. Entries are in the tool's own order
// (`level_cost_order`): buffer level 0, then the array level after every buffer level whose
// parallel_mode != 0, then the next buffer level, and so on. For the 3-level baseline that is
// [RF, array (PE-to-PE), GB, DRAM].
struct Result {
  struct Entry {
    bool is_array = false;
    int level = 0;        // buffer level; for an array entry, the parallel level it belongs to
    double energy_pj = 0; // bit-identical to the tool's `get_level_costs` entry
  };
  int count = 0;
  std::array<Entry, std::size_t{2} * kMaxLevels> entries{};
  // Per-element access counts a_t(v) of each buffer level (a_OF is the raw count; the level
  // energy charges 2 a_OF - 1 per ofmap element).
  std::array<std::array<std::int64_t, kNumTensors>, kMaxLevels> accesses{};
  // The tool's total (`best energy`): levels summed in its own order, where the level after a
  // parallel level carries that array's energy. Printed by the tool with 12 significant digits.
  double energy_pj = 0;
  std::int64_t macs = 0;
};

// Evaluates a mapping. Preconditions (checked by check_mapping, not here, so the search can
// call this millions of times): layer dims positive, arch and mapping have the same level
// count <= kMaxLevels, every parallel_mode != 0 level has a next level. O(levels x loops), no
// allocation.
Result evaluate(const Layer &layer, const ArchSpec &arch, const MappingSpec &mapping) noexcept;

// Per-element access count a_t(v) of tensor t at buffer level v (the tool's get_*_access).
// For IF the count is integer-divided by wstd * hstd as the tool does.
std::int64_t access_count(const Layer &layer, const ArchSpec &arch, const MappingSpec &mapping,
                          Tensor t, int level) noexcept;

// Capacity and utilization rules the tool prunes with (cost_model.valid_blocking_size and
// valid_partitioning). For every level but the backing store:
// - the cumulative tile of levels <= v (blocking x partitioning, IF with the halo) fits in
//   capacity_words x parallel_count, and a level without parallelism is at least half full;
// - at a parallel level, the per-PE bank (blocking only) fits in one PE's buffer and is at
//   least half full;
// - at a parallel level, the product of the level's partitionings is <= parallel_count, and a
//   level without parallelism partitions nothing.
struct LevelUsage {
  std::int64_t tile_words = 0; // cumulative tile (all PEs)
  std::int64_t tile_limit = 0; // capacity_words x parallel_count
  std::int64_t bank_words = 0; // per-PE tile (parallel levels), else 0
  std::int64_t bank_limit = 0; // capacity_words (parallel levels), else 0
  std::int64_t pes_used = 1;   // product of partitionings at this level
  bool ok = true;
};
struct Validity {
  bool ok = true;
  int levels = 0;
  std::array<LevelUsage, kMaxLevels> usage{};
};
Validity check_validity(const Layer &layer, const ArchSpec &arch,
                        const MappingSpec &mapping) noexcept;
// The rules of one level v from its cumulative extents per loop: `tile` the shares of the
// levels <= v, `bank` their blockings, and the PEs its partitionings use.
LevelUsage level_usage(const Layer &layer, const ArchSpec &arch, int v,
                       const std::array<std::int64_t, kNumLoops> &tile,
                       const std::array<std::int64_t, kNumLoops> &bank,
                       std::int64_t pes_used) noexcept;
inline bool is_valid(const Layer &layer, const ArchSpec &arch, const MappingSpec &mapping) {
  return check_validity(layer, arch, mapping).ok;
}
// Human-readable reasons a mapping fails check_validity (empty when valid), e.g.
// "level 1: tile needs 70,144 words, capacity 65,536".
std::vector<std::string> validity_violations(const Layer &layer, const ArchSpec &arch,
                                             const MappingSpec &mapping);

// Structural checks the formulas need: level counts agree and are <= kMaxLevels, blockings and
// partitionings positive and walking each loop as the tool does (they cover the extent, and
// no temporal step and no PE of a level's first step starts past it: where a partitioning
// does not divide a level's share the tool runs ceil steps, so the factors may multiply to
// more than the extent; docs/interstellar.md), orders in 0..6, para_loop_dim present at every
// array level and naming loops 0..6, array levels not outermost. Throws std::invalid_argument
// naming `where` and the field.
void check_mapping(const Layer &layer, const ArchSpec &arch, const MappingSpec &mapping,
                   const std::string &where);

} // namespace hcl::sched::interstellar
