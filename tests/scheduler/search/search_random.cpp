#include <scheduler/search/search_random.h>

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

TEST_CASE("search_random: incumbent starts are thread-independent and honour preferred pairs") {
  std::mt19937 rng(79);
  int inside = 0;
  for (int i = 0; i < 6; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = i % 2 ? tiny::arch(rng) : tiny::spad_arch(rng);
    RandomSearchOptions ro;
    ro.patience = 50;
    const auto spatial = enumerate_spatial(p, a, ro.space);
    const auto keeps = enumerate_keeps(p, a, ro.space);
    // Prefer the last pairs of the lists, which uniform sampling would rarely hit first.
    std::vector<std::pair<std::size_t, std::size_t>> preferred;
    for (std::size_t k = 0; k < 4; ++k) {
      preferred.emplace_back(spatial.size() - 1 - k % spatial.size(), keeps.size() - 1);
    }
    const auto never = [] { return false; };
    const auto one = incumbent_starts(p, a, ro, spatial, keeps, preferred, 8, 1, never);
    const auto two = incumbent_starts(p, a, ro, spatial, keeps, preferred, 8, 2, never);
    REQUIRE(one.size() == 8);
    REQUIRE(two.size() == 8);
    for (std::size_t s = 0; s < 8; ++s) {
      INFO("layer " << i << " start " << s);
      CHECK(one[s].random.found == two[s].random.found);
      CHECK(one[s].random.objective == two[s].random.objective);
      CHECK(one[s].local.objective == two[s].local.objective);
      if (!one[s].random.found) {
        continue;
      }
      CHECK(one[s].local.objective <= one[s].random.objective);
      if (s % 2 == 1) {
        const auto [sp, kp] = preferred[s / 2];
        bool same = true;
        for (std::size_t l = 0; l < a.levels.size(); ++l) {
          same = same && one[s].random.mapping.levels[l].keep == keeps[kp][l] &&
                 loops_equal(one[s].random.mapping.levels[l].spatial_x, spatial[sp].x[l]) &&
                 loops_equal(one[s].random.mapping.levels[l].spatial_y, spatial[sp].y[l]);
        }
        inside += same ? 1 : 0;
      }
    }
  }
  CHECK(inside >= 6); // most preferred pairs hold valid mappings
}
