#include <scheduler/search_random.h>

#include <scheduler/schedule.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/tiny_random.h"

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
