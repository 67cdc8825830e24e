// The spatial array generator: ONE generator whose parameters are the loops unrolled onto the
// two physical dimensions of the array. The interconnect is derived, not chosen by hand
// (Interstellar, Yang et al., ASPLOS 2020): for each tensor and each dimension,
//   - weights/inputs that do not depend on the dimension's loops are SHARED along it:
//     broadcast or forwarded systolically (weight_flow / input_flow);
//   - weights/inputs that depend on the loops of both dimensions are either STATIONARY in the
//     PEs (loaded through a chain down each column) or UNICAST: one lane per PE;
//   - weights independent of BOTH dimensions (X|Y: N, Y, X on both) are shared by every PE:
//     broadcast, or forwarded along row 0 and then down every column;
//   - inputs whose sliding-window pair (FY with Y, FX with X) is split across the two
//     dimensions travel DIAGONALLY (PE (r, c) sees input lane r + c), as in Eyeriss;
//   - outputs that do not depend on one dimension's loops are REDUCED along it: down each
//     column (reduced loop on the rows) or along each row (reduced loop on the columns), by an
//     adder tree or a systolic accumulation chain (reduce); outputs independent of BOTH
//     dimensions (FX|FY: C, FY, FX on both) are reduced over every PE into one lane, by one
//     tree or by one chain running down column 0, into the top of column 1, and so on
//     (alpha 1, beta rows); outputs depending on both dimensions stay in the PEs (output
//     stationary) and are drained down the columns.
// Skew (on operand lanes) and deskew (on outputs) registers are derived from the same
// analysis: PE (r, c) works on iteration t at cycle t + alpha*r + beta*c, where alpha/beta are
// 1 when something moves systolically along that dimension (beta = rows for the one chain over
// both dimensions) and 0 when it is broadcast or reduced by a tree; conflicting requirements
// are configuration errors.
//
// The loop nest is a convolution O[n][k][y][x] += W[k][c][fy][fx] * I[n][c][y+fy][x+fx]
// (GEMM: K=M rows of W, C the reduction, X the columns of the result).
//
// Ports (lanes are numbered from 0):
//   x_i [data_width]   input lanes   (rows, cols, rows+cols-1 for diagonal, 1 for shared by
//                      all, rows*cols for unicast: lane r*cols + c feeds PE (r, c))
//   w_i [weight_width] weight lanes  (same rule)
//   a stationary operand's lanes are its load lanes, one per column; `load` shifts the column
//     chain down by one PE (feed the bottom row's value first); `swap` (double_buffer) makes
//     the loaded values active for iterations that start after the swap cycle. The swap
//     travels with the wavefront, so the next `load` may start only `swap_to_load` cycles
//     after a swap (earlier, a PE the swap has not reached yet would copy a half-loaded
//     shadow register). With swap_all the swap reaches every PE at once: swap only while the
//     array is drained; the next load may follow in the same cycle.
//   en: the lanes carry iteration t this cycle (plus `first`/`last` for the edge accumulator)
//   reduced outputs: out_i [acc_width] and out_valid, `latency` cycles after the iteration;
//     out_i is column i's sum when reduced down the columns (out_route Vertical) and row i's
//     when reduced along the rows (Horizontal); out_0 alone when reduced over both (All).
//     With edge_accumulate, out_i sums the
//     iterations from `first` to `last` and out_valid pulses once per `last`.
//   output stationary: `drain` shifts every column down by one PE; out_c is the bottom PE.
//     Results are complete `drain_wait` cycles after the last `en`.
#pragma once

#include <generators/pe.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace hcl::gen {

enum class Loop { N, K, C, Y, X, FY, FX };
const char *to_string(Loop l);

struct LoopDim {
  Loop loop = Loop::C;
  int size = 0; // 0: the whole dimension (only when it is the dimension's only loop)
};

enum class Flow { Broadcast, Systolic };
enum class Reduce { Tree, Chain };

struct ArrayConfig {
  std::string preset = "custom";
  int rows = 4;
  int cols = 4;
  std::vector<LoopDim> row_loops{{Loop::C, 0}}; // one or two loops, outer first
  std::vector<LoopDim> col_loops{{Loop::K, 0}};
  int data_width = 8;
  int weight_width = 8;
  int acc_width = 32;
  bool is_signed = true;
  Stationary stationary = Stationary::Weight;
  bool double_buffer = true;
  int pipeline_stages = 0;
  Flow input_flow = Flow::Systolic;
  Flow weight_flow = Flow::Systolic;
  Reduce reduce = Reduce::Chain;
  bool edge_accumulate = false;
  // Double-buffered stationary operand: `swap` reaches every PE in the same cycle instead of
  // travelling with the wavefront, for a caller that swaps only while no iteration is in the
  // array (drained); the next load may then follow at once (swap_to_load 0).
  bool swap_all = false;

  void validate() const; // throws ConfigError; same rules as plan()
  static const std::vector<ConfigKey<ArrayConfig>> &keys(); // the --set keys
  void set(const std::string &key, const std::string &value);
  std::string module_name() const;
  nlohmann::json to_json() const;
};

// "tpu", "eyeriss", "tree", "output-stationary", "xy", "fxfy". Throws ConfigError("preset", ...)
// otherwise.
ArrayConfig array_preset(const std::string &name);
std::vector<std::string> array_preset_names();

// How one operand reaches the PEs, or which way the outputs leave the array. All: one lane
// shared by every PE (operands), or one lane reduced over every PE (outputs). Unicast: one
// lane per PE, lane r*cols + c.
enum class Route { Horizontal, Vertical, Diagonal, All, Load, Unicast };
struct OperandPlan {
  Route route = Route::All;
  Flow flow = Flow::Broadcast; // along the route (Horizontal/Vertical)
  int lanes = 1;
  int array_cols = 1; // Unicast lanes are numbered row-major
  // Lane feeding PE (r, c), and the skew registers on lane i.
  int lane(int r, int c) const;
  std::vector<int> skew;
};

// Everything derived from an ArrayConfig: the validated interconnect and timing.
struct ArrayPlan {
  OperandPlan x, w;
  bool output_stationary = false;
  // Outputs leave at the bottom of each column (Vertical: reduced down the columns, or
  // drained) or at the end of each row (Horizontal: reduced along the rows); one out_i lane
  // per column or per row. All: reduced over every PE into out_0.
  Route out_route = Route::Vertical;
  int out_lanes = 0;
  int alpha = 0, beta = 0; // cycles per row / per column of the iteration wavefront
  int latency = 0;         // en -> out_valid (reduced outputs)
  int drain_wait = 0;      // last en -> drain may start (output stationary)
  int swap_to_load = 0;    // swap -> next load may start (double-buffered stationary)
  std::vector<int> deskew; // registers on out_i
  std::vector<int> row_index_sizes, col_index_sizes; // loop sizes on each dimension
};

// Validates `cfg` (all rules, in one place) and derives the plan.
ArrayPlan plan_array(const ArrayConfig &cfg);

// The PE configuration used at (r, c): forwarding is dropped on the last row/column.
PeConfig array_pe_config(const ArrayConfig &cfg, const ArrayPlan &plan, int r, int c);

// The array's ports (the list at the top of this file) for one config: the array declares them
// with `hcl::Input("", ArrayIO(cfg))` and a parent names an instance's with
// `hcl::io(inst, "", ArrayIO(cfg))`. Ports the config does not have are null and not declared.
struct ArrayIO {
  ArrayIO() = default;
  explicit ArrayIO(const ArrayConfig &cfg);               // validates cfg (plan_array)
  ArrayIO(const ArrayConfig &cfg, const ArrayPlan &plan); // plan: plan_array(cfg)
  std::vector<Signal> x, w;                               // operand lanes x_i, w_i
  Signal load, swap;                                      // stationary operand
  Signal en;
  Signal drain;       // output stationary
  Signal first, last; // edge_accumulate
  std::vector<Signal> out;
  Signal out_valid; // reduced outputs

  template <class V> void fields(V &v) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      lane_port(v, "x", x, i, Dir::In);
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      lane_port(v, "w", w, i, Dir::In);
    }
    optional_port(v, "load", load, Dir::In);
    optional_port(v, "swap", swap, Dir::In);
    optional_port(v, "en", en, Dir::In);
    optional_port(v, "drain", drain, Dir::In);
    optional_port(v, "first", first, Dir::In);
    optional_port(v, "last", last, Dir::In);
    for (std::size_t i = 0; i < out.size(); ++i) {
      lane_port(v, "out", out, i, Dir::Out);
    }
    optional_port(v, "out_valid", out_valid, Dir::Out);
  }
};

struct Array {
  ArrayConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

} // namespace hcl::gen
