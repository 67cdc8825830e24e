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

void Array::body() const {
  const ArrayPlan p = plan_array(cfg);
  const auto R = static_cast<std::size_t>(cfg.rows);
  const auto K = static_cast<std::size_t>(cfg.cols);
  const ArrayIO ports = Input("", ArrayIO(cfg, p));
  const auto skewed = [&](const OperandPlan &op, const std::vector<Signal> &in,
                          const char *prefix) {
    std::vector<Signal> v;
    for (std::size_t i = 0; i < in.size(); ++i) {
      v.push_back(delay(in[i], op.skew[i], fmt::format("{}{}_skew", prefix, i)));
    }
    return v;
  };
  const auto xl = skewed(p.x, ports.x, "x");
  const auto wl = skewed(p.w, ports.w, "w");
  const bool has_load = ports.load.width() != 0;
  const bool has_swap = ports.swap.width() != 0;
  const Signal load = ports.load, swap = ports.swap, en = ports.en, drain = ports.drain;
  const Signal first = ports.first, last = ports.last;
  const int wave = p.alpha * (cfg.rows - 1) + p.beta * (cfg.cols - 1);
  const int en_len = p.output_stationary ? wave : p.latency - (cfg.edge_accumulate ? 1 : 0);
  const auto en_taps = ctrl_taps(en, en_len, "en");
  std::vector<Signal> swap_taps;
  if (has_swap && !cfg.swap_all) {
    swap_taps = ctrl_taps(swap, wave, "swap");
  }

  // first/last travel with `en` to the edge accumulators.
  const Signal valid = en_taps.back();
  Signal first_at_edge, last_at_edge;
  if (!p.output_stationary && cfg.edge_accumulate) {
    first_at_edge = ctrl_taps(first, en_len, "first").back();
    last_at_edge = ctrl_taps(last, en_len, "last").back();
  }

  std::vector<std::vector<PeIO>> pe(R);
  const auto operand = [&](const OperandPlan &op, const std::vector<Signal> &l, Signal PeIO::*out,
                           std::size_t r, std::size_t k) -> Signal {
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
  };
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t k = 0; k < K; ++k) {
      const PeConfig pc = array_pe_config(cfg, p, static_cast<int>(r), static_cast<int>(k));
      const PeIO inst = io(instance(fmt::format("pe_{}_{}", r, k), Pe{pc}), "", PeIO(pc));
      pe[r].push_back(inst);
      inst.x_in <<= operand(p.x, xl, &PeIO::x_out, r, k);
      inst.w_in <<= operand(p.w, wl, &PeIO::w_out, r, k);
      const auto tap =
          static_cast<std::size_t>(p.alpha * static_cast<int>(r) + p.beta * static_cast<int>(k));
      if (has_load) {
        inst.load <<= load;
      }
      if (has_swap) {
        inst.swap <<= cfg.swap_all ? swap : swap_taps[tap];
      }
      if (p.output_stationary) {
        inst.en <<= en_taps[tap];
        inst.drain <<= drain;
      }
      if (p.output_stationary || cfg.reduce == Reduce::Chain) {
        // The drain and the chain run down the columns, or along the rows when the outputs
        // are reduced across the columns; reduced over both, the chain leaves the bottom of
        // each column for the top of the next (wired below, once that PE exists).
        const bool rowwise = p.out_route == Route::Horizontal;
        if (p.out_route == Route::All && r == 0 && k > 0) {
          continue;
        }
        if (rowwise ? k == 0 : r == 0) {
          inst.psum_in <<= 0;
        } else {
          inst.psum_in <<= rowwise ? pe[r][k - 1].psum_out : pe[r - 1][k].psum_out;
        }
      }
    }
  }

  if (p.out_route == Route::All && cfg.reduce == Reduce::Chain) {
    for (std::size_t k = 1; k < K; ++k) {
      pe[0][k].psum_in <<= pe[R - 1][k - 1].psum_out;
    }
  }

  // The PEs whose partial sums leave through out_i: column i, row i, or (All) every PE in
  // chain order, column by column.
  const auto out_pe = [&](std::size_t i, std::size_t j) -> const PeIO & {
    if (p.out_route == Route::All) {
      return pe[j % R][j / R];
    }
    return p.out_route == Route::Vertical ? pe[j][i] : pe[i][j];
  };
  const std::size_t along = p.out_route == Route::All        ? R * K
                            : p.out_route == Route::Vertical ? R
                                                             : K;
  for (std::size_t k = 0; k < static_cast<std::size_t>(p.out_lanes); ++k) {
    Signal raw;
    if (p.output_stationary || cfg.reduce == Reduce::Chain) {
      raw = out_pe(k, along - 1).psum_out;
    } else {
      // Balanced adder tree over the column (or row), wrapping at acc_width like the chain.
      std::vector<Signal> level;
      for (std::size_t j = 0; j < along; ++j) {
        level.push_back(out_pe(k, j).psum_out);
      }
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
      raw = level[0];
    }
    const Signal out = ports.out[k];
    if (p.output_stationary) {
      out <<= raw;
      continue;
    }
    Signal aligned = delay(raw, p.deskew[k], fmt::format("out{}_deskew", k));
    if (!cfg.edge_accumulate) {
      out <<= aligned;
      continue;
    }
    auto acc = Reg(number(cfg.is_signed, cfg.acc_width), fmt::format("edge_acc_{}", k));
    when(valid, [&] { acc <<= Mux(first_at_edge, aligned, acc.add_wrap(aligned)); });
    out <<= acc;
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

} // namespace hcl::gen
