// A generated accelerator top: the loop controller wired to input/weight/output buffers and a
// weight-stationary C x K spatial array, so ONE generated design runs many GEMM / 1x1-conv
// layers, each described only by configuration register writes and buffer layouts (the
// "configurable hardware + per-layer configuration" flow of the Interstellar paper, Yang et
// al., ASPLOS 2020).
//
// Computation of one layer: O[k][x] = sum_c W[k][c] * I[c][x], c < C, k < K, x < X (a GEMM, or
// a 1x1 convolution with X = output pixels). The array holds a rows x cols tile of W (rows = C
// lanes, cols = K lanes); tiles are ceil(C / rows) reduction tiles (accumulated in the output
// buffer) inside ceil(K / cols) output tiles. Two instances of the loop controller walk them:
//   the STREAM controller, loops (step, c_tile, k_tile) with X + 1 steps per tile: step 0 swaps
//     the loaded weight tile in, steps 1..X stream input columns; address generators "input",
//     "output" and "accumulate" (non-zero: add to the stored partial sum)
//   the LOAD controller, loops (row, c_tile, k_tile) with `rows` steps per tile: one weight row
//     per step into the array's shadow registers (bottom row first); generator "weight"
// They hand over through the shadow registers: a tile's swap waits until its rows are loaded,
// and the next tile's loads wait until the swap has reached every PE (the array's
// swap_to_load), so loading overlaps streaming and a tile costs max(X + 1, rows +
// swap_to_load + 1) cycles. All bounds, strides and bases are runtime registers; both
// controllers must walk the same number of tiles (configure_layer() guarantees it), otherwise
// a swap waits forever for a tile that is never loaded.
//
// Ports (clock and synchronous reset are implicit):
//   cfg_we, cfg_addr, cfg_data    register writes (map: AcceleratorPlan::reg_names); ignored
//                                 while busy and for addresses past the map
//   start                         while idle: swaps the input and weight buffers (the halves
//                                 the host filled become the ones the array reads) and runs
//   busy, done                    done pulses once, when the last output is in the buffer
//   in_we, in_bank, in_addr, in_data       host fill of the input buffer (the idle half)
//   wt_we, wt_bank, wt_addr, wt_data       host fill of the weight buffer (the idle half)
//   out_rd_en, out_rd_bank, out_rd_addr -> out_rd_data   output read, data one cycle later
// Input and weight buffers are ping-pong: the host fills the next layer while one runs. The
// output buffer is an accumulator (read-modify-write across reduction tiles needs reads and
// writes on the same half), so outputs are read between layers.
#pragma once

#include <generators/array.h>
#include <generators/buffer.h>
#include <generators/controller.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hcl::gen {

struct AcceleratorConfig {
  std::string preset = "tpu"; // array preset: tpu (systolic) or tree (broadcast + adder tree)
  int rows = 4;               // array rows = C lanes = input buffer banks
  int cols = 4;               // array columns = K lanes = weight and output buffer banks
  int data_width = 8;
  int weight_width = 8;
  int acc_width = 32;
  bool is_signed = true;
  int pipeline_stages = 0;
  int in_depth = 256;  // words per bank and half of the input buffer, 2..65536
  int wt_depth = 256;  // likewise, weight buffer
  int out_depth = 256; // words per bank of the output (accumulator) buffer

  void validate() const; // throws ConfigError naming the key
  void set(const std::string &key, const std::string &value);
  std::string module_name() const;
  nlohmann::json to_json() const; // {"generator", "top", "params", "derived"} incl. register map
};

// "tpu", "tree": the weight-stationary C x K presets of the array generator.
AcceleratorConfig accelerator_preset(const std::string &name);
std::vector<std::string> accelerator_preset_names();

// Address generators of the two controllers, in register-map order.
enum StreamGen { kGenInput = 0, kGenOutput, kGenAccumulate, kStreamGens };
enum LoadGen { kGenWeight = 0, kLoadGens };
extern const char *const kStreamLevelNames[3]; // step, c_tile, k_tile
extern const char *const kLoadLevelNames[3];   // row, c_tile, k_tile
extern const char *const kStreamGenNames[kStreamGens];
extern const char *const kLoadGenNames[kLoadGens];

// Everything derived from a config, computed once (validates first).
struct AcceleratorPlan {
  ArrayConfig array;
  ArrayPlan array_plan;
  BufferConfig input, weight, output;
  ControllerConfig stream, load; // one width for bounds and addresses (see accelerator.cpp)
  int in_bank_width = 1, wt_bank_width = 1; // host bank-select bits (out uses wt_bank_width)
  int latency = 0;      // stream step -> its outputs written (buffer read + array latency)
  int swap_to_load = 0; // cycles a load waits after a swap (the array's swap_to_load)
  // The register map: the stream controller's registers (controller.h order) at 0.., then the
  // load controller's at load_base... Names: bound_<level>, stride_<gen>_<level>, base_<gen>,
  // the load controller's with a "load_" prefix.
  int load_base = 0;
  std::vector<std::string> reg_names;
  int registers() const { return static_cast<int>(reg_names.size()); }
  int reg(const std::string &name) const; // throws std::out_of_range for an unknown name
};
AcceleratorPlan plan_accelerator(const AcceleratorConfig &cfg);

struct Accelerator {
  AcceleratorConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

// ---- per-layer configuration ---------------------------------------------------------------

struct LayerShape {
  std::string name; // for file names; empty: "c<C>_k<K>_x<X>"
  int C = 1, K = 1, X = 1;
};
// "C=64,K=32,X=49" (optionally ",name=conv3"). Throws ConfigError("--layer", ...).
LayerShape parse_layer(const std::string &text);

// Where one tensor element lives: buffer bank and word address.
struct Slot {
  int bank = 0;
  int addr = 0;
  bool operator==(const Slot &) const = default;
};

// The configuration of one layer on one accelerator.
struct LayerConfig {
  LayerShape shape;
  int rows = 1, cols = 1;       // of the accelerator
  int c_tiles = 1, k_tiles = 1; // ceil(C / rows), ceil(K / cols)
  // Register writes (address, value), to be applied in order while the accelerator is idle.
  std::vector<std::pair<int, std::uint64_t>> writes;
  std::vector<std::string> write_names; // the register each write targets, same order
  // Words per bank each buffer must hold for this layer. The host writes every input and
  // weight word of this extent; weights of pad rows (c >= C) MUST be 0, inputs of pad rows
  // and weights of pad columns (k >= K) may hold anything.
  int in_words = 0, wt_words = 0, out_words = 0;
  // Edges from the one that samples start to the one that raises done, exact.
  std::uint64_t cycles = 0;

  Slot input(int c, int x) const;  // I[c][x], c < c_tiles*rows, x < X
  Slot weight(int k, int c) const; // W[k][c], k < k_tiles*cols, c < c_tiles*rows
  Slot output(int k, int x) const; // O[k][x]
  nlohmann::json to_json() const;  // shape, tiling, named register writes, layouts, cycles
  std::string file_stem() const;   // shape.name or "c<C>_k<K>_x<X>"
};

// Tiles `shape` onto the accelerator. Throws ConfigError naming C, K or X when the layer does
// not fit the buffers (the message gives the limit).
LayerConfig configure_layer(const AcceleratorConfig &cfg, const LayerShape &shape);

} // namespace hcl::gen
