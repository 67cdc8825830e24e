// The schedule-driven accelerator: ONE configurable design whose per-layer behaviour is a
// layer's mapping. The unrolled loops are the PE array (C on its rows, K on its columns: the
// weight-stationary C|K dataflow, systolic `tpu` or adder-tree `tree`), the buffers are the
// architecture's levels, and a runtime-configured loop nest walks the mapping's temporal loops
// in the mapping's order. Nothing layer-specific is in the Verilog beyond maximum sizes.
//
// The machine (the hardware contract the cost model's `hcl` mode counts, docs/generators.md):
// it is sequential. A *transfer event* moves every tile that changes, one beat per cycle, then a
// *run* of array steps follows, one step per cycle, until a loop steps whose change makes some
// tile change again; the array drains before the next event.
//   - Storage: an Inputs buffer (`rows` banks, one per array row = C lane), an Outputs buffer
//     (`cols` banks, one per column = K lane; read-modify-write), the weight register of every
//     PE (the array's stationary operand), and the backing store (DRAM) behind a memory port.
//     Each on-chip buffer holds one tile at address 0; bank = the tile element's lane.
//   - Nest: up to `loops` loops, innermost first, with runtime bounds; address generators (the
//     loop controller's affine rule, base + sum stride_j * idx_j) give each step's Inputs and
//     Outputs buffer addresses and each tile's origin in DRAM.
//   - Memory port: `dram_width` lanes, each one word per cycle. A beat of a transfer moves up to
//     dram_width words of one tile row, each to (or from) a different bank: Inputs and Outputs
//     tiles are banked by lane (C for Inputs, K for Outputs), and a weight load moves one PE
//     row (the K lanes of a C lane) at a time. So a transfer takes
//     (words / lanes) x ceil(lanes / dram_width) beats, lanes = the tile's active banks.
//   - Transfers: unit u (Inputs, Outputs, Weights) refetches its tile when nest loop trig_u
//     steps (the innermost loop above the buffer that is relevant to the tensor: any step at or
//     outside it changes the tile). An event runs, in this order: the Outputs write-back of the
//     old tile (not at the first event), the Outputs fill (not for a first touch: every loop
//     irrelevant to Outputs above the buffer at index 0), the Inputs fill, the weight load. A
//     fill walks the tile's five coordinates (extents and strides are registers; coordinate
//     kBankCoord, the lanes, dram_width at a time), reads DRAM and writes the buffer
//     `dram_latency` cycles later; the weight load reads one word per active PE, collects a row
//     and shifts it into the array's load chain, bottom row first.
//   - A step reads every active Inputs bank at the step's address, the array multiplies and
//     reduces over C, and every active Outputs lane adds its column's sum into the buffer (or
//     writes it, at the first touch of that output: every loop irrelevant to Outputs at 0).
//   - Busy cycles, exactly: sum over events of the enabled transfers (beats + tail each) + the
//     steps + one drain per run + the final write-back; plan_nest_accelerator() gives the
//     constants (NestTiming).
//   - Double buffering (in_double / out_double, enabled per layer by db_in / db_out): the
//     tiles of the next event are prefetched into the other half while a run steps (a second
//     copy of the nest, advanced one event ahead, gives their origins). The Outputs half that
//     is refilled is first written back (lazily: the write-back of a tile waits until its half
//     is needed, and the final event writes back both halves). At the end of a run the machine
//     waits for the prefetch, swaps the halves of the units that changed and then does the
//     transfers of the units that are not double-buffered (always the weights). A run and
//     its prefetch cost max(steps + drain, prefetch_lag + prefetch transfers).
//
// Ports (clock and synchronous reset implicit):
//   cfg_we, cfg_addr, cfg_data      register writes while idle (map: reg_names)
//   start -> busy, done             done pulses once when the last write-back is in DRAM
//   per memory port lane w < dram_width:
//   dram_rd_en_<w>, dram_rd_addr_<w> -> dram_rd_data_<w> (exactly dram_latency cycles later)
//   dram_wr_en_<w>, dram_wr_addr_<w>, dram_wr_data_<w>   posted writes
//   cnt_sel -> cnt_data             the counters (NestCounter), valid any time
// DRAM words are acc_width bits; Inputs and Weights use their low data/weight_width bits.
#pragma once

#include <generators/config_keys.h>

#include <generators/array.h>
#include <generators/buffer.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hcl::gen {

struct NestAcceleratorConfig {
  std::string preset = "tpu"; // array: tpu (systolic) or tree (broadcast + adder tree)
  int rows = 4;               // C lanes = Inputs banks
  int cols = 4;               // K lanes = Outputs banks
  int data_width = 8;
  int weight_width = 8;
  int acc_width = 32;
  bool is_signed = true;
  int pipeline_stages = 0;
  int in_depth = 256;  // words per Inputs bank (the largest Inputs tile over rows lanes)
  int out_depth = 256; // words per Outputs bank
  int loops = 8;       // nest loops, 1..16
  int counter_width = 16;
  int dram_addr_width = 32;
  int dram_latency = 2; // memory port read latency, 1..64
  int dram_width = 1;   // memory port lanes: words per cycle, 1..64
  int count_width = 40;
  // Ping-pong halves (double buffering) for the Inputs / Outputs buffer: a layer whose keeper
  // level is double-buffered (register db_in / db_out) prefetches the next tile into the other
  // half while the array steps on the current one. Each half holds in_depth / out_depth words.
  bool in_double = false;
  bool out_double = false;
  // Shadow weight registers in every PE: a layer whose weight level is double-buffered
  // (register db_wt) loads the next weights into the shadows during the run; every load,
  // prefetched or not, becomes active by a swap at the first cycle of the next run.
  bool wt_double = false;

  void validate() const; // throws ConfigError naming the key
  static const std::vector<ConfigKey<NestAcceleratorConfig>> &keys(); // the --set keys
  void set(const std::string &key, const std::string &value);
  // The keys set() takes, with their values where they are a choice, for help texts.
  static std::string key_names();
  std::string module_name() const;
  nlohmann::json to_json() const;
};

// The tile walkers' coordinates, innermost first; coordinate kBankCoord is the element's lane
// (the buffer bank, or a weight's column), the others address inside the bank. A weight load
// uses coordinates kBankCoord (columns) and kBankCoord + 1 (rows).
inline constexpr int kCopyCoords = 5;
inline constexpr int kBankCoord = 2;

enum NestGen { kGenInAddr = 0, kGenOutAddr, kGenInSrc, kGenOutSrc, kGenWtSrc, kNestGens };
extern const char *const kNestGenNames[kNestGens];

// Counter order of cnt_sel. Reads/fills/updates are words, summed over instances.
enum NestCounter {
  kCntCycles = 0,    // busy cycles
  kCntSteps,         // array steps
  kCntInSrcReads,    // DRAM reads for Inputs fills
  kCntInFills,       // Inputs buffer words written by fills
  kCntInReads,       // Inputs buffer words read by steps (active lanes)
  kCntWtSrcReads,    // DRAM reads for weight loads
  kCntWtFills,       // weight registers written (active PEs)
  kCntWtReads,       // weight register reads (one per active PE per step)
  kCntOutSrcReads,   // DRAM reads for Outputs refetches
  kCntOutFills,      // Outputs buffer words written by refetches
  kCntOutSrcUpdates, // DRAM words written by write-backs
  kCntOutReads,      // Outputs buffer reads of step read-modify-writes (not at first touch)
  kCntOutUpdates,    // Outputs buffer writes of steps
  kNestCounters
};
extern const char *const kNestCounterNames[kNestCounters];

// The machine's fixed latencies (cycles), for the cost model's hcl mode.
struct NestTiming {
  int start = 0;          // start -> first transfer
  int drain = 1;          // per run: last step -> its sums written
  int fill_tail = 1;      // per fill or weight load, after its last read request
  int writeback_tail = 1; // per write-back, after its last buffer read
  int prefetch_lag = 2;   // run start -> the prefetch's first request, plus the swap cycle
};

struct NestAcceleratorPlan {
  ArrayConfig array;
  ArrayPlan array_plan;
  BufferConfig input, output;
  NestTiming timing;
  int in_addr_width = 1, out_addr_width = 1;
  int cfg_addr_width = 1, cfg_data_width = 1;
  std::vector<std::string> reg_names; // register map, address order
  std::vector<int> reg_widths;
  int registers() const { return static_cast<int>(reg_names.size()); }
  int reg(const std::string &name) const; // throws std::out_of_range
};
NestAcceleratorPlan plan_nest_accelerator(const NestAcceleratorConfig &cfg);

struct NestAccelerator {
  NestAcceleratorConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

} // namespace hcl::gen
