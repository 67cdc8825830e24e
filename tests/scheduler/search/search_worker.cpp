// The branch and bound of one subproblem (scheduler/src/search/search_worker.h) against the
// independent brute-force enumerator: per (spatial, keep) skeleton, the worker's best is the
// least objective of the brute-force mappings with that skeleton, its root bound is at most
// that, and an incumbent at that value leaves nothing to find.
#include "../../../scheduler/src/search/search_worker.h"

#include <catch2/catch.hpp>

#include "support/space_brute_force.h"
#include "support/tiny_random.h"

#include <cmath>
#include <map>
#include <random>

using namespace hcl::sched;
using namespace hcl::sched::detail;

namespace {

// What fixes a subproblem: every level's spatial loops above 1 (sorted per axis) and what it
// keeps (as the arch allows).
using SkeletonKey = std::vector<std::int64_t>;

SkeletonKey key_of(const Arch &a, const Mapping &m) {
  SkeletonKey k;
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    for (const auto *axis : {&m.levels[l].spatial_x, &m.levels[l].spatial_y}) {
      auto loops = *axis;
      std::sort(loops.begin(), loops.end(),
                [](const Loop &a, const Loop &b) { return a.dim < b.dim; });
      for (const auto &lp : loops) {
        if (lp.factor == 1) {
          continue;
        }
        k.insert(k.end(), {static_cast<std::int64_t>(l), lp.dim, lp.factor});
      }
      k.push_back(-1);
    }
    if (l + 1 < m.levels.size()) {
      for (std::size_t t = 0; t < m.levels[l].keep.size(); ++t) {
        k.push_back(m.levels[l].keep[t] && a.levels[l].keeps[t] ? 1 : 0);
      }
    }
  }
  return k;
}

bool same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

} // namespace

TEST_CASE("search_worker: each subproblem's best equals brute force over its skeleton") {
  std::mt19937 rng(20261207);
  int subproblems = 0, found = 0;
  for (int i = 0; i < 24; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = i % 2 == 0 ? tiny::arch(rng) : tiny::spad_arch(rng);
    SearchOptions o;
    o.mode = i % 3 == 0 ? Mode::Timeloop : Mode::Hcl;
    o.objective = i % 4 == 1 ? Objective::Cycles : Objective::Energy;
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space, true);
    REQUIRE(brute.complete);
    std::map<SkeletonKey, double> best_of;
    for (const Mapping &m : brute.all) {
      const double v = objective_value(evaluate(p, a, m, o.mode), o.objective);
      auto [it, fresh] = best_of.emplace(key_of(a, m), v);
      it->second = fresh ? v : std::min(it->second, v);
    }
    Shared sh{
        p, a, o, enumerate_spatial(p, a, o.space), enumerate_keeps(p, a, o.space), Clock::now(),
        {}};
    Worker w(sh);
    for (std::size_t s = 0; s < sh.spatial.size(); ++s) {
      for (std::size_t k = 0; k < sh.keeps.size(); ++k) {
        const Sub sub{s, k, 0};
        INFO("layer " << i << " spatial " << s << " keep " << k);
        const auto it = best_of.find(key_of(a, skeleton(sh, sub)));
        const double root = w.root_bound(sub);
        const Worker::Outcome out = w.run(sub, kInf);
        ++subproblems;
        CHECK(out.finished);
        REQUIRE(out.found == (it != best_of.end()));
        if (!out.found) {
          continue;
        }
        ++found;
        CHECK(same(out.value, it->second));
        CHECK(key_of(a, out.mapping) == it->first);
        CHECK(root <= out.value * (1 + 1e-9));
        // Nothing beats the subproblem's optimum.
        CHECK_FALSE(w.run(sub, out.value).found);
      }
    }
  }
  CHECK(found >= 20);
  CHECK(subproblems > found);
}
