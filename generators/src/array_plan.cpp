// The array generator's configuration: parsing, presets, and the derivation of the
// interconnect and timing from loop relevance (plan_array). The RTL is in array.cpp.
#include <generators/array.h>
#include <generators/params.h>
#include <generators/require.h>

#include "pe_keys.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace hcl::gen {

namespace {

const std::vector<std::pair<Loop, const char *>> kLoopNames = {
    {Loop::N, "N"}, {Loop::K, "K"},   {Loop::C, "C"},  {Loop::Y, "Y"},
    {Loop::X, "X"}, {Loop::FY, "FY"}, {Loop::FX, "FX"}};

// Relevance of the convolution's tensors to each loop (the docstring's loop nest).
bool weight_depends(Loop l) {
  return l == Loop::K || l == Loop::C || l == Loop::FY || l == Loop::FX;
}
bool input_depends(Loop l) { return l != Loop::K; }
bool output_depends(Loop l) { return l == Loop::N || l == Loop::K || l == Loop::Y || l == Loop::X; }
// Y+FY and X+FX index the input: the two loops of a pair form a sliding window.
bool sliding_pair(Loop a, Loop b) {
  return (a == Loop::Y && b == Loop::FY) || (a == Loop::FY && b == Loop::Y) ||
         (a == Loop::X && b == Loop::FX) || (a == Loop::FX && b == Loop::X);
}

std::string loops_text(const std::vector<LoopDim> &loops) {
  std::vector<std::string> parts;
  parts.reserve(loops.size());
  for (const auto &l : loops) {
    parts.push_back(l.size > 0 ? fmt::format("{}:{}", to_string(l.loop), l.size)
                               : std::string(to_string(l.loop)));
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

std::vector<LoopDim> parse_loops(const std::string &key, const std::string &value) {
  std::vector<LoopDim> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string::npos) {
      comma = value.size();
    }
    std::string item = value.substr(pos, comma - pos);
    std::string name = item, size;
    if (auto colon = item.find(':'); colon != std::string::npos) {
      name = item.substr(0, colon);
      size = item.substr(colon + 1);
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    auto it = std::find_if(kLoopNames.begin(), kLoopNames.end(),
                           [&](const auto &p) { return name == p.second; });
    require(it != kLoopNames.end(), key,
            fmt::format("unknown loop '{}' in '{}'; loops are N, K, C, Y, X, FY, FX, written "
                        "LOOP or LOOP:SIZE, comma separated (e.g. C or C:2,FX:2)",
                        name, value));
    LoopDim d{it->first, 0};
    if (!size.empty()) {
      d.size = static_cast<int>(parse_int(key, size, 1, 4096));
    }
    out.push_back(d);
    pos = comma + 1;
  }
  return out;
}

// Timing requirements: the wavefront delay per row (alpha) and per column (beta), each set by
// the first interconnect that needs it, remembered with the key that set it for messages.
struct Delay {
  std::optional<int> value;
  std::string who;
  void need(int v, const std::string &key, const std::string &why) {
    if (value && *value != v) {
      throw ConfigError(key, fmt::format("{} needs {}, but {} needs {}: no consistent skew; "
                                         "change one of them",
                                         why, v, who, *value));
    }
    if (!value) {
      value = v;
      who = fmt::format("{} ({})", why, key);
    }
  }
};

struct DimInfo {
  bool x = false, w = false, o = false; // does the dimension index the tensor
};

DimInfo dim_relevance(const std::vector<LoopDim> &loops, const std::string &key) {
  DimInfo d;
  const auto uniform = [&](bool (*dep)(Loop), const char *tensor) {
    const bool first = dep(loops.front().loop);
    for (const auto &l : loops) {
      require(dep(l.loop) == first, key,
              fmt::format("loops {} and {} cannot share a dimension: the {} depend on one "
                          "and not the other, so the interconnect along it would not be "
                          "uniform; put them on different dimensions",
                          to_string(loops.front().loop), to_string(l.loop), tensor));
    }
    return first;
  };
  d.w = uniform(weight_depends, "weights");
  d.x = uniform(input_depends, "inputs");
  d.o = uniform(output_depends, "outputs");
  return d;
}

void check_loops(const std::vector<LoopDim> &loops, int size, const std::string &key,
                 const std::string &size_key) {
  require(loops.size() == 1 || loops.size() == 2, key,
          fmt::format("one or two loops per dimension (got {})", loops.size()));
  if (loops.size() == 1) {
    require(loops[0].size == 0 || loops[0].size == size, key,
            fmt::format("loop {} has size {} but {} = {}", to_string(loops[0].loop), loops[0].size,
                        size_key, size));
    return;
  }
  require(loops[0].loop != loops[1].loop, key,
          fmt::format("loop {} is listed twice", to_string(loops[0].loop)));
  require(!sliding_pair(loops[0].loop, loops[1].loop), key,
          fmt::format("the sliding-window pair {} and {} cannot share a dimension: their "
                      "inputs move diagonally, so put one on rows and the other on cols",
                      to_string(loops[0].loop), to_string(loops[1].loop)));
  require(loops[0].size > 0 && loops[1].size > 0, key,
          "with two loops on a dimension give both sizes, e.g. C:2,FX:2");
  require(loops[0].size * loops[1].size == size, key,
          fmt::format("the loop sizes multiply to {} but {} = {}", loops[0].size * loops[1].size,
                      size_key, size));
}

const char *flow_key(bool input) { return input ? "input_flow" : "weight_flow"; }

OperandPlan plan_operand(const ArrayConfig &c, bool input, bool dep_r, bool dep_c, bool diag,
                         Delay &alpha, Delay &beta, bool &diagonal_used) {
  OperandPlan p;
  const Stationary self = input ? Stationary::Input : Stationary::Weight;
  const Flow flow = input ? c.input_flow : c.weight_flow;
  const std::string fkey = flow_key(input);
  const int fdelay = flow == Flow::Systolic ? 1 : 0;
  const std::string fwhy =
      fmt::format("{}={}", fkey, flow == Flow::Systolic ? "systolic" : "broadcast");
  p.flow = flow;
  if (c.stationary == self) {
    p.route = Route::Load;
    p.lanes = c.cols;
  } else if (diag) {
    require(flow == Flow::Broadcast, fkey,
            "diagonal (sliding-window) inputs are broadcast along each diagonal; systolic "
            "forwarding of diagonals is not generated: use broadcast");
    p.route = Route::Diagonal;
    p.lanes = c.rows + c.cols - 1;
    diagonal_used = true;
  } else if (dep_r && dep_c) {
    // Every PE needs its own element: one lane per PE, skewed to the PE's wavefront slot.
    p.route = Route::Unicast;
    p.lanes = c.rows * c.cols;
    p.array_cols = c.cols;
  } else if (dep_r) {
    p.route = Route::Horizontal; // one lane per row, shared along the row
    p.lanes = c.rows;
    beta.need(fdelay, fkey, fwhy);
  } else if (dep_c) {
    p.route = Route::Vertical; // one lane per column, shared down the column
    p.lanes = c.cols;
    alpha.need(fdelay, fkey, fwhy);
  } else {
    // Shared by every PE: one lane, broadcast to all (no skew anywhere), or forwarded along
    // row 0 and from there down every column, one register per hop (alpha = beta = 1).
    p.route = Route::All;
    p.lanes = 1;
    alpha.need(fdelay, fkey, fwhy);
    beta.need(fdelay, fkey, fwhy);
  }
  return p;
}

} // namespace

const char *to_string(Loop l) {
  for (const auto &p : kLoopNames) {
    if (p.first == l) {
      return p.second;
    }
  }
  return "?";
}

const char *to_string(Route r) {
  switch (r) {
  case Route::Horizontal:
    return "horizontal";
  case Route::Vertical:
    return "vertical";
  case Route::Diagonal:
    return "diagonal";
  case Route::All:
    return "all";
  case Route::Unicast:
    return "unicast";
  case Route::Load:
    return "stationary-load";
  }
  return "?";
}

int OperandPlan::lane(int r, int c) const {
  switch (route) {
  case Route::Horizontal:
    return r;
  case Route::Vertical:
  case Route::Load:
    return c;
  case Route::Diagonal:
    return r + c;
  case Route::All:
    return 0;
  case Route::Unicast:
    return r * array_cols + c;
  }
  return 0;
}

namespace {

// Sizes, the loops on each dimension and the PE's widths.
void check_array_config(const ArrayConfig &c) {
  require(c.rows >= 1 && c.rows <= 128, "rows",
          fmt::format("must be in [1, 128] (got {})", c.rows));
  require(c.cols >= 1 && c.cols <= 128, "cols",
          fmt::format("must be in [1, 128] (got {})", c.cols));
  check_loops(c.row_loops, c.rows, "row_loops", "rows");
  check_loops(c.col_loops, c.cols, "col_loops", "cols");
  for (const auto &r : c.row_loops) {
    for (const auto &k : c.col_loops) {
      require(r.loop != k.loop, "col_loops",
              fmt::format("loop {} is already unrolled on rows", to_string(r.loop)));
    }
  }
  PeConfig pe;
  pe.data_width = c.data_width;
  pe.weight_width = c.weight_width;
  pe.acc_width = c.acc_width;
  pe.pipeline_stages = c.pipeline_stages;
  pe.validate();
}

// Rows and columns hold the two halves of a sliding-window pair: inputs on diagonals.
bool diagonal_inputs(const ArrayConfig &c) {
  bool diag = false;
  for (const auto &r : c.row_loops) {
    for (const auto &k : c.col_loops) {
      diag = diag || sliding_pair(r.loop, k.loop);
    }
  }
  if (diag) {
    require(c.row_loops.size() == 1, "row_loops",
            "a dimension holding half of a sliding-window pair must hold only that loop");
    require(c.col_loops.size() == 1, "col_loops",
            "a dimension holding half of a sliding-window pair must hold only that loop");
  }
  return diag;
}

// Where the outputs go: stationary in the PEs, or reduced down the columns, along the rows or
// over both, by chain or tree; the delays that asks of rows (alpha) and columns (beta).
void plan_outputs(const ArrayConfig &c, const DimInfo &R, const DimInfo &C, Delay &alpha,
                  Delay &beta, ArrayPlan &p) {
  if (c.stationary == Stationary::Output) {
    require(R.o && C.o, "stationary",
            fmt::format("output-stationary PEs need outputs that depend on both dimensions, "
                        "but the outputs are reduced along {}",
                        R.o   ? "cols"
                        : C.o ? "rows"
                              : "both rows and cols"));
    p.output_stationary = true;
  } else {
    require(!(R.o && C.o), "stationary",
            "the outputs depend on the loops of both dimensions, so each PE owns an output: "
            "use stationary=output");
    if (!R.o && !C.o) {
      // Reduced over both dimensions into one lane: a tree over every PE, or one chain down
      // column 0, on into the top of column 1, and so on (PE (r, c) is link r + rows*c).
      p.out_route = Route::All;
      if (c.reduce == Reduce::Chain) {
        alpha.need(1, "reduce", "reduce=chain (systolic accumulation down each column)");
        beta.need(c.rows, "reduce",
                  "reduce=chain over both dimensions (each column continues the previous one)");
      } else {
        alpha.need(0, "reduce", "reduce=tree (combinational adder tree)");
        beta.need(0, "reduce", "reduce=tree (combinational adder tree)");
      }
    } else {
      // Outputs independent of the row loops are reduced down each column, else along each
      // row.
      Delay &along = C.o ? alpha : beta;
      p.out_route = C.o ? Route::Vertical : Route::Horizontal;
      if (c.reduce == Reduce::Chain) {
        along.need(1, "reduce", "reduce=chain (systolic accumulation)");
      } else {
        along.need(0, "reduce", "reduce=tree (combinational adder tree)");
      }
    }
  }
  p.out_lanes = p.out_route == Route::Vertical     ? c.cols
                : p.out_route == Route::Horizontal ? c.rows
                                                   : 1;
}

// PEs on one diagonal share an input lane, so rows and columns must have equal delays.
void equal_diagonal_delays(Delay &alpha, Delay &beta) {
  if (alpha.value && !beta.value) {
    beta.need(*alpha.value, "input_flow", "diagonal inputs");
  } else if (beta.value && !alpha.value) {
    alpha.need(*beta.value, "input_flow", "diagonal inputs");
  } else if (!alpha.value && !beta.value) {
    alpha.value = 0;
    beta.value = 0;
  }
  require(*alpha.value == *beta.value, "input_flow",
          fmt::format("diagonal inputs need equal delays per row and per column, but {} "
                      "gives {} per row and {} gives {} per column",
                      alpha.who, *alpha.value, beta.who, *beta.value));
}

// Each lane's input skew: the delay of the wavefront at the PEs it enters.
void set_skews(const ArrayConfig &c, const ArrayPlan &p, OperandPlan &op) {
  op.skew.assign(static_cast<std::size_t>(op.lanes), 0);
  for (int i = 0; i < op.lanes; ++i) {
    switch (op.route) {
    case Route::Horizontal:
    case Route::Diagonal:
      op.skew[static_cast<std::size_t>(i)] = p.alpha * i;
      break;
    case Route::Vertical:
      op.skew[static_cast<std::size_t>(i)] = p.beta * i;
      break;
    case Route::Unicast:
      op.skew[static_cast<std::size_t>(i)] = p.alpha * (i / c.cols) + p.beta * (i % c.cols);
      break;
    default:
      break;
    }
  }
}

// When the wavefront has passed: the drain wait, or the latency and each lane's deskew.
void set_timing(const ArrayConfig &c, ArrayPlan &p) {
  const int wave = p.alpha * (c.rows - 1) + p.beta * (c.cols - 1);
  p.swap_to_load = c.swap_all ? 0 : wave;
  if (p.output_stationary) {
    p.drain_wait = wave + c.pipeline_stages;
    return;
  }
  p.latency = wave + c.pipeline_stages + 1 + (c.edge_accumulate ? 1 : 0);
  // Lane i's sum is complete when the wavefront passes its last PE; align all to the last.
  // (One lane reduced over both dimensions is complete at the last PE: no deskew.)
  for (int i = 0; i < p.out_lanes; ++i) {
    p.deskew.push_back(p.out_route == Route::Vertical     ? p.beta * (c.cols - 1 - i)
                       : p.out_route == Route::Horizontal ? p.alpha * (c.rows - 1 - i)
                                                          : 0);
  }
}

} // namespace

ArrayPlan plan_array(const ArrayConfig &c) {
  check_array_config(c);
  const DimInfo R = dim_relevance(c.row_loops, "row_loops");
  const DimInfo C = dim_relevance(c.col_loops, "col_loops");
  const bool diag = diagonal_inputs(c);
  ArrayPlan p;
  Delay alpha, beta;
  bool diagonal_used = false;
  p.x = plan_operand(c, true, R.x, C.x, diag, alpha, beta, diagonal_used);
  p.w = plan_operand(c, false, R.w, C.w, false, alpha, beta, diagonal_used);
  plan_outputs(c, R, C, alpha, beta, p);
  if (diagonal_used) {
    equal_diagonal_delays(alpha, beta);
  }
  p.alpha = alpha.value.value_or(0);
  p.beta = beta.value.value_or(0);
  set_skews(c, p, p.x);
  set_skews(c, p, p.w);
  set_timing(c, p);
  for (const auto &l : c.row_loops) {
    p.row_index_sizes.push_back(l.size > 0 ? l.size : c.rows);
  }
  for (const auto &l : c.col_loops) {
    p.col_index_sizes.push_back(l.size > 0 ? l.size : c.cols);
  }
  return p;
}

void ArrayConfig::validate() const { (void)plan_array(*this); }

PeConfig array_pe_config(const ArrayConfig &c, const ArrayPlan &p, int r, int k) {
  PeConfig pe;
  pe.data_width = c.data_width;
  pe.weight_width = c.weight_width;
  pe.acc_width = c.acc_width;
  pe.is_signed = c.is_signed;
  pe.stationary = c.stationary;
  pe.double_buffer = c.double_buffer;
  pe.pipeline_stages = c.pipeline_stages;
  const auto forwards = [&](const OperandPlan &op) {
    if (op.flow != Flow::Systolic) {
      return false;
    }
    if (op.route == Route::Horizontal) {
      return k < c.cols - 1;
    }
    if (op.route == Route::Vertical) {
      return r < c.rows - 1;
    }
    if (op.route == Route::All) { // along row 0, and down every column
      return r < c.rows - 1 || (r == 0 && k < c.cols - 1);
    }
    return false;
  };
  pe.forward_x = forwards(p.x);
  pe.forward_w = forwards(p.w);
  pe.psum_chain = c.reduce == Reduce::Chain;
  return pe;
}

namespace {
ConfigKey<ArrayConfig> loops_key(const char *name, std::vector<LoopDim> ArrayConfig::*member,
                                 const char *doc) {
  return {name, "LOOP or LOOP:SIZE,... of N K C Y X FY FX", doc,
          [member](ArrayConfig &c, const std::string &k, const std::string &v) {
            c.*member = parse_loops(k, v);
          },
          [member](const ArrayConfig &c) { return nlohmann::json(loops_text(c.*member)); }};
}
ConfigKey<ArrayConfig> flow_key(const char *name, Flow ArrayConfig::*member, const char *doc) {
  return choice_key<ArrayConfig, Flow>(
      name, member, {{"broadcast", Flow::Broadcast}, {"systolic", Flow::Systolic}}, doc);
}
} // namespace

const std::vector<ConfigKey<ArrayConfig>> &ArrayConfig::keys() {
  using A = ArrayConfig;
  static const std::vector<ConfigKey<A>> k = [] {
    std::vector<ConfigKey<A>> v = {
        int_key("rows", &A::rows, 0, 1 << 16, "array rows"),
        int_key("cols", &A::cols, 0, 1 << 16, "array columns"),
        loops_key("row_loops", &A::row_loops, "the loops unrolled on the rows"),
        loops_key("col_loops", &A::col_loops, "the loops unrolled on the columns")};
    for (auto &key : detail::pe_datapath_keys<A>()) {
      v.push_back(std::move(key));
    }
    v.push_back(flow_key("input_flow", &A::input_flow, "how a row shares its inputs"));
    v.push_back(flow_key("weight_flow", &A::weight_flow, "how a column shares its weights"));
    v.push_back(choice_key<A, Reduce>("reduce", &A::reduce,
                                      {{"tree", Reduce::Tree}, {"chain", Reduce::Chain}},
                                      "how a column sums its partial sums"));
    v.push_back(
        bool_key("edge_accumulate", &A::edge_accumulate, "accumulators at the column outputs"));
    v.push_back(
        bool_key("swap_all", &A::swap_all, "with double_buffer: swap reaches every PE at once"));
    return v;
  }();
  return k;
}

void ArrayConfig::set(const std::string &key, const std::string &value) {
  set_key(keys(), *this, "array", key, value);
}

std::string ArrayConfig::module_name() const {
  const auto loops = [](const std::vector<LoopDim> &v) {
    std::vector<std::string> parts;
    parts.reserve(v.size());
    for (const auto &l : v) {
      parts.push_back(l.size > 0 ? fmt::format("{}{}", to_string(l.loop), l.size)
                                 : std::string(to_string(l.loop)));
    }
    return fmt::format("{}", fmt::join(parts, ""));
  };
  const char *st[] = {"n", "ws", "is", "os"};
  return fmt::format("hcl_array_{}x{}_{}_{}_{}{}x{}a{}_{}{}_p{}_{}{}_{}{}", rows, cols,
                     loops(row_loops), loops(col_loops), is_signed ? 's' : 'u', data_width,
                     weight_width, acc_width, st[static_cast<int>(stationary)],
                     double_buffer ? (swap_all ? "dba" : "db") : "", pipeline_stages,
                     input_flow == Flow::Systolic ? 's' : 'b',
                     weight_flow == Flow::Systolic ? 's' : 'b',
                     reduce == Reduce::Chain ? "chain" : "tree", edge_accumulate ? "_ea" : "");
}

nlohmann::json ArrayConfig::to_json() const {
  const ArrayPlan p = plan_array(*this);
  nlohmann::json params = params_json(keys(), *this);
  params["preset"] = preset;
  const auto op = [](const OperandPlan &o) {
    int regs = 0;
    for (int s : o.skew) {
      regs += s;
    }
    return nlohmann::json{{"route", to_string(o.route)},
                          {"flow", o.flow == Flow::Systolic ? "systolic" : "broadcast"},
                          {"lanes", o.lanes},
                          {"skew_registers", regs}};
  };
  std::set<std::string> pes;
  for (int r = 0; r < rows; ++r) {
    for (int k = 0; k < cols; ++k) {
      pes.insert(array_pe_config(*this, p, r, k).module_name());
    }
  }
  int deskew = 0;
  for (int d : p.deskew) {
    deskew += d;
  }
  nlohmann::json derived = {{"inputs", op(p.x)},
                            {"weights", op(p.w)},
                            {"outputs", p.output_stationary
                                            ? "stationary"
                                            : (reduce == Reduce::Chain ? "chain" : "tree")},
                            {"output_route", to_string(p.out_route)},
                            {"output_lanes", p.out_lanes},
                            {"alpha", p.alpha},
                            {"beta", p.beta},
                            {"latency", p.latency},
                            {"drain_wait", p.drain_wait},
                            {"swap_to_load", p.swap_to_load},
                            {"deskew_registers", deskew},
                            {"pes", rows * cols},
                            {"pe_modules", std::vector<std::string>(pes.begin(), pes.end())}};
  return {{"generator", "array"}, {"top", module_name()}, {"params", params}, {"derived", derived}};
}

std::vector<std::string> array_preset_names() {
  return {"tpu", "eyeriss", "tree", "output-stationary", "xy", "fxfy"};
}

ArrayConfig array_preset(const std::string &name) {
  ArrayConfig c;
  c.preset = name;
  if (name == "tpu") {
    // Weight-stationary systolic (TPU / Gemmini WS): C down the rows, K across the columns.
    c.row_loops = {{Loop::C, 0}};
    c.col_loops = {{Loop::K, 0}};
    c.stationary = Stationary::Weight;
    c.input_flow = Flow::Systolic;
    c.reduce = Reduce::Chain;
  } else if (name == "eyeriss") {
    // Row stationary (Eyeriss): filter rows FY down the rows, output rows Y across the columns.
    c.rows = 3;
    c.row_loops = {{Loop::FY, 0}};
    c.col_loops = {{Loop::Y, 0}};
    c.stationary = Stationary::None;
    c.input_flow = Flow::Broadcast;
    c.weight_flow = Flow::Broadcast;
    c.reduce = Reduce::Tree;
    c.edge_accumulate = true;
  } else if (name == "tree") {
    // Reduction tree (NVDLA-like): C reduced by an adder tree, inputs broadcast across K.
    c.row_loops = {{Loop::C, 0}};
    c.col_loops = {{Loop::K, 0}};
    c.stationary = Stationary::Weight;
    c.input_flow = Flow::Broadcast;
    c.reduce = Reduce::Tree;
  } else if (name == "output-stationary") {
    // Output stationary (ShiDianNao-like): K down the rows, X across; C, FX in time.
    c.row_loops = {{Loop::K, 0}};
    c.col_loops = {{Loop::X, 0}};
    c.stationary = Stationary::Output;
    c.input_flow = Flow::Systolic;
    c.weight_flow = Flow::Systolic;
  } else if (name == "xy") {
    // X|Y (ShiDianNao-like, Interstellar's X|Y): output rows Y down the rows, columns X across;
    // every PE owns one output pixel. The weights depend on neither, so one weight is
    // broadcast to all PEs; the inputs I[y+fy][x+fx] depend on both: one lane per PE.
    c.row_loops = {{Loop::Y, 0}};
    c.col_loops = {{Loop::X, 0}};
    c.stationary = Stationary::Output;
    c.input_flow = Flow::Broadcast;
    c.weight_flow = Flow::Broadcast;
    c.reduce = Reduce::Tree;
  } else if (name == "fxfy") {
    // FX|FY: a 3x3 filter window, filter rows FY down the rows and columns FX across. The
    // weights W[fy][fx] stay in the PEs, the inputs I[y+fy][x+fx] (Y, X in time) take one lane
    // per PE, and the outputs, independent of both dimensions, are summed by one adder tree.
    c.rows = 3;
    c.cols = 3;
    c.row_loops = {{Loop::FY, 0}};
    c.col_loops = {{Loop::FX, 0}};
    c.stationary = Stationary::Weight;
    c.input_flow = Flow::Broadcast;
    c.weight_flow = Flow::Broadcast;
    c.reduce = Reduce::Tree;
  } else {
    throw ConfigError("preset", fmt::format("unknown array preset '{}'; valid: tpu, eyeriss, "
                                            "tree, output-stationary, xy, fxfy",
                                            name));
  }
  return c;
}

} // namespace hcl::gen
