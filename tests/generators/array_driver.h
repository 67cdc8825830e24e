// A generic co-simulation driver for the array generator: runs ANY valid loop mapping through a
// convolution on random data and compares the outputs with a plain C++ reference convolution.
//
// The driver knows the convolution, not the array: it decomposes a PE's row/column into the
// unrolled loops' indices (outer loop first, as row_loops/col_loops list them), adds the
// temporal loop indices of the current iteration, and feeds each lane the tensor element that
// the PEs on that lane need. Before it feeds a lane it checks, for EVERY PE the plan routes to
// that lane, that the PE needs that very element — so a wrong route, lane index or relevance
// rule fails here even before Verilator runs; Verilator then checks wiring, skew and timing.
#pragma once

#include "harness.h"

#include <generators/array.h>

#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace array_test {

using hcl::gen::ArrayConfig;
using hcl::gen::ArrayPlan;
using hcl::gen::Loop;
using hcl::gen::Route;

constexpr std::size_t kLoops = 7;
using Idx = std::array<int, kLoops>; // one index per loop, in enum order N K C Y X FY FX

inline std::size_t li(Loop l) { return static_cast<std::size_t>(l); }

// The convolution O[n][k][y][x] += W[k][c][fy][fx] * I[n][c][y+fy][x+fx] with its loop bounds
// and the loops iterated in time (outer first). Loops unrolled on the array take their bound
// from the array (set by run_mapping); every other loop is temporal or has bound 1.
struct Problem {
  Idx size{1, 1, 1, 1, 1, 1, 1};
  std::vector<Loop> temporal;
  int operator[](Loop l) const { return size[li(l)]; }
};

struct Conv {
  Problem pb;
  bool is_signed = true;
  std::vector<std::int64_t> w, in, out;

  int h() const { return pb[Loop::Y] + pb[Loop::FY] - 1; }
  int wd() const { return pb[Loop::X] + pb[Loop::FX] - 1; }
  std::size_t w_at(const Idx &i) const {
    return static_cast<std::size_t>(
        ((i[li(Loop::K)] * pb[Loop::C] + i[li(Loop::C)]) * pb[Loop::FY] + i[li(Loop::FY)]) *
            pb[Loop::FX] +
        i[li(Loop::FX)]);
  }
  std::size_t in_at(const Idx &i) const {
    return static_cast<std::size_t>(
        ((i[li(Loop::N)] * pb[Loop::C] + i[li(Loop::C)]) * h() + i[li(Loop::Y)] + i[li(Loop::FY)]) *
            wd() +
        i[li(Loop::X)] + i[li(Loop::FX)]);
  }
  std::size_t out_at(const Idx &i) const {
    return static_cast<std::size_t>(
        ((i[li(Loop::N)] * pb[Loop::K] + i[li(Loop::K)]) * pb[Loop::Y] + i[li(Loop::Y)]) *
            pb[Loop::X] +
        i[li(Loop::X)]);
  }
};

// Random operands and the reference result: the seven-loop nest, wrapped at acc_width.
inline Conv reference_conv(const Problem &pb, const ArrayConfig &c, std::uint64_t seed) {
  Conv cv{pb, c.is_signed, {}, {}, {}};
  std::mt19937_64 rng(seed);
  cv.w.resize(static_cast<std::size_t>(pb[Loop::K] * pb[Loop::C] * pb[Loop::FY] * pb[Loop::FX]));
  cv.in.resize(static_cast<std::size_t>(pb[Loop::N] * pb[Loop::C] * cv.h() * cv.wd()));
  cv.out.assign(static_cast<std::size_t>(pb[Loop::N] * pb[Loop::K] * pb[Loop::Y] * pb[Loop::X]), 0);
  for (auto &v : cv.w)
    v = gen_test::value(rng(), c.weight_width, c.is_signed);
  for (auto &v : cv.in)
    v = gen_test::value(rng(), c.data_width, c.is_signed);
  Idx i{};
  for (i[0] = 0; i[0] < pb.size[0]; ++i[0])
    for (i[1] = 0; i[1] < pb.size[1]; ++i[1])
      for (i[2] = 0; i[2] < pb.size[2]; ++i[2])
        for (i[3] = 0; i[3] < pb.size[3]; ++i[3])
          for (i[4] = 0; i[4] < pb.size[4]; ++i[4])
            for (i[5] = 0; i[5] < pb.size[5]; ++i[5])
              for (i[6] = 0; i[6] < pb.size[6]; ++i[6])
                cv.out[cv.out_at(i)] += cv.w[cv.w_at(i)] * cv.in[cv.in_at(i)];
  for (auto &v : cv.out)
    v = gen_test::wrap(v, c.acc_width, c.is_signed);
  return cv;
}

inline bool reduces(Loop l) { return l == Loop::C || l == Loop::FY || l == Loop::FX; }

// Index of the loops unrolled on a dimension at position `pos` (outer loop first).
inline void decompose(const std::vector<hcl::gen::LoopDim> &loops, const std::vector<int> &sizes,
                      int pos, Idx &out) {
  for (std::size_t j = loops.size(); j-- > 0;) {
    out[li(loops[j].loop)] = pos % sizes[j];
    pos /= sizes[j];
  }
}

// Runs `pb` on the point `prefix` of `sim` and REQUIREs every output to match the reference.
// Preconditions (checked): the stationary operand does not depend on a temporal loop; with
// reduced outputs, temporal reduction loops are innermost and need edge_accumulate; with
// output-stationary PEs every temporal loop is a reduction loop.
inline void run_mapping(hcl::flows::Simulator &sim, const std::string &prefix, const ArrayConfig &c,
                        Problem pb, std::uint64_t seed) {
  const ArrayPlan plan = hcl::gen::plan_array(c);
  const std::string p = prefix + "_";
  const int R = c.rows, K = c.cols;
  for (std::size_t j = 0; j < c.row_loops.size(); ++j)
    pb.size[li(c.row_loops[j].loop)] = plan.row_index_sizes[j];
  for (std::size_t j = 0; j < c.col_loops.size(); ++j)
    pb.size[li(c.col_loops[j].loop)] = plan.col_index_sizes[j];
  const Conv cv = reference_conv(pb, c, seed);

  // Preconditions: each loop is spatial, temporal or of bound 1, exactly once.
  std::array<int, kLoops> placed{};
  for (const auto &l : c.row_loops)
    ++placed[li(l.loop)];
  for (const auto &l : c.col_loops)
    ++placed[li(l.loop)];
  bool seen_reduction = false;
  for (Loop l : pb.temporal) {
    ++placed[li(l)];
    if (plan.output_stationary) {
      REQUIRE(reduces(l));
    } else if (reduces(l)) {
      REQUIRE(c.edge_accumulate);
      seen_reduction = true;
    } else {
      REQUIRE_FALSE(seen_reduction); // reductions innermost: one output group per `last`
    }
    if (plan.w.route == Route::Load)
      REQUIRE_FALSE((l == Loop::K || reduces(l)));
    if (plan.x.route == Route::Load)
      REQUIRE(l == Loop::K);
  }
  for (std::size_t l = 0; l < kLoops; ++l)
    REQUIRE((placed[l] == 1 || (placed[l] == 0 && pb.size[l] == 1)));

  const auto pe_index = [&](int r, int k, const Idx &t) {
    Idx i = t;
    decompose(c.row_loops, plan.row_index_sizes, r, i);
    decompose(c.col_loops, plan.col_index_sizes, k, i);
    return i;
  };
  std::vector<Idx> iters; // the temporal nest, outer loop first
  {
    Idx t{};
    const std::function<void(std::size_t)> nest = [&](std::size_t d) {
      if (d == pb.temporal.size()) {
        iters.push_back(t);
        return;
      }
      for (int v = 0; v < pb[pb.temporal[d]]; ++v) {
        t[li(pb.temporal[d])] = v;
        nest(d + 1);
      }
    };
    nest(0);
  }

  // The values of an operand's lanes at iteration t, checked against every PE they reach.
  const auto lanes = [&](const hcl::gen::OperandPlan &op, bool input, const Idx &t) {
    const auto elem = [&](const Idx &i) { return input ? cv.in[cv.in_at(i)] : cv.w[cv.w_at(i)]; };
    std::vector<std::int64_t> v(static_cast<std::size_t>(op.lanes));
    std::vector<bool> set(v.size(), false);
    for (int r = 0; r < R; ++r)
      for (int k = 0; k < K; ++k) {
        const auto lane = static_cast<std::size_t>(op.lane(r, k));
        REQUIRE(lane < v.size());
        const std::int64_t need = elem(pe_index(r, k, t));
        if (!set[lane]) {
          v[lane] = need;
          set[lane] = true;
        }
        INFO((input ? "input" : "weight") << " lane " << lane << " PE " << r << "," << k);
        REQUIRE(v[lane] == need); // every PE on a shared lane needs the same element
      }
    return v;
  };
  const auto poke_lanes = [&](const char *name, const std::vector<std::int64_t> &v, int width) {
    for (std::size_t i = 0; i < v.size(); ++i)
      sim.poke(p + name + std::to_string(i), gen_test::mask(v[i], width));
  };

  sim.reset(2);
  for (const auto &port : sim.ports())
    if (!port.output && port.name.rfind(p, 0) == 0)
      sim.poke(port.name, 0);
  std::vector<std::vector<std::int64_t>> got;
  const auto step = [&] {
    sim.step();
    if (!plan.output_stationary && sim.peek(p + "out_valid")) {
      std::vector<std::int64_t> row;
      for (int i = 0; i < plan.out_lanes; ++i)
        row.push_back(
            gen_test::value(sim.peek(p + "out_" + std::to_string(i)), c.acc_width, c.is_signed));
      got.push_back(row);
    }
  };

  // The stationary operand loads down each column, bottom row first, then swaps in.
  const bool x_load = plan.x.route == Route::Load, w_load = plan.w.route == Route::Load;
  if (x_load || w_load) {
    for (int j = 0; j < R; ++j) {
      sim.poke(p + "load", 1);
      for (int k = 0; k < K; ++k) {
        const Idx i = pe_index(R - 1 - j, k, iters.front());
        sim.poke(p + (x_load ? "x_" : "w_") + std::to_string(k),
                 x_load ? gen_test::mask(cv.in[cv.in_at(i)], c.data_width)
                        : gen_test::mask(cv.w[cv.w_at(i)], c.weight_width));
      }
      step();
    }
    sim.poke(p + "load", 0);
    if (c.double_buffer) {
      sim.poke(p + "swap", 1);
      step();
      sim.poke(p + "swap", 0);
    }
  }

  std::vector<std::vector<std::int64_t>> want; // one row of out lanes per group
  for (const Idx &t : iters) {
    bool first = true, last = true;
    for (Loop l : pb.temporal)
      if (reduces(l)) {
        first = first && t[li(l)] == 0;
        last = last && t[li(l)] == pb[l] - 1;
      }
    if (!x_load)
      poke_lanes("x_", lanes(plan.x, true, t), c.data_width);
    if (!w_load)
      poke_lanes("w_", lanes(plan.w, false, t), c.weight_width);
    sim.poke(p + "en", 1);
    if (c.edge_accumulate && !plan.output_stationary) {
      sim.poke(p + "first", first);
      sim.poke(p + "last", last);
    }
    if (!plan.output_stationary && last) {
      // out_i sums column i (Vertical), row i (Horizontal) or every PE (All); each of those
      // PEs must contribute to the same output element.
      std::vector<std::int64_t> row(static_cast<std::size_t>(plan.out_lanes));
      std::vector<int> owner(row.size(), -1);
      for (int r = 0; r < R; ++r)
        for (int k = 0; k < K; ++k) {
          const int lane = plan.out_route == Route::Vertical     ? k
                           : plan.out_route == Route::Horizontal ? r
                                                                 : 0;
          REQUIRE(lane < plan.out_lanes);
          const auto o = static_cast<int>(cv.out_at(pe_index(r, k, t)));
          const auto li_ = static_cast<std::size_t>(lane);
          if (owner[li_] < 0)
            owner[li_] = o;
          INFO("output lane " << lane << " PE " << r << "," << k);
          REQUIRE(owner[li_] == o);
          row[li_] = cv.out[static_cast<std::size_t>(o)];
        }
      want.push_back(row);
    }
    step();
  }
  sim.poke(p + "en", 0);

  if (!plan.output_stationary) {
    for (int i = 0; i < plan.latency + 2; ++i)
      step();
    REQUIRE(got.size() == want.size());
    for (std::size_t g = 0; g < want.size(); ++g)
      for (std::size_t i = 0; i < want[g].size(); ++i) {
        INFO(prefix << ": output group " << g << " lane " << i);
        REQUIRE(got[g][i] == want[g][i]);
      }
    return;
  }
  sim.step(static_cast<std::uint64_t>(plan.drain_wait));
  for (int j = 0; j < R; ++j) { // the drain shows the bottom row first
    for (int k = 0; k < K; ++k) {
      INFO(prefix << ": drained PE " << R - 1 - j << "," << k);
      REQUIRE(gen_test::value(sim.peek(p + "out_" + std::to_string(k)), c.acc_width, c.is_signed) ==
              cv.out[cv.out_at(pe_index(R - 1 - j, k, Idx{}))]);
    }
    sim.poke(p + "drain", 1);
    sim.step();
    sim.poke(p + "drain", 0);
  }
}

} // namespace array_test
