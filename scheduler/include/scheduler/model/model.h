// The closed-form analytical cost model (docs/cost-model.md). Evaluation is O(levels x loops)
// per tensor: tile sequences are counted with products over the loop nest, never iterated.
//
// Contract: the mapping must have one LevelMapping per Arch level, the temporal and spatial
// factors of every dimension must multiply to its bound, spatial factors must fit the mesh of
// their level and the backing store (last level) must keep every tensor. Violations throw
// std::invalid_argument naming the level and dimension. A level keeps a tensor when its Arch
// level and its LevelMapping both allow it. Capacity is NOT checked here (see validate.h): an
// over-full tile is reported with its utilized capacity, so searches can rank it instead of
// crashing.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/problem.h>

namespace hcl::sched {

struct EvalOptions {
  // Timeloop before v0.4 (2021 "legacy" references) counted the first, zero-valued fill of a
  // partial-sum tile as a fill at the child (the parent still did not read for it).
  bool legacy_first_fill = false;
};

// A reusable evaluator: all scratch space is sized once for the problem and architecture, so
// evaluate() does not allocate. Not thread-safe; use one per thread.
class Evaluator {
public:
  Evaluator(const Problem &problem, const Arch &arch, Mode mode = Mode::Hcl,
            EvalOptions options = {});
  // The returned reference stays valid until the next call.
  const Evaluation &evaluate(const Mapping &mapping);

  const Problem &problem() const { return problem_; }
  const Arch &arch() const { return arch_; }
  Mode mode() const { return mode_; }

private:
  void check(const Mapping &mapping) const;

  // Projections flattened into fixed arrays, so footprints need no pointer chasing.
  static constexpr int kMaxRanks = 8;
  static constexpr int kMaxTerms = 4;
  struct FlatRank {
    int terms = 0;
    std::array<int, kMaxTerms> dim{};
    std::array<std::int64_t, kMaxTerms> coef{}; // absolute values
  };
  struct FlatTensor {
    int ranks = 0;
    std::array<FlatRank, kMaxRanks> rank{};
    std::array<bool, kMaxDims> relevant{};
    bool read_write = false;
  };
  std::int64_t footprint(const FlatTensor &t, const std::int64_t *extent) const;
  // A non-trivial temporal loop of the whole nest, innermost first.
  struct NestLoop {
    int level;
    int dim;
    std::int64_t factor;
  };

  Problem problem_;
  Arch arch_;
  std::array<FlatTensor, kMaxTensors> flat_{};
  std::vector<NestLoop> nest_;      // capacity reserved; cleared per evaluation
  std::vector<std::int64_t> outer_; // outer_[k] = product of nest_ factors after k
  std::vector<int> first_above_;    // first nest_ index with level > i
  std::vector<std::int64_t> above_; // [level * kMaxDims + dim]: temporal product above
  Mode mode_;
  EvalOptions options_;
  Evaluation result_;
  // Per-level scratch, flattened [level * kMaxDims + dim].
  std::vector<std::int64_t> temporal_;
  std::vector<std::int64_t> spatial_;
  std::vector<std::int64_t> tile_;
  std::vector<std::int64_t> fetches_;    // [level * kMaxTensors + t]
  std::vector<std::int64_t> distinct_;   // [level * kMaxTensors + t]
  std::vector<std::int64_t> tile_words_; // [level * kMaxTensors + t], one tile
  // [level * kMaxTensors + t]: nest_ index of the innermost loop above the level relevant to t
  // (-1: none), and the spatial factors relevant to t between the level and t's next keeper.
  std::vector<int> refetch_loop_;
  std::vector<std::int64_t> parent_spatial_;
  // [level * kMaxTensors + t], hcl mode: memory-port beats of one transfer of the tile, each
  // up to port_words_ words of distinct lanes (docs/cost-model.md, "hcl mode").
  std::vector<std::int64_t> beats_;
  std::int64_t port_words_ = 1;
  // Per [level] (and [tensor]): the product of a level's spatial factors, split into those
  // relevant and irrelevant to t; utilized instances; hcl mode's PE row and buffer lanes.
  using PerLevel = std::array<std::int64_t, 64>;
  using PerLevelTensor = std::array<std::array<std::int64_t, kMaxTensors>, 64>;
  PerLevel sp_total_{}, uinst_{};
  PerLevelTensor sp_rel_{}, sp_irr_{}, sp_row_{}, lanes_in_{};

  // The steps of evaluate(), each on the scratch the ones before it filled.
  std::int64_t build_nest(const Mapping &m);
  void split_spatial();
  void set_port_lanes();
  std::int64_t latch_of(int t) const;
  std::int64_t fetches_of(int t, int i, std::int64_t words, int &refetch_loop) const;
  std::int64_t slide_overlap(const FlatTensor &ft, int i, const NestLoop &l) const;
  std::int64_t iterations_above(int i) const;
  void count_tensor(const Mapping &m, int t);
  void count_mac_side(const Mapping &m, int t, int i, std::int64_t latch, TensorCounts &c) const;
  void count_parent(const Mapping &m, int t, int child, int i, TensorCounts &c);
  void set_cycles(std::int64_t steps);
  void set_energy();
  // Hcl mode's cycles from the counts just computed; `steps` = product of all temporal factors.
  std::int64_t hcl_cycles(std::int64_t steps) const;
};

// One-shot convenience wrapper around Evaluator.
Evaluation evaluate(const Problem &problem, const Arch &arch, const Mapping &mapping,
                    Mode mode = Mode::Hcl, EvalOptions options = {});

} // namespace hcl::sched
