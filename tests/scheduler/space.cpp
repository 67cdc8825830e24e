#include <scheduler/space.h>

#include <scheduler/model.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/space_brute_force.h"
#include "support/tiny_random.h"

#include <algorithm>
#include <random>
#include <set>

using namespace hcl::sched;

TEST_CASE("space: order classes cover every count an order can produce") {
  std::mt19937 rng(11);
  int levels_checked = 0;
  for (int i = 0; i < 10; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    const auto all = bf::enumerate(p, a, Mode::Hcl, Objective::Energy, SpaceOptions{}, true, 50000);
    Evaluator ev(p, a, Mode::Hcl);
    for (std::size_t k = 0; k < all.all.size() && k < 400; k += 13) {
      Mapping m = all.all[k];
      for (std::size_t l = 0; l < m.levels.size(); ++l) {
        auto &tl = m.levels[l].temporal;
        if (tl.size() < 2) {
          continue;
        }
        unsigned mask = 0;
        for (const auto &loop : tl) {
          mask |= 1U << loop.dim;
        }
        const auto saved = tl;
        auto factor = [&](int d) {
          for (const auto &loop : saved) {
            if (loop.dim == d) {
              return loop.factor;
            }
          }
          return std::int64_t{1};
        };
        auto value = [&](const std::vector<int> &perm) {
          tl.clear();
          for (int d : perm) {
            tl.push_back({d, factor(d)});
          }
          const Evaluation &e = ev.evaluate(m);
          return std::pair<double, std::int64_t>(e.energy_pj, e.cycles);
        };
        std::set<std::pair<double, std::int64_t>> every, reps;
        std::vector<int> perm;
        for (const auto &loop : saved) {
          perm.push_back(loop.dim);
        }
        std::sort(perm.begin(), perm.end());
        do {
          every.insert(value(perm));
        } while (std::next_permutation(perm.begin(), perm.end()));
        for (const auto &r : order_classes(p, mask, (1U << p.tensors.size()) - 1)) {
          reps.insert(value(r));
        }
        CHECK(every == reps);
        tl = saved;
        ++levels_checked;
      }
    }
  }
  CHECK(levels_checked > 20);
}

TEST_CASE("space: order classes of a full conv level are far fewer than permutations") {
  ConvShape s;
  s.name = "conv";
  s.R = s.S = 3;
  s.P = s.Q = 8;
  s.C = s.K = 4;
  s.N = 2;
  const Problem p = make_conv2d(s);
  const auto classes = order_classes(p, 0x7FU, 0x7U);
  CHECK(classes.size() < 5040);
  CHECK(classes.size() > 10);
  // Nothing below cares: one class.
  CHECK(order_classes(p, 0x7FU, 0U).size() == 1);
  // A permutation constraint fixes the innermost loops.
  for (const auto &c : order_classes(p, 0x7FU, 0x7U, {p.dim_index("Q"), p.dim_index("P")})) {
    CHECK(c[0] == p.dim_index("Q"));
    CHECK(c[1] == p.dim_index("P"));
  }
}

TEST_CASE("space: spatial choices respect mesh, axis sharing, dataflow and utilization") {
  ConvShape s;
  s.name = "conv";
  s.R = 3;
  s.P = 6;
  s.C = 4;
  s.K = 8;
  const Problem p = make_conv2d(s);
  Arch a;
  a.name = "a";
  Level rf, buf, dram;
  rf.name = "RF";
  buf.name = "Buf";
  buf.fanout_x = 4;
  buf.fanout_y = 3;
  dram.name = "DRAM";
  a.levels = {rf, buf, dram};
  SpaceOptions o;
  const auto all = enumerate_spatial(p, a, o);
  bool saw_shared_axis = false;
  for (const auto &c : all) {
    std::int64_t x = 1, y = 1;
    for (const auto &l : c.x[1]) {
      x *= l.factor;
    }
    for (const auto &l : c.y[1]) {
      y *= l.factor;
    }
    CHECK(x <= 4);
    CHECK(y <= 3);
    CHECK(c.x[1].size() <= 2);
    saw_shared_axis |= c.x[1].size() == 2;
    CHECK(c.x[0].empty());
  }
  CHECK(saw_shared_axis);
  o.unroll_dims = {p.dim_index("K")};
  for (const auto &c : enumerate_spatial(p, a, o)) {
    for (const auto *v : {&c.x[1], &c.y[1]}) {
      for (const auto &l : *v) {
        CHECK(l.dim == p.dim_index("K"));
      }
    }
  }
  o.unroll_dims.clear();
  o.min_utilization = 1.0;
  for (const auto &c : enumerate_spatial(p, a, o)) {
    CHECK(c.pes == 12);
  }
  o.min_utilization = 0;
  o.max_dims_per_axis = 1;
  CHECK(enumerate_spatial(p, a, o).size() < all.size());
}

TEST_CASE("space: keep sets and Timeloop constraints") {
  const Problem p = make_gemm("g", 4, 4, 4);
  Arch a;
  a.name = "a";
  Level rf, buf, dram;
  rf.name = "RF";
  rf.keeps = {true, false, true};
  buf.name = "Buf";
  dram.name = "DRAM";
  a.levels = {rf, buf, dram};
  SpaceOptions o;
  CHECK(enumerate_keeps(p, a, o).size() == 4 * 8);
  o.bypass = false;
  const auto fixed = enumerate_keeps(p, a, o);
  REQUIRE(fixed.size() == 1);
  CHECK_FALSE(fixed[0][0][1]);
  CHECK(fixed[0][1][1]);

  std::vector<TimeloopConstraint> tc(2);
  tc[0].target = "Buf";
  tc[0].type = "temporal";
  tc[0].factors = "C=2 K=1";
  tc[0].permutation = "KCP";
  tc[1].target = "RF";
  tc[1].type = "spatial";
  tc[1].factors = "P=4";
  const auto lc = constraints_from_timeloop(p, a, tc);
  CHECK(lc[1].temporal[static_cast<std::size_t>(p.dim_index("C"))] == 2);
  CHECK(lc[1].temporal[static_cast<std::size_t>(p.dim_index("K"))] == 1);
  CHECK(lc[1].permutation == std::vector<int>{p.dim_index("K"), p.dim_index("C"), p.dim_index("P")});
  CHECK(lc[0].spatial[static_cast<std::size_t>(p.dim_index("P"))] == 4);
  tc[0].target = "Nowhere";
  CHECK_THROWS_WITH(constraints_from_timeloop(p, a, tc), Catch::Contains("'Nowhere'"));
  tc[0].target = "Buf";
  tc[0].factors = "Z=2";
  CHECK_THROWS_WITH(constraints_from_timeloop(p, a, tc), Catch::Contains("unknown dimension 'Z'"));
}
