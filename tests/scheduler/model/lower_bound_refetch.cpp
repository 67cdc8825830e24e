#include <scheduler/model/lower_bound.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/search/search_random.h>

#include <catch2/catch.hpp>

#include "support/partial_mapping.h"
#include "support/space_brute_force.h"
#include "support/tiny_random.h"

#include <random>
#include <string>

using namespace hcl::sched;

using partial_mapping::innermost;
using partial_mapping::partial;

TEST_CASE("lower_bound_refetch: per-tensor scratchpads, bound below every completion") {
  std::mt19937 rng(777);
  std::int64_t checked = 0;
  for (int i = 0; i < 10; ++i) {
    const Problem p = tiny::layer(rng, i, 16);
    const Arch a = tiny::spad_arch(rng);
    const Mode mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    const auto all = bf::enumerate(p, a, mode, Objective::Energy, SpaceOptions{}, true, 200000);
    BoundModel bm(p, a, mode);
    Evaluator ev(p, a, mode);
    const int L = static_cast<int>(a.levels.size());
    for (std::size_t k = 0; k < all.all.size(); k += 5) {
      const Mapping &m = all.all[k];
      const Evaluation &e = ev.evaluate(m);
      bm.set_skeleton(m);
      INFO("layer " << i << " mapping " << k);
      REQUIRE(bm.bound(m, 0).energy_pj == e.energy_pj);
      for (int j = 0; j <= L; ++j) {
        const Mapping pm = partial(m, j);
        for (bool free : {false, true}) {
          if (free && j == L) {
            continue;
          }
          const CostBound b = bm.bound(pm, j, free);
          REQUIRE(b.energy_pj <= e.energy_pj * (1 + 1e-12));
          REQUIRE(b.cycles <= e.cycles);
          ++checked;
          if (free && innermost(m, j) >= 0) { // the order free but for the innermost loop
            const CostBound bi = bm.bound(pm, j, true, innermost(m, j));
            REQUIRE(bi.energy_pj <= e.energy_pj * (1 + 1e-12));
            REQUIRE(bi.cycles <= e.cycles);
            ++checked;
          }
        }
      }
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE(
    "lower_bound_refetch: a small scratchpad's forced refetches count before its tile is fixed") {
  // One input word fits the scratchpad, so every one of the P x R = 4 x 3 = 12 MACs of this
  // 1-D convolution fetches its input (sliding reuses nothing with a 1-word tile), although
  // the layer reads only P + R - 1 = 6 distinct inputs. Only the spad's fills cost energy
  // (1 pJ each), so the bound with nothing fixed must be 12 pJ, the cost of every mapping.
  ConvShape s;
  s.name = "window";
  s.R = 3;
  s.P = 4;
  const Problem p = make_conv2d(s);
  Arch a;
  a.name = "one_word_spad";
  Level spad;
  spad.name = "InputsSpad";
  spad.size_words = 1;
  spad.keeps = {false, true, false};
  spad.write_energy_pj = 1;
  Level dram;
  dram.name = "DRAM";
  dram.kind = MemKind::DRAM;
  a.levels = {spad, dram};
  SpaceOptions keep_all;
  keep_all.bypass = false;
  const auto all = bf::enumerate(p, a, Mode::Timeloop, Objective::Energy, keep_all, true);
  REQUIRE(all.complete);
  REQUIRE(all.valid > 0);
  for (const Mapping &m : all.all) {
    CHECK(evaluate(p, a, m, Mode::Timeloop).energy_pj == 12);
  }
  BoundModel bm(p, a, Mode::Timeloop);
  bm.set_skeleton(all.all.front());
  CHECK(bm.bound(partial(all.all.front(), 2), 2).energy_pj == 12);
}

TEST_CASE("lower_bound_refetch: bound below sampled and hill-climbed mappings on Eyeriss-like") {
  // Layers too big for brute force, on the bundled per-tensor-scratchpad arch, where the bound
  // couples the scratchpads (every loop above the weight spad is relevant to inputs or
  // partial sums). Every valid mapping, random or near-optimal, must cost at least the bound
  // of its own (spatial, keep) skeleton with nothing temporal fixed, and of each of its
  // partial mappings.
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const int L = static_cast<int>(a.levels.size());
  std::mt19937 rng(99);
  std::int64_t checked = 0, tight = 0;
  for (int i = 0; i < 6; ++i) {
    ConvShape s;
    s.name = "mid" + std::to_string(i);
    const std::int64_t rs[] = {1, 3};
    s.R = s.S = rs[i % 2];
    s.C = std::int64_t{16} << (i % 3);
    s.K = std::int64_t{32} << ((i + 1) % 3);
    s.P = s.Q = i < 3 ? 7 : 8;
    s.stride_h = s.stride_w = i == 5 ? 2 : 1;
    const Problem p = make_conv2d(s);
    const Mode mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    RandomSearchOptions ro;
    ro.mode = mode;
    const auto spatial = enumerate_spatial(p, a, ro.space);
    const auto keeps = enumerate_keeps(p, a, ro.space);
    BoundModel bm(p, a, mode);
    Evaluator ev(p, a, mode);
    for (std::uint32_t seed = 1; seed <= 300; ++seed) {
      ro.seed = seed;
      ro.patience = 1; // one valid sample, then its climb
      const RandomSearchResult r = random_search(p, a, ro, spatial, keeps);
      if (!r.found) {
        continue;
      }
      const LocalSearchResult climbed = local_search(p, a, ro, r.mapping, spatial, keeps, 3000);
      for (const Mapping *m : {&r.mapping, &climbed.mapping}) {
        const double e = ev.evaluate(*m).energy_pj;
        bm.set_skeleton(*m);
        const double b = bm.bound(partial(*m, L), L).energy_pj;
        INFO("layer " << i << " seed " << seed);
        REQUIRE(b <= e * (1 + 1e-12));
        ++checked;
        tight += b > 0.9 * e ? 1 : 0;
        for (int j = 0; j < L; ++j) { // and every partial mapping on the way to it
          for (bool free : {false, true}) {
            INFO("j " << j << " free order " << free);
            REQUIRE(bm.bound(partial(*m, j), j, free).energy_pj <= e * (1 + 1e-12));
            if (free && innermost(*m, j) >= 0) {
              REQUIRE(bm.bound(partial(*m, j), j, true, innermost(*m, j)).energy_pj <=
                      e * (1 + 1e-12));
            }
          }
        }
      }
    }
  }
  CHECK(checked > 2000);
  CHECK(tight > 0); // the climbs get close to their skeleton's bound somewhere
}
