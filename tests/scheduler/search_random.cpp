#include <scheduler/search_random.h>

#include <scheduler/schedule.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/tiny_random.h"

#include <algorithm>
#include <random>

using namespace hcl::sched;

TEST_CASE("search_random: valid, seeded-deterministic, never below the exact optimum") {
  std::mt19937 rng(77);
  int found = 0;
  for (int i = 0; i < 15; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    RandomSearchOptions ro;
    ro.seed = 9;
    const RandomSearchResult r1 = random_search(p, a, ro);
    const RandomSearchResult r2 = random_search(p, a, ro);
    CHECK(r1.samples == r2.samples);
    CHECK(r1.objective == r2.objective);
    const SearchResult exact = search(p, a, SearchOptions{});
    REQUIRE(r1.found == exact.found);
    if (!r1.found) {
      continue;
    }
    ++found;
    CHECK(describe(p, a, r1.mapping) == describe(p, a, r2.mapping));
    CHECK(check_mapping(p, a, r1.mapping).empty());
    CHECK(r1.objective >= exact.objective * (1 - 1e-12));
    CHECK(r1.valid >= ro.patience); // stops only after 500 stale valid samples
  }
  CHECK(found >= 10);
}

TEST_CASE("search_random: honours fixed factors and permutations") {
  ConvShape s;
  s.name = "c";
  s.R = 3;
  s.P = 8;
  s.C = 4;
  s.K = 4;
  const Problem p = make_conv2d(s);
  std::mt19937 rng(5);
  Arch a = tiny::arch(rng);
  a.levels[0].size_words = 64;
  a.levels[0].keeps = {true, true, true};
  a.levels[1].size_words = 1024;
  RandomSearchOptions ro;
  ro.space.constraints.resize(3);
  ro.space.constraints[0].temporal[static_cast<std::size_t>(p.dim_index("R"))] = 3;
  ro.space.constraints[2].permutation = {p.dim_index("K"), p.dim_index("C")};
  const RandomSearchResult r = random_search(p, a, ro);
  REQUIRE(r.found);
  bool r_at_0 = false;
  for (const auto &l : r.mapping.levels[0].temporal) {
    r_at_0 |= l.dim == p.dim_index("R") && l.factor == 3;
  }
  CHECK(r_at_0);
  const auto &top = r.mapping.levels[2].temporal;
  for (std::size_t i = 0; i < top.size(); ++i) {
    if (top[i].dim == p.dim_index("C")) {
      // K, when present at the top level, is inside C.
      for (std::size_t j = i + 1; j < top.size(); ++j) {
        CHECK(top[j].dim != p.dim_index("K"));
      }
    }
  }
}

namespace {

bool loops_equal(const std::vector<Loop> &a, const std::vector<Loop> &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Loop &x, const Loop &y) {
    return x.dim == y.dim && x.factor == y.factor;
  });
}

} // namespace

TEST_CASE("search_random: hill climbing stays in the space, never worsens, deterministic") {
  std::mt19937 rng(78);
  int climbed = 0, improved = 0;
  for (int i = 0; i < 16; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = i % 2 ? tiny::arch(rng) : tiny::spad_arch(rng);
    RandomSearchOptions ro;
    ro.seed = 3;
    ro.patience = 20; // a poor start, so the climb has work to do
    const auto spatial = enumerate_spatial(p, a, ro.space);
    const auto keeps = enumerate_keeps(p, a, ro.space);
    const RandomSearchResult start = random_search(p, a, ro, spatial, keeps);
    if (!start.found) {
      continue;
    }
    const LocalSearchResult r1 = local_search(p, a, ro, start.mapping, spatial, keeps);
    const LocalSearchResult r2 = local_search(p, a, ro, start.mapping, spatial, keeps);
    INFO("layer " << i << " on " << a.name);
    CHECK(describe(p, a, r1.mapping) == describe(p, a, r2.mapping));
    CHECK(r1.evaluations == r2.evaluations);
    CHECK(check_mapping(p, a, r1.mapping).empty());
    CHECK(r1.objective == objective_value(evaluate(p, a, r1.mapping, ro.mode), ro.objective));
    CHECK(r1.objective <= start.objective);
    // Its spatial loops and keeps are one of the space's choices.
    bool spatial_in = false;
    for (const auto &sc : spatial) {
      bool same = true;
      for (std::size_t l = 0; l < a.levels.size(); ++l) {
        same = same && loops_equal(sc.x[l], r1.mapping.levels[l].spatial_x) &&
               loops_equal(sc.y[l], r1.mapping.levels[l].spatial_y);
      }
      spatial_in = spatial_in || same;
    }
    CHECK(spatial_in);
    bool keep_in = false;
    for (const auto &k : keeps) {
      bool same = true;
      for (std::size_t l = 0; l < a.levels.size(); ++l) {
        same = same && k[l] == r1.mapping.levels[l].keep;
      }
      keep_in = keep_in || same;
    }
    CHECK(keep_in);
    const SearchResult exact = search(p, a, SearchOptions{});
    REQUIRE(exact.found);
    CHECK(r1.objective >= exact.objective * (1 - 1e-12));
    ++climbed;
    improved += r1.objective < start.objective ? 1 : 0;
  }
  CHECK(climbed >= 10);
  CHECK(improved >= climbed / 2);
}
