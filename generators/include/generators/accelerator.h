// A generated accelerator top: the loop controller wired to input/weight/output buffers and a
// weight-stationary C x K spatial array, so ONE generated design runs many GEMM / 1x1-conv
// layers, each described only by configuration register writes and buffer layouts (the
// "configurable hardware + per-layer configuration" flow of Interstellar, issue 5).
//
// Computation of one layer: O[k][x] = sum_c W[k][c] * I[c][x], c < C, k < K, x < X (a GEMM, or
// a 1x1 convolution with X = output pixels). The array holds a rows x cols tile of W (rows = C
// lanes, cols = K lanes); the controller walks three loops, innermost first:
//   level 0 "step"   rows + 1 + Xp steps per tile: `rows` weight loads (the load chain is fed
//                    bottom row first), one swap (the loaded tile becomes active), Xp input
//                    columns streamed through the array
//   level 1 "c_tile" ceil(C / rows) reduction tiles, accumulated in the output buffer
//   level 2 "k_tile" ceil(K / cols) output tiles
// Five affine address generators, all runtime registers, drive the datapath:
//   0 "input"  input buffer read address       3 "phase"      step number (load/swap/stream)
//   1 "weight" weight buffer read address      4 "accumulate" != 0: add to the stored output
//   2 "output" output buffer address
// Xp >= X is the streamed width: at least the array's swap_to_load, so the next tile's loads
// never overtake the previous swap (pad columns compute values nobody reads).
//
// Ports (clock and synchronous reset are implicit):
//   cfg_we, cfg_addr, cfg_data    controller register writes; ignored while busy
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

// Names of the controller's loop levels and address generators, in register-map order.
enum AccelGen { kGenInput = 0, kGenWeight, kGenOutput, kGenPhase, kGenAccumulate, kAccelGens };
extern const char *const kAccelLevelNames[3];
extern const char *const kAccelGenNames[kAccelGens];

// Everything derived from a config, computed once (validates first).
struct AcceleratorPlan {
  ArrayConfig array;
  ArrayPlan array_plan;
  BufferConfig input, weight, output;
  ControllerConfig ctrl;
  int in_bank_width = 1, wt_bank_width = 1; // host bank-select bits (out uses wt_bank_width)
  int latency = 0;    // controller step -> output written (buffer read + array latency)
  int min_stream = 1; // smallest Xp: the array's swap_to_load (at least 1)
  // Register addresses: bound of level l, stride of generator g at level l, base of g.
  int bound_reg(int level) const { return ctrl.bound_reg(level); }
  int stride_reg(int gen, int level) const { return ctrl.stride_reg(gen, level); }
  int base_reg(int gen) const { return ctrl.base_reg(gen); }
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
  int x_padded = 1;             // Xp: streamed columns per tile, max(X, min_stream)
  // Register writes (address, value), to be applied in order while the accelerator is idle.
  std::vector<std::pair<int, std::uint64_t>> writes;
  std::vector<std::string> write_names; // the register each write targets, same order
  // Words per bank each buffer must hold for this layer. The host writes every input and
  // weight word of this extent; weights of pad rows (c >= C) MUST be 0, everything else in a
  // pad position may hold anything.
  int in_words = 0, wt_words = 0, out_words = 0;
  std::uint64_t cycles = 0; // start -> done, exact

  Slot input(int c, int x) const;  // I[c][x], c < c_tiles*rows, x < x_padded
  Slot weight(int k, int c) const; // W[k][c], k < k_tiles*cols, c < c_tiles*rows
  Slot output(int k, int x) const; // O[k][x]
  nlohmann::json to_json() const;  // shape, tiling, named register writes, layouts, cycles
  std::string file_stem() const;   // shape.name or "c<C>_k<K>_x<X>"
};

// Tiles `shape` onto the accelerator. Throws ConfigError naming C, K or X when the layer does
// not fit the buffers (the message gives the limit).
LayerConfig configure_layer(const AcceleratorConfig &cfg, const LayerShape &shape);

} // namespace hcl::gen
