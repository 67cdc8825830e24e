#include <scheduler/model/lower_bound.h>

#include <catch2/catch.hpp>

#include "support/partial_mapping.h"
#include "support/space_brute_force.h"
#include "support/tiny_random.h"

#include <random>

using namespace hcl::sched;

using partial_mapping::innermost;
using partial_mapping::partial;

TEST_CASE("lower_bound: equals the model on complete mappings, bounds every completion") {
  std::mt19937 rng(4242);
  std::int64_t checked = 0, stopped_early = 0;
  for (int i = 0; i < 12; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    const Mode mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    const auto all = bf::enumerate(p, a, mode, Objective::Energy, SpaceOptions{}, true, 200000);
    BoundModel bm(p, a, mode);
    Evaluator ev(p, a, mode);
    const int L = static_cast<int>(a.levels.size());
    for (std::size_t k = 0; k < all.all.size(); k += 7) {
      const Mapping &m = all.all[k];
      const Evaluation &e = ev.evaluate(m);
      bm.set_skeleton(m);
      REQUIRE(bm.root_bound().energy_pj == bm.bound(m, L).energy_pj);
      REQUIRE(bm.root_bound().cycles == bm.bound(m, L).cycles);
      const CostBound exact = bm.bound(m, 0);
      INFO("layer " << i << " mapping " << k);
      REQUIRE(exact.energy_pj == e.energy_pj); // bit for bit
      REQUIRE(exact.cycles == e.cycles);
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
          // A cutoff above the bound changes nothing; one below may stop early, at a value
          // between the cutoff and the full bound.
          REQUIRE(bm.bound(pm, j, free, -1, b.energy_pj * 1.3).energy_pj == b.energy_pj);
          const double cut = b.energy_pj * 0.6;
          const CostBound early = bm.bound(pm, j, free, -1, cut);
          REQUIRE(early.energy_pj >= cut);
          REQUIRE(early.energy_pj <= b.energy_pj * (1 + 1e-12));
          REQUIRE(early.cycles <= b.cycles);
          stopped_early += early.energy_pj < b.energy_pj ? 1 : 0;
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
  CHECK(stopped_early > 100);
}

TEST_CASE("lower_bound: used_elements counts strided gaps, footprint does not") {
  ConvShape s;
  s.name = "strided";
  s.R = 1;
  s.P = 4;
  s.stride_h = 2;
  const Problem p = make_conv2d(s);
  std::vector<std::int64_t> ext(p.dim_names.size(), 1);
  ext[static_cast<std::size_t>(p.dim_index("P"))] = 4;
  // H = 2P + R over P in [0,4), R = 0: {0,2,4,6} -> 4 used; the bounding span is 7.
  CHECK(used_elements(p, 1, ext.data()) == 4);
  CHECK(p.footprint(1, ext) == 7);
  ext[static_cast<std::size_t>(p.dim_index("R"))] = 1;
  s.R = 3;
  s.stride_h = 1;
  const Problem q = make_conv2d(s);
  std::vector<std::int64_t> e2(q.dim_names.size(), 1);
  e2[static_cast<std::size_t>(q.dim_index("P"))] = 4;
  e2[static_cast<std::size_t>(q.dim_index("R"))] = 3;
  CHECK(used_elements(q, 1, e2.data()) == q.footprint(1, e2)); // contiguous: 6
}
