#include <scheduler/model/model.h>

#include "access_rounding.h"
#include "machine_cycles.h"

#include <scheduler/counts.h>
#include <scheduler/model/banking.h>
#include <scheduler/model/bounds.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hcl::sched {

namespace {

constexpr int K = kMaxDims;

// Flat indices of the per-level scratch: [level][dim] and [level][tensor].
std::size_t at(int level, int d) { return static_cast<std::size_t>(level * K + d); }
std::size_t att(int level, int t) { return static_cast<std::size_t>(level * kMaxTensors + t); }

using detail::access_energy;
using detail::ceil_div;
using detail::ceil_words;

} // namespace

Evaluator::Evaluator(const Problem &problem, const Arch &arch, Mode mode, EvalOptions options)
    : problem_(problem), arch_(arch), mode_(mode), options_(options) {
  if (mode_ == Mode::Interstellar) {
    throw std::invalid_argument("the closed-form model evaluates modes 'timeloop' and 'hcl'; "
                                "'interstellar' uses the Interstellar evaluator (interstellar.h)");
  }
  const std::size_t dims = problem_.dim_names.size();
  if (dims == 0 || dims > static_cast<std::size_t>(kMaxDims) || problem_.bounds.size() != dims) {
    throw std::invalid_argument(fmt::format("problem '{}': needs 1..{} dimensions with one bound "
                                            "each, has {} names and {} bounds",
                                            problem_.name, kMaxDims, dims, problem_.bounds.size()));
  }
  if (problem_.tensors.empty() || problem_.tensors.size() > static_cast<std::size_t>(kMaxTensors)) {
    throw std::invalid_argument(fmt::format("problem '{}': needs 1..{} tensors, has {}",
                                            problem_.name, kMaxTensors, problem_.tensors.size()));
  }
  for (const auto &t : problem_.tensors) {
    for (const auto &rank : t.projection) {
      for (const auto &term : rank) {
        if (term.dim < 0 || term.dim >= static_cast<int>(dims)) {
          throw std::invalid_argument(fmt::format("problem '{}': tensor {} indexes dimension {}, "
                                                  "valid are 0..{}",
                                                  problem_.name, t.name, term.dim, dims - 1));
        }
      }
    }
  }
  if (arch_.levels.empty()) {
    throw std::invalid_argument("arch '" + arch_.name + "' has no storage levels");
  }
  if (arch_.levels.size() > 64) {
    throw std::invalid_argument("arch '" + arch_.name + "' has more than 64 levels");
  }
  for (std::size_t t = 0; t < problem_.tensors.size(); ++t) {
    const auto &spec = problem_.tensors[t];
    auto &ft = flat_[t];
    if (spec.projection.size() > static_cast<std::size_t>(kMaxRanks)) {
      throw std::invalid_argument(fmt::format("tensor {} has {} ranks; the model supports {}",
                                              spec.name, spec.projection.size(), kMaxRanks));
    }
    ft.ranks = static_cast<int>(spec.projection.size());
    ft.read_write = spec.read_write;
    for (std::size_t r = 0; r < spec.projection.size(); ++r) {
      const auto &rank = spec.projection[r];
      if (rank.size() > static_cast<std::size_t>(kMaxTerms)) {
        throw std::invalid_argument(fmt::format("tensor {} rank {} has {} terms; the model "
                                                "supports {}",
                                                spec.name, r, rank.size(), kMaxTerms));
      }
      ft.rank[r].terms = static_cast<int>(rank.size());
      for (std::size_t k = 0; k < rank.size(); ++k) {
        ft.rank[r].dim[k] = rank[k].dim;
        ft.rank[r].coef[k] = rank[k].coef < 0 ? -rank[k].coef : rank[k].coef;
      }
    }
    for (int d = 0; d < static_cast<int>(dims); ++d) {
      ft.relevant[static_cast<std::size_t>(d)] = problem_.relevant(static_cast<int>(t), d);
    }
  }
  const std::size_t L = arch_.levels.size();
  above_.assign(L * K, 1);
  first_above_.assign(L, 0);
  nest_.reserve(64);
  outer_.reserve(64);
  temporal_.assign(L * K, 1);
  spatial_.assign(L * K, 1);
  tile_.assign(L * K, 1);
  fetches_.assign(L * kMaxTensors, 0);
  distinct_.assign(L * kMaxTensors, 0);
  tile_words_.assign(L * kMaxTensors, 0);
  refetch_loop_.assign(L * kMaxTensors, -1);
  parent_spatial_.assign(L * kMaxTensors, 1);
  beats_.assign(L * kMaxTensors, 0);
  port_words_ = machine_port_words(arch_);
  result_.macs = problem_.macs();
  result_.bounds = compute_bounds(problem_, arch_);
  result_.levels.resize(L);
  for (std::size_t i = 0; i < L; ++i) {
    result_.levels[i].name = arch_.levels[i].name;
    result_.levels[i].instances = arch_.instances(static_cast<int>(i));
  }
}

std::int64_t Evaluator::footprint(const FlatTensor &t, const std::int64_t *extent) const {
  std::int64_t words = 1;
  for (int r = 0; r < t.ranks; ++r) {
    const FlatRank &rk = t.rank[static_cast<std::size_t>(r)];
    std::int64_t span = 1;
    for (int k = 0; k < rk.terms; ++k) {
      span +=
          rk.coef[static_cast<std::size_t>(k)] * (extent[rk.dim[static_cast<std::size_t>(k)]] - 1);
    }
    words *= span;
  }
  return words;
}

void Evaluator::check(const Mapping &m) const {
  const int L = static_cast<int>(arch_.levels.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  if (static_cast<int>(m.levels.size()) != L) {
    throw std::invalid_argument(
        fmt::format("mapping has {} levels, arch '{}' has {}", m.levels.size(), arch_.name, L));
  }
  std::array<std::int64_t, K> product{};
  product.fill(1);
  for (int i = 0; i < L; ++i) {
    const auto &lm = m.levels[static_cast<std::size_t>(i)];
    const auto &lvl = arch_.levels[static_cast<std::size_t>(i)];
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &loop : *loops) {
        if (loop.dim < 0 || loop.dim >= D || loop.factor < 1) {
          throw std::invalid_argument(fmt::format("mapping level {}: loop over dimension {} with "
                                                  "factor {} (dimensions are 0..{}, factors >= 1)",
                                                  lvl.name, loop.dim, loop.factor, D - 1));
        }
        auto &p = product[static_cast<std::size_t>(loop.dim)];
        p = saturating_mul(p, loop.factor);
      }
    }
    if (mode_ != Mode::Timeloop && lm.switched()) {
      throw std::invalid_argument(fmt::format(
          "mapping level {}: no_temporal_reuse and no_multicast_no_reduction are Timeloop-mode "
          "switches (--mode timeloop); hcl mode counts the generated accelerator, which reuses "
          "and multicasts wherever the loops allow",
          lvl.name));
    }
    std::int64_t sx = 1, sy = 1;
    for (const auto &loop : lm.spatial_x) {
      sx = saturating_mul(sx, loop.factor);
    }
    for (const auto &loop : lm.spatial_y) {
      sy = saturating_mul(sy, loop.factor);
    }
    if (sx > lvl.fanout_x || sy > lvl.fanout_y) {
      throw std::invalid_argument(fmt::format("mapping level {}: spatial factors {}x{} exceed the "
                                              "mesh {}x{} below it",
                                              lvl.name, sx, sy, lvl.fanout_x, lvl.fanout_y));
    }
    for (int t = 0; t < static_cast<int>(problem_.tensors.size()); ++t) {
      // A level keeps t when both the architecture and the mapping let it (LevelMapping::keep
      // defaults to "may keep", so per-tensor scratchpads need no bypass list in a schedule).
      const bool keep = lm.keep[static_cast<std::size_t>(t)];
      if (!keep && i == L - 1) {
        throw std::invalid_argument(fmt::format("mapping bypasses {} at the backing store {}; it "
                                                "must keep every tensor",
                                                problem_.tensors[static_cast<std::size_t>(t)].name,
                                                lvl.name));
      }
    }
  }
  for (int d = 0; d < D; ++d) {
    if (product[static_cast<std::size_t>(d)] != problem_.bounds[static_cast<std::size_t>(d)]) {
      throw std::invalid_argument(fmt::format(
          "mapping: factors of {} multiply to {}, problem has {}",
          problem_.dim_names[static_cast<std::size_t>(d)], product[static_cast<std::size_t>(d)],
          problem_.bounds[static_cast<std::size_t>(d)]));
    }
  }
}

const Evaluation &Evaluator::evaluate(const Mapping &m) {
  check(m);
  const int T = static_cast<int>(problem_.tensors.size());
  const std::int64_t steps = build_nest(m);
  split_spatial();
  if (mode_ == Mode::Hcl) {
    set_port_lanes();
  }
  for (auto &lr : result_.levels) {
    lr.tensors.fill(std::nullopt);
  }
  for (int t = 0; t < T; ++t) {
    count_tensor(m, t);
  }
  set_cycles(steps);
  set_energy();
  return result_;
}

// The factors per level and dimension, the tiles, and the nest of non-trivial temporal loops
// with its suffix products; returns the product of all temporal factors.
std::int64_t Evaluator::build_nest(const Mapping &m) {
  const int L = static_cast<int>(arch_.levels.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  std::fill(temporal_.begin(), temporal_.end(), 1);
  std::fill(spatial_.begin(), spatial_.end(), 1);
  nest_.clear();
  for (int i = 0; i < L; ++i) {
    const auto &lm = m.levels[static_cast<std::size_t>(i)];
    for (const auto &l : lm.temporal) {
      temporal_[at(i, l.dim)] *= l.factor;
      if (l.factor > 1) {
        nest_.push_back({i, l.dim, l.factor});
      }
    }
    std::int64_t sp = 1;
    for (const auto *loops : {&lm.spatial_x, &lm.spatial_y}) {
      for (const auto &l : *loops) {
        spatial_[at(i, l.dim)] *= l.factor;
        sp *= l.factor;
      }
    }
    sp_total_[static_cast<std::size_t>(i)] = sp;
    for (int d = 0; d < D; ++d) {
      const std::int64_t below = i == 0 ? 1 : tile_[at(i - 1, d)];
      tile_[at(i, d)] = below * temporal_[at(i, d)] * spatial_[at(i, d)];
    }
  }
  const int N = static_cast<int>(nest_.size());
  outer_.resize(static_cast<std::size_t>(N));
  std::int64_t steps = 1;
  for (int k = N - 1; k >= 0; --k) {
    outer_[static_cast<std::size_t>(k)] = steps;
    steps *= nest_[static_cast<std::size_t>(k)].factor;
  }
  for (int i = 0, k = 0; i < L; ++i) {
    while (k < N && nest_[static_cast<std::size_t>(k)].level <= i) {
      ++k;
    }
    first_above_[static_cast<std::size_t>(i)] = k;
  }
  for (int d = 0; d < D; ++d) {
    above_[at(L - 1, d)] = 1;
  }
  for (int i = L - 2; i >= 0; --i) {
    for (int d = 0; d < D; ++d) {
      above_[at(i, d)] = above_[at(i + 1, d)] * temporal_[at(i + 1, d)];
    }
  }
  return steps;
}

// Each level's spatial fan-out split by relevance to each tensor (multicast / reduction), and
// the utilized instances of each level: the spatial factors of every level above it.
void Evaluator::split_spatial() {
  const int L = static_cast<int>(arch_.levels.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  const int T = static_cast<int>(problem_.tensors.size());
  for (int i = 0; i < L; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    for (int t = 0; t < T; ++t) {
      std::int64_t rel = 1, irr = 1;
      if (sp_total_[iu] > 1) {
        for (int d = 0; d < D; ++d) {
          (flat_[static_cast<std::size_t>(t)].relevant[static_cast<std::size_t>(d)] ? rel : irr) *=
              spatial_[at(i, d)];
        }
      }
      sp_rel_[iu][static_cast<std::size_t>(t)] = rel;
      sp_irr_[iu][static_cast<std::size_t>(t)] = irr;
    }
  }
  uinst_[static_cast<std::size_t>(L - 1)] = 1;
  for (int i = L - 2; i >= 0; --i) {
    const auto iu = static_cast<std::size_t>(i);
    uinst_[iu] = uinst_[iu + 1] * sp_total_[iu + 1];
  }
}

// Hcl mode's memory port moves a tile in beats of distinct lanes: a buffer above a mesh has
// one bank per distinct relevant lane below it (lanes_in_); a per-PE store below a mesh is
// loaded one PE row per beat, a row being its lanes along the dimensions the partial sums
// are spread over (sp_row_: relevant to t and to the read-write tensor). Axis-blind, so
// mirrored spatial choices still cost the same (space.h, repeats_earlier_cost).
void Evaluator::set_port_lanes() {
  const int L = static_cast<int>(arch_.levels.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  const int T = static_cast<int>(problem_.tensors.size());
  int rw = -1;
  for (int t = 0; t < T && rw < 0; ++t) {
    rw = problem_.tensors[static_cast<std::size_t>(t)].read_write ? t : -1;
  }
  for (int i = 0; i < L; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    for (int t = 0; t < T; ++t) {
      const auto tu = static_cast<std::size_t>(t);
      std::int64_t row = 1;
      for (int d = 0; d < D && sp_total_[iu] > 1; ++d) {
        const auto du = static_cast<std::size_t>(d);
        if (flat_[tu].relevant[du] &&
            (rw < 0 || flat_[static_cast<std::size_t>(rw)].relevant[du])) {
          row *= spatial_[at(i, d)];
        }
      }
      sp_row_[iu][tu] = row;
      lanes_in_[iu][tu] = (i == 0 ? 1 : lanes_in_[iu - 1][tu]) * sp_rel_[iu][tu];
    }
  }
}

// Operand latching: only when the innermost loop of the nest is spatial, the run of irrelevant
// temporal loops right above it keeps t in the MAC's operand register.
std::int64_t Evaluator::latch_of(int t) const {
  std::int64_t latch = 1;
  if (sp_total_[0] > 1) {
    for (const auto &l : nest_) {
      if (flat_[static_cast<std::size_t>(t)].relevant[static_cast<std::size_t>(l.dim)]) {
        break;
      }
      latch *= l.factor;
    }
  }
  return latch;
}

// Tiles of t at level i in the order the temporal loops above produce them: stationary across
// the innermost irrelevant loops and fetched whole whenever a relevant loop steps, except that
// in Timeloop mode a relevant loop that is the first non-trivial loop above the level slides,
// bringing only the words its step uncovers (Timeloop keeps the previous tile as long as the
// tile moves by the same translation; an irrelevant step between two slides moves it by 0 and
// resets that). The step of the sliding loop moves the tile by its weight: the tile's extent
// times the spatial factors between the level and the loop. `refetch_loop` gets the nest_
// index of the innermost relevant loop, -1 if the tile is fetched once.
std::int64_t Evaluator::fetches_of(int t, int i, std::int64_t words, int &refetch_loop) const {
  const FlatTensor &ft = flat_[static_cast<std::size_t>(t)];
  refetch_loop = -1;
  if (i == static_cast<int>(arch_.levels.size()) - 1) {
    return words;
  }
  const int N = static_cast<int>(nest_.size());
  const int first = first_above_[static_cast<std::size_t>(i)];
  for (int k = first; k < N; ++k) {
    const NestLoop &l = nest_[static_cast<std::size_t>(k)];
    if (!ft.relevant[static_cast<std::size_t>(l.dim)]) {
      continue;
    }
    refetch_loop = k;
    const std::int64_t whole = outer_[static_cast<std::size_t>(k)] * l.factor * words;
    if (!credits_halo(mode_) || k != first) {
      return whole;
    }
    const std::int64_t overlap = slide_overlap(ft, i, l);
    return outer_[static_cast<std::size_t>(k)] * (words + (l.factor - 1) * (words - overlap));
  }
  return words;
}

// Words a tile of level i keeps when loop l (the first non-trivial loop above i) steps once.
std::int64_t Evaluator::slide_overlap(const FlatTensor &ft, int i, const NestLoop &l) const {
  const std::int64_t *tile = &tile_[at(i, 0)];
  const std::int64_t weight = tile_[at(l.level - 1, l.dim)] * spatial_[at(l.level, l.dim)];
  std::int64_t overlap = 1;
  for (int rr = 0; rr < ft.ranks; ++rr) {
    const FlatRank &rk = ft.rank[static_cast<std::size_t>(rr)];
    std::int64_t span = 1, shift = 0;
    for (int q = 0; q < rk.terms; ++q) {
      const std::int64_t c = rk.coef[static_cast<std::size_t>(q)];
      const int dd = rk.dim[static_cast<std::size_t>(q)];
      span += c * (tile[dd] - 1);
      if (dd == l.dim) {
        shift += c * weight;
      }
    }
    overlap *= std::max<std::int64_t>(0, span - shift);
  }
  return overlap;
}

// Iterations of all the temporal loops above level i.
std::int64_t Evaluator::iterations_above(int i) const {
  const int first = first_above_[static_cast<std::size_t>(i)];
  return first < static_cast<int>(nest_.size()) ? outer_[static_cast<std::size_t>(first)] *
                                                      nest_[static_cast<std::size_t>(first)].factor
                                                : 1;
}

// Every keeper level's counts of t, innermost first.
void Evaluator::count_tensor(const Mapping &m, int t) {
  const int L = static_cast<int>(arch_.levels.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  const FlatTensor &ft = flat_[static_cast<std::size_t>(t)];
  const std::int64_t latch = latch_of(t);
  int child = -1;
  for (int i = 0; i < L; ++i) {
    const auto iu = static_cast<std::size_t>(i);
    const bool keeps = i == L - 1 || (arch_.levels[iu].keeps[static_cast<std::size_t>(t)] &&
                                      m.levels[iu].keep[static_cast<std::size_t>(t)]);
    if (!keeps) {
      continue;
    }
    const std::int64_t *tile = &tile_[at(i, 0)];
    const std::int64_t words = footprint(ft, tile);
    std::array<std::int64_t, K> region;
    for (int d = 0; d < D; ++d) {
      region[static_cast<std::size_t>(d)] = tile[d] * above_[at(i, d)];
    }
    const std::int64_t distinct = footprint(ft, region.data());
    int refetch_loop = -1;
    std::int64_t fetches = fetches_of(t, i, words, refetch_loop);
    if (m.levels[iu].no_temporal_reuse[static_cast<std::size_t>(t)]) {
      fetches = words * iterations_above(i); // Timeloop keeps nothing from one to the next
    }
    fetches_[att(i, t)] = fetches;
    distinct_[att(i, t)] = distinct;
    tile_words_[att(i, t)] = words;
    refetch_loop_[att(i, t)] = refetch_loop;

    TensorCounts c;
    const Level &lvl = arch_.levels[iu];
    const std::int64_t held = lvl.bank_axes[static_cast<std::size_t>(t)] == 0
                                  ? words
                                  : held_words(problem_, t, tile, banking_of(arch_, m, i, t));
    c.utilized_capacity = (mode_ == Mode::Hcl && lvl.double_buffered) ? 2 * held : held;
    c.utilized_instances = uinst_[iu];
    if (i < L - 1) {
      c.fills = (ft.read_write && !options_.legacy_first_fill) ? fetches - distinct : fetches;
    }
    if (child < 0) {
      count_mac_side(m, t, i, latch, c);
    } else {
      count_parent(m, t, child, i, c);
    }
    c.energy_pj = static_cast<double>(c.utilized_instances) *
                  (access_energy(c.reads, lvl.block_size, lvl.read_energy_pj) +
                   access_energy(c.fills, lvl.block_size, lvl.write_energy_pj) +
                   access_energy(c.updates, lvl.block_size, lvl.update_energy_pj));
    result_.levels[iu].tensors[static_cast<std::size_t>(t)] = c;
    child = i;
  }
}

// The MACs below t's innermost keeper i: each one consumes every operand once per MAC, minus
// multicast across irrelevant spatial loops and latching; partial sums are read except at
// first touch.
void Evaluator::count_mac_side(const Mapping &m, int t, int i, std::int64_t latch,
                               TensorCounts &c) const {
  const auto tu = static_cast<std::size_t>(t);
  std::int64_t irrelevant_spatial = 1; // MACs one access serves (none without multicast)
  for (int j = 0; j <= i; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    irrelevant_spatial *= m.levels[ju].no_multicast[tu] ? 1 : sp_irr_[ju][tu];
  }
  const std::int64_t n =
      result_.macs / (uinst_[static_cast<std::size_t>(i)] * irrelevant_spatial * latch);
  if (flat_[static_cast<std::size_t>(t)].read_write) {
    c.updates = n;
    c.reads = n - distinct_[att(i, t)];
  } else {
    c.reads = n;
  }
}

// Level i serves the fetches of t's next keeper below it, `child`, once per relevant spatial
// instance in between; in hcl mode that sets the child's memory-port beats.
void Evaluator::count_parent(const Mapping &m, int t, int child, int i, TensorCounts &c) {
  const auto tu = static_cast<std::size_t>(t);
  const bool rw = flat_[tu].read_write;
  // Served: the child instances the parent sends to (or takes from) one by one; without
  // multicast and reduction at a fan-out, also those over dimensions irrelevant to t.
  std::int64_t relevant_spatial = 1, served = 1;
  for (int j = child + 1; j <= i; ++j) {
    const auto ju = static_cast<std::size_t>(j);
    relevant_spatial *= sp_rel_[ju][tu];
    served *= sp_rel_[ju][tu] * (m.levels[ju].no_multicast[tu] ? sp_irr_[ju][tu] : 1);
  }
  const std::int64_t child_fetches = fetches_[att(child, t)];
  const std::int64_t child_first = rw ? distinct_[att(child, t)] : 0;
  // A first touch is elided once per word, however many children add into it.
  c.reads = child_fetches * served - child_first * relevant_spatial;
  if (rw) {
    c.updates = child_fetches * served;
  }
  parent_spatial_[att(child, t)] = relevant_spatial;
  if (mode_ != Mode::Hcl) {
    return;
  }
  std::int64_t lanes = lanes_in_[static_cast<std::size_t>(child)][static_cast<std::size_t>(t)];
  if (relevant_spatial > 1) {
    lanes = 1;
    for (int j = child + 1; j <= i; ++j) {
      lanes *= sp_row_[static_cast<std::size_t>(j)][static_cast<std::size_t>(t)];
    }
  }
  const std::int64_t moved = tile_words_[att(child, t)] * relevant_spatial;
  beats_[att(child, t)] = detail::port_beats(moved, lanes, port_words_);
}

// Timeloop mode: the MAC array's steady state, or a level's ports if they are slower. Hcl
// mode: the sequential tile machine (hcl_cycles); the ports' cycles are kept as information
// only.
void Evaluator::set_cycles(std::int64_t steps) {
  Evaluation &r = result_;
  const int L = static_cast<int>(arch_.levels.size());
  r.compute_cycles = ceil_div(r.macs, uinst_[0] * sp_total_[0]);
  std::int64_t cycles = r.compute_cycles;
  for (int i = 0; i < L; ++i) {
    const Level &lvl = arch_.levels[static_cast<std::size_t>(i)];
    LevelResult &lr = r.levels[static_cast<std::size_t>(i)];
    std::int64_t reads = 0, writes = 0;
    for (const auto &c : lr.tensors) {
      if (c) {
        reads += c->reads;
        writes += c->fills + c->updates;
      }
    }
    std::int64_t bw = 0;
    if (lvl.read_bandwidth > 0) {
      bw = std::max(bw, ceil_words(static_cast<double>(reads), lvl.read_bandwidth));
    }
    if (lvl.write_bandwidth > 0) {
      bw = std::max(bw, ceil_words(static_cast<double>(writes), lvl.write_bandwidth));
    }
    lr.bandwidth_cycles = bw;
    cycles = std::max(cycles, bw);
  }
  r.cycles = mode_ == Mode::Hcl ? hcl_cycles(steps) : cycles;
  r.utilization = static_cast<double>(r.macs) /
                  (static_cast<double>(r.cycles) * static_cast<double>(arch_.total_macs()));
}

void Evaluator::set_energy() {
  Evaluation &r = result_;
  const int L = static_cast<int>(arch_.levels.size());
  r.mac_energy_pj = static_cast<double>(r.macs) * arch_.mac_energy_pj;
  r.energy_pj = r.mac_energy_pj;
  for (int i = 0; i < L; ++i) {
    LevelResult &lr = r.levels[static_cast<std::size_t>(i)];
    lr.leak_energy_pj = arch_.levels[static_cast<std::size_t>(i)].leak_energy_pj *
                        static_cast<double>(r.cycles) * static_cast<double>(lr.instances);
    r.energy_pj += lr.leak_energy_pj;
    for (const auto &c : lr.tensors) {
      if (c) {
        r.energy_pj += c->energy_pj;
      }
    }
  }
  r.backing_words = 0;
  for (const auto &c : r.levels[static_cast<std::size_t>(L - 1)].tensors) {
    if (c) {
      r.backing_words += (c->reads + c->updates) * c->utilized_instances;
    }
  }
}

std::int64_t Evaluator::hcl_cycles(std::int64_t steps) const {
  // The sequential tile machine (docs/cost-model.md, "hcl mode"): after `start`, each transfer
  // event drains the array's pipeline, then every tile that changes is written back (partial
  // sums) and refilled, one memory-port beat per cycle (beats_), each transfer followed by its
  // tail; then the array steps until the next event. A level's tile of t changes when the innermost
  // loop above it that is relevant to t (refetch_loop_), or any loop outside that one, steps, so
  // the events are the iterations of the nest from the innermost such loop over all pairs outward.
  const MachineTiming &mt = arch_.machine;
  const int L = static_cast<int>(arch_.levels.size());
  const int N = static_cast<int>(nest_.size());
  const int D = static_cast<int>(problem_.dim_names.size());
  int kmin = N;
  std::int64_t transfers = 0;
  bool prefetch = false;
  for (int c = 0; c < L - 1; ++c) {
    prefetch = prefetch || arch_.levels[static_cast<std::size_t>(c)].double_buffered;
  }
  // Per-thread scratch: evaluations allocate nothing after a thread's first.
  thread_local std::vector<MachinePair> pairs;
  pairs.clear();
  int rw_tensor = -1;
  for (int c = 0; c < L - 1; ++c) {
    for (int t = 0; t < static_cast<int>(problem_.tensors.size()); ++t) {
      if (!result_.levels[static_cast<std::size_t>(c)].tensors[static_cast<std::size_t>(t)]) {
        continue;
      }
      const auto ct = static_cast<std::size_t>(c * kMaxTensors + t);
      const FlatTensor &ft = flat_[static_cast<std::size_t>(t)];
      const std::int64_t words = tile_words_[ct];
      const std::int64_t brought = fetches_[ct] / words; // B: tiles brought in (no halo credit)
      // Tile positions: the first visit of each is never fetched (a partial-sum tile starts at 0).
      std::int64_t positions = 1;
      for (int d = 0; d < D; ++d) {
        if (ft.relevant[static_cast<std::size_t>(d)]) {
          positions *= above_[static_cast<std::size_t>(c * K + d)];
        }
      }
      const std::int64_t beats = beats_[ct]; // P words, in beats of the memory port
      transfers += pair_transfer_cycles(mt, ft.read_write, brought, positions, beats);
      if (ft.read_write) {
        rw_tensor = rw_tensor < 0 ? t : rw_tensor;
      }
      if (refetch_loop_[ct] >= 0) {
        kmin = std::min(kmin, refetch_loop_[ct]);
      }
      if (prefetch) {
        pairs.push_back({refetch_loop_[ct], ft.read_write,
                         arch_.levels[static_cast<std::size_t>(c)].double_buffered,
                         fill_cycles(mt, beats), writeback_cycles(mt, beats)});
      }
    }
  }
  if (prefetch) {
    // First touches follow the (one) read-write tensor's relevance; the conv family has one.
    thread_local std::vector<std::int64_t> factor;
    thread_local std::vector<char> rw_relevant;
    factor.resize(static_cast<std::size_t>(N));
    rw_relevant.resize(static_cast<std::size_t>(N));
    for (int k = 0; k < N; ++k) {
      const NestLoop &l = nest_[static_cast<std::size_t>(k)];
      factor[static_cast<std::size_t>(k)] = l.factor;
      rw_relevant[static_cast<std::size_t>(k)] = static_cast<char>(
          rw_tensor >= 0 &&
          flat_[static_cast<std::size_t>(rw_tensor)].relevant[static_cast<std::size_t>(l.dim)]);
    }
    return prefetch_machine_cycles(mt, {N, factor.data(), rw_relevant.data()}, pairs.data(),
                                   static_cast<int>(pairs.size()), steps);
  }
  const std::int64_t events = kmin < N ? outer_[static_cast<std::size_t>(kmin)] *
                                             nest_[static_cast<std::size_t>(kmin)].factor
                                       : 1;
  return mt.start + events * mt.drain + steps + transfers;
}

Evaluation evaluate(const Problem &problem, const Arch &arch, const Mapping &mapping, Mode mode,
                    EvalOptions options) {
  Evaluator e(problem, arch, mode, options);
  return e.evaluate(mapping);
}

} // namespace hcl::sched
