// The RTL body of the spatial array; the interconnect and timing it wires up are derived in
// array_plan.cpp.
#include <generators/array.h>

#include <hcl/hcl.h>

#include <fmt/core.h>

namespace hcl::gen {

namespace {

Signal delay(const Signal &s, int n, const std::string &name) {
  Signal d = s;
  for (int i = 0; i < n; ++i) {
    d = RegNext(d, fmt::format("{}_d{}", name, i + 1));
  }
  return d;
}

// A control delay line with reset, tapped at every stage: taps[k] is `s` delayed by k.
std::vector<Signal> ctrl_taps(const Signal &s, int n, const std::string &name) {
  std::vector<Signal> taps{s};
  for (int i = 0; i < n; ++i) {
    auto q = RegInit(Bool(), false, fmt::format("{}_d{}", name, i + 1));
    q <<= taps.back();
    taps.push_back(q);
  }
  return taps;
}

} // namespace

ArrayIO::ArrayIO(const ArrayConfig &cfg) : ArrayIO(cfg, plan_array(cfg)) {}

ArrayIO::ArrayIO(const ArrayConfig &cfg, const ArrayPlan &p) {
  const auto type = [&](int w) { return number(cfg.is_signed, w); };
  x.assign(static_cast<std::size_t>(p.x.lanes), type(cfg.data_width));
  w.assign(static_cast<std::size_t>(p.w.lanes), type(cfg.weight_width));
  if (p.x.route == Route::Load || p.w.route == Route::Load) {
    load = Bool();
    if (cfg.double_buffer) {
      swap = Bool();
    }
  }
  en = Bool();
  if (p.output_stationary) {
    drain = Bool();
  }
  if (!p.output_stationary && cfg.edge_accumulate) {
    first = Bool();
    last = Bool();
  }
  out.assign(static_cast<std::size_t>(p.out_lanes), type(cfg.acc_width));
  if (!p.output_stationary) {
    out_valid = Bool();
  }
}

namespace {

// A balanced adder tree, wrapping at the operands' width like the chain.
Signal adder_tree(std::vector<Signal> level) {
  while (level.size() > 1) {
    std::vector<Signal> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(level[i].add_wrap(level[i + 1]));
    }
    if (level.size() % 2) {
      next.push_back(level.back());
    }
    level = next;
  }
  return level[0];
}

// Array::body's steps: the operand skews and control taps, the PE grid with its operand and
// partial-sum wiring, then each output lane (chain end or adder tree, deskew, edge
// accumulator) and out_valid.
class ArrayBuilder {
public:
  explicit ArrayBuilder(const ArrayConfig &c)
      : cfg(c), p(plan_array(c)), R(static_cast<std::size_t>(c.rows)),
        K(static_cast<std::size_t>(c.cols)), ports(Input("", ArrayIO(c, p))), pe(R) {}

  void build() {
    taps();
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t k = 0; k < K; ++k) {
        add_pe(r, k);
      }
    }
    if (p.out_route == Route::All && cfg.reduce == Reduce::Chain) {
      for (std::size_t k = 1; k < K; ++k) {
        pe[0][k].psum_in <<= pe[R - 1][k - 1].psum_out;
      }
    }
    for (std::size_t k = 0; k < static_cast<std::size_t>(p.out_lanes); ++k) {
      output_lane(k);
    }
    if (!p.output_stationary) {
      Signal out_valid = valid;
      if (cfg.edge_accumulate) {
        auto q = RegInit(Bool(), false, "out_valid_q");
        q <<= valid && last_at_edge;
        out_valid = q;
      }
      ports.out_valid <<= out_valid;
    }
  }

private:
  static std::vector<Signal> skewed(const OperandPlan &op, const std::vector<Signal> &in,
                                    const char *prefix) {
    std::vector<Signal> v;
    for (std::size_t i = 0; i < in.size(); ++i) {
      v.push_back(delay(in[i], op.skew[i], fmt::format("{}{}_skew", prefix, i)));
    }
    return v;
  }

  void taps() {
    xl = skewed(p.x, ports.x, "x");
    wl = skewed(p.w, ports.w, "w");
    const int wave = p.alpha * (cfg.rows - 1) + p.beta * (cfg.cols - 1);
    const int en_len = p.output_stationary ? wave : p.latency - (cfg.edge_accumulate ? 1 : 0);
    en_taps = ctrl_taps(ports.en, en_len, "en");
    if (ports.swap.width() != 0 && !cfg.swap_all) {
      swap_taps = ctrl_taps(ports.swap, wave, "swap");
    }
    // first/last travel with `en` to the edge accumulators.
    valid = en_taps.back();
    if (!p.output_stationary && cfg.edge_accumulate) {
      first_at_edge = ctrl_taps(ports.first, en_len, "first").back();
      last_at_edge = ctrl_taps(ports.last, en_len, "last").back();
    }
  }

  // What drives PE (r, k)'s operand input: its neighbour's output where the operand flows
  // systolically, else the skewed lane its route assigns.
  Signal operand(const OperandPlan &op, const std::vector<Signal> &l, Signal PeIO::*out,
                 std::size_t r, std::size_t k) const {
    switch (op.route) {
    case Route::Horizontal:
      if (op.flow == Flow::Systolic && k > 0) {
        return pe[r][k - 1].*out;
      }
      return l[r];
    case Route::Vertical:
    case Route::Load:
      if ((op.flow == Flow::Systolic || op.route == Route::Load) && r > 0) {
        return pe[r - 1][k].*out;
      }
      return l[k];
    case Route::Diagonal:
      return l[r + k];
    case Route::All: // forwarded along row 0, then down every column
      if (op.flow == Flow::Systolic && r > 0) {
        return pe[r - 1][k].*out;
      }
      if (op.flow == Flow::Systolic && k > 0) {
        return pe[0][k - 1].*out;
      }
      return l[0];
    case Route::Unicast:
      return l[r * K + k];
    }
    return l[0];
  }

  void add_pe(std::size_t r, std::size_t k) {
    const PeConfig pc = array_pe_config(cfg, p, static_cast<int>(r), static_cast<int>(k));
    const PeIO inst = io(instance(fmt::format("pe_{}_{}", r, k), Pe{pc}), "", PeIO(pc));
    pe[r].push_back(inst);
    inst.x_in <<= operand(p.x, xl, &PeIO::x_out, r, k);
    inst.w_in <<= operand(p.w, wl, &PeIO::w_out, r, k);
    const auto tap =
        static_cast<std::size_t>(p.alpha * static_cast<int>(r) + p.beta * static_cast<int>(k));
    if (ports.load.width() != 0) {
      inst.load <<= ports.load;
    }
    if (ports.swap.width() != 0) {
      inst.swap <<= cfg.swap_all ? ports.swap : swap_taps[tap];
    }
    if (p.output_stationary) {
      inst.en <<= en_taps[tap];
      inst.drain <<= ports.drain;
    }
    if (p.output_stationary || cfg.reduce == Reduce::Chain) {
      chain_in(r, k, inst);
    }
  }

  // The drain and the chain run down the columns, or along the rows when the outputs are
  // reduced across the columns; reduced over both, the chain leaves the bottom of each column
  // for the top of the next (wired in build(), once that PE exists).
  void chain_in(std::size_t r, std::size_t k, const PeIO &inst) const {
    const bool rowwise = p.out_route == Route::Horizontal;
    if (p.out_route == Route::All && r == 0 && k > 0) {
      return;
    }
    if (rowwise ? k == 0 : r == 0) {
      inst.psum_in <<= 0;
    } else {
      inst.psum_in <<= rowwise ? pe[r][k - 1].psum_out : pe[r - 1][k].psum_out;
    }
  }

  // The PEs whose partial sums leave through out_i: column i, row i, or (All) every PE in
  // chain order, column by column.
  const PeIO &out_pe(std::size_t i, std::size_t j) const {
    if (p.out_route == Route::All) {
      return pe[j % R][j / R];
    }
    return p.out_route == Route::Vertical ? pe[j][i] : pe[i][j];
  }

  void output_lane(std::size_t k) const {
    const std::size_t along = p.out_route == Route::All        ? R * K
                              : p.out_route == Route::Vertical ? R
                                                               : K;
    Signal raw;
    if (p.output_stationary || cfg.reduce == Reduce::Chain) {
      raw = out_pe(k, along - 1).psum_out;
    } else {
      std::vector<Signal> level;
      for (std::size_t j = 0; j < along; ++j) {
        level.push_back(out_pe(k, j).psum_out);
      }
      raw = adder_tree(std::move(level));
    }
    const Signal out = ports.out[k];
    if (p.output_stationary) {
      out <<= raw;
      return;
    }
    Signal aligned = delay(raw, p.deskew[k], fmt::format("out{}_deskew", k));
    if (!cfg.edge_accumulate) {
      out <<= aligned;
      return;
    }
    auto acc = Reg(number(cfg.is_signed, cfg.acc_width), fmt::format("edge_acc_{}", k));
    when(valid, [&] { acc <<= Mux(first_at_edge, aligned, acc.add_wrap(aligned)); });
    out <<= acc;
  }

  const ArrayConfig &cfg;
  const ArrayPlan p;
  const std::size_t R, K;
  const ArrayIO ports;
  std::vector<Signal> xl, wl, en_taps, swap_taps;
  Signal valid, first_at_edge, last_at_edge;
  std::vector<std::vector<PeIO>> pe;
};

} // namespace

void Array::body() const { ArrayBuilder(cfg).build(); }

} // namespace hcl::gen
