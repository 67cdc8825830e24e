// Unit and property tests of the Interstellar-compatible model
// (scheduler/interstellar/interstellar.h). The golden cases from the tool itself are in
// interstellar_golden.cpp.
#include <scheduler/interstellar/interstellar.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace hcl::sched::interstellar;

ArchSpec simple_arch(int levels, std::vector<std::int64_t> parallel_count, int mac_capacity) {
  ArchSpec a;
  a.levels = levels;
  for (int v = 0; v < levels; ++v) {
    a.capacity_bytes.push_back(std::int64_t{1} << (10 + 4 * v));
    a.access_cost.push_back(v == levels - 1 ? 200.0 : 1.0 + v);
    a.static_cost.push_back(0);
    a.parallel_count.push_back(parallel_count[v]);
    a.parallel_mode.push_back(parallel_count[v] != 1 && v + 1 < levels ? 1 : 0);
    a.array_dim.push_back(parallel_count[v] != 1 ? 2 : 1);
    if (a.parallel_mode.back() != 0) {
      a.parallel_cost.push_back(0.035);
    }
  }
  a.mac_capacity = mac_capacity;
  a.precision = 16;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Brute force: iterate the loop nest literally and count, per level, how many words of each
// tensor the level sends to the level below. This is written from the operational description
// of the tool's model, not from its closed form:
// - the nest at levels >= v runs as a sequence of steps (outer levels first; inside a level the
//   loop with the larger order is outer);
// - every PE under a spatial loop at a level >= v is a separate consumer with its own tile;
//   PEs under spatial loops below v share (multicast) one tile;
// - at each step a consumer needs the set of elements its inner iterations touch. The level
//   re-sends that whole set when an outer level advanced (the tool keeps no reuse across
//   levels) or when the set differs from the one at the previous step; otherwise the tile
//   stays where it is.
// For IF the element is the (ox, oy, ic, on) pair the tool counts, before its division by the
// strides. Without a MAC register (mac_capacity 0) level 0 is touched by every MAC.
struct Nest {
  int levels;
  LoopLevels b, p, o;
};

struct Digit {
  int loop;
  int level;
  bool spatial;
  std::int64_t extent;
};

std::int64_t brute_access(const Layer &layer, const ArchSpec &arch, const Nest &n, Tensor t,
                          int v) {
  const auto sizes = layer.sizes();
  // Place value of each (loop, level, temporal|spatial) digit in the loop's global index.
  std::array<std::array<std::array<std::int64_t, 2>, kMaxLevels>, kNumLoops> place{};
  for (int l = 0; l < kNumLoops; ++l) {
    std::int64_t w = 1;
    for (int lv = 0; lv < n.levels; ++lv) {
      place[l][lv][1] = w;
      place[l][lv][0] = w * n.p[l][lv];
      w *= n.b[l][lv] * n.p[l][lv];
    }
  }
  auto key_of = [&](const std::array<std::int64_t, kNumLoops> &g) -> std::vector<std::int64_t> {
    switch (t) {
    case IF:
      return {g[OX], g[OY], g[IC], g[ON]};
    case OF:
      return {g[OX], g[OY], g[OC], g[ON]};
    default:
      return {g[FX], g[FY], g[IC], g[OC]};
    }
  };
  std::int64_t elements = 1;
  for (int l : (t == IF   ? std::array<int, 4>{OX, OY, IC, ON}
                : t == OF ? std::array<int, 4>{OX, OY, OC, ON}
                          : std::array<int, 4>{FX, FY, IC, OC})) {
    elements *= sizes[l];
  }

  if (v == 0 && arch.mac_capacity == 0) {
    // Every MAC touches level 0: count touches per element over the whole iteration space.
    std::map<std::vector<std::int64_t>, std::int64_t> touches;
    std::array<std::int64_t, kNumLoops> g{};
    std::function<void(int)> rec = [&](int l) {
      if (l == kNumLoops) {
        ++touches[key_of(g)];
        return;
      }
      for (g[l] = 0; g[l] < sizes[l]; ++g[l]) {
        rec(l + 1);
      }
    };
    rec(0);
    const std::int64_t per = touches.begin()->second;
    for (const auto &[k, c] : touches) {
      REQUIRE(c == per); // uniform reuse: the count per element is well defined
    }
    return per;
  }

  std::vector<Digit> steps, consumers, inner;
  for (int lv = n.levels - 1; lv >= v; --lv) {
    std::vector<int> loops(kNumLoops);
    std::iota(loops.begin(), loops.end(), 0);
    std::stable_sort(loops.begin(), loops.end(),
                     [&](int a, int c) { return n.o[a][lv] > n.o[c][lv]; });
    for (int l : loops) {
      steps.push_back({l, lv, false, n.b[l][lv]});
      consumers.push_back({l, lv, true, n.p[l][lv]});
    }
  }
  for (int lv = 0; lv < v; ++lv) {
    for (int l = 0; l < kNumLoops; ++l) {
      inner.push_back({l, lv, false, n.b[l][lv]});
      inner.push_back({l, lv, true, n.p[l][lv]});
    }
  }
  const int outer_digits = static_cast<int>(
      std::count_if(steps.begin(), steps.end(), [&](const Digit &d) { return d.level > v; }));

  // Mixed-radix enumeration helper: calls f for every assignment of the digits.
  auto for_all = [](const std::vector<Digit> &digits, std::vector<std::int64_t> &idx,
                    const std::function<void()> &f) {
    idx.assign(digits.size(), 0);
    while (true) {
      f();
      int i = static_cast<int>(digits.size()) - 1;
      while (i >= 0 && ++idx[i] == digits[i].extent) {
        idx[i] = 0;
        --i;
      }
      if (i < 0) {
        return;
      }
    }
  };

  std::int64_t fetched = 0;
  std::vector<std::int64_t> step_idx, prev_step_idx, cons_idx, inner_idx;
  std::map<std::vector<std::int64_t>, std::set<std::vector<std::int64_t>>> previous;
  bool first = true;
  for_all(steps, step_idx, [&] {
    bool outer_advanced = first;
    if (!first) {
      for (int i = 0; i < outer_digits; ++i) {
        outer_advanced = outer_advanced || step_idx[i] != prev_step_idx[i];
      }
    }
    for_all(consumers, cons_idx, [&] {
      std::set<std::vector<std::int64_t>> needed;
      for_all(inner, inner_idx, [&] {
        std::array<std::int64_t, kNumLoops> g{};
        for (std::size_t i = 0; i < steps.size(); ++i) {
          g[steps[i].loop] += step_idx[i] * place[steps[i].loop][steps[i].level][0];
        }
        for (std::size_t i = 0; i < consumers.size(); ++i) {
          g[consumers[i].loop] += cons_idx[i] * place[consumers[i].loop][consumers[i].level][1];
        }
        for (std::size_t i = 0; i < inner.size(); ++i) {
          g[inner[i].loop] +=
              inner_idx[i] * place[inner[i].loop][inner[i].level][inner[i].spatial ? 1 : 0];
        }
        needed.insert(key_of(g));
      });
      auto &prev = previous[cons_idx];
      if (outer_advanced || needed != prev) {
        fetched += static_cast<std::int64_t>(needed.size());
      }
      prev = std::move(needed);
    });
    prev_step_idx = step_idx;
    first = false;
  });
  REQUIRE(fetched % elements == 0);
  return fetched / elements;
}

// Random small layer + mapping in the tool's canonical form: every loop factor split over
// temporal blockings (any level) and partitionings (parallel levels only); at each level the
// loops with a blocking > 1 get a random order 0..k-1, the others 6 (absent), as the tool's
// search writes them.
struct RandomCase {
  Layer layer;
  ArchSpec arch;
  MappingSpec mapping;
};

RandomCase random_case(std::mt19937 &rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  RandomCase c;
  c.layer.wfil = pick(1, 3);
  c.layer.hfil = pick(1, 2);
  c.layer.wofm = pick(1, 4);
  c.layer.hofm = pick(1, 3);
  c.layer.nofm = pick(1, 4);
  c.layer.nifm = pick(1, 4);
  c.layer.nimg = pick(1, 2);
  c.layer.wstd = pick(1, 2);
  c.layer.hstd = pick(1, 2);
  const int levels = pick(2, 4);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(levels), 1);
  counts[static_cast<std::size_t>(pick(0, levels - 2))] = 16;
  c.arch = simple_arch(levels, counts, pick(0, 1));
  MappingSpec m = MappingSpec::trivial(levels);
  const auto sizes = c.layer.sizes();
  for (int l = 0; l < kNumLoops; ++l) {
    std::int64_t rest = sizes[l];
    for (std::int64_t f = 2; rest > 1;) {
      if (rest % f != 0) {
        ++f;
        continue;
      }
      rest /= f;
      const int lv = pick(0, levels - 1);
      if (counts[lv] != 1 && pick(0, 1) == 1) {
        m.partitioning[l][lv] *= f;
      } else {
        m.blocking[l][lv] *= f;
      }
    }
  }
  for (int lv = 0; lv < levels; ++lv) {
    std::vector<int> present;
    for (int l = 0; l < kNumLoops; ++l) {
      if (m.blocking[l][lv] > 1) {
        present.push_back(l);
      }
    }
    std::shuffle(present.begin(), present.end(), rng);
    for (std::size_t i = 0; i < present.size(); ++i) {
      m.order[present[i]][lv] = static_cast<std::int64_t>(i);
    }
    if (c.arch.parallel_mode[lv] != 0) {
      LevelParaDims &d = m.para_loop_dim[lv];
      d.present = true;
      for (int l = 0; l < kNumLoops; ++l) {
        if (m.partitioning[l][lv] > 1) {
          d.dims[d.count++] = {1, {l, -1}};
        }
      }
    }
  }
  c.mapping = m;
  return c;
}

} // namespace

TEST_CASE("interstellar: closed-form access counts equal a literal loop-nest count") {
  std::mt19937 rng(20200316); // fixed seed: failures reproduce
  int checked = 0;
  for (int iter = 0; iter < 600; ++iter) {
    const RandomCase c = random_case(rng);
    REQUIRE_NOTHROW(check_mapping(c.layer, c.arch, c.mapping, "random case"));
    const Nest n{c.mapping.levels, c.mapping.blocking, c.mapping.partitioning, c.mapping.order};
    for (int v = 0; v < c.mapping.levels; ++v) {
      for (Tensor t : {IF, OF, FL}) {
        INFO("iteration " << iter << ", level " << v << ", tensor " << kTensorNames[t]);
        std::int64_t brute = brute_access(c.layer, c.arch, n, t, v);
        if (t == IF) {
          brute /= c.layer.wstd * c.layer.hstd; // the tool's integer division
        }
        CHECK(access_count(c.layer, c.arch, c.mapping, t, v) == brute);
        ++checked;
      }
    }
  }
  CHECK(checked > 900);
}

TEST_CASE("interstellar: evaluate agrees with access_count and the level-energy formula") {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 50; ++iter) {
    const RandomCase c = random_case(rng);
    const Result r = evaluate(c.layer, c.arch, c.mapping);
    const auto size = c.layer.tensor_sizes();
    int entry = 0;
    for (int v = 0; v < c.mapping.levels; ++v) {
      const std::int64_t a_if = access_count(c.layer, c.arch, c.mapping, IF, v);
      const std::int64_t a_of = access_count(c.layer, c.arch, c.mapping, OF, v);
      const std::int64_t a_fl = access_count(c.layer, c.arch, c.mapping, FL, v);
      const std::int64_t words = a_if * size[IF] + (2 * a_of - 1) * size[OF] + a_fl * size[FL];
      REQUIRE_FALSE(r.entries[entry].is_array);
      CHECK(r.entries[entry].energy_pj ==
            static_cast<double>(words) * c.arch.access_cost[static_cast<std::size_t>(v)]);
      entry += c.arch.parallel_mode[static_cast<std::size_t>(v)] != 0 ? 2 : 1;
    }
    CHECK(r.count == entry);
    CHECK(r.macs == c.layer.macs());
  }
}

TEST_CASE("interstellar: without a MAC register level 0 ignores the schedule") {
  // The tool charges level 0 FX*FY*OC/(sx*sy), FX*FY*IC and OX*OY*ON per element whatever the
  // level-0 orders and blockings are.
  std::mt19937 rng(3);
  RandomCase c = random_case(rng);
  c.arch.mac_capacity = 0;
  const Layer &L = c.layer;
  CHECK(access_count(L, c.arch, c.mapping, IF, 0) == L.wfil * L.hfil * L.nofm / (L.wstd * L.hstd));
  CHECK(access_count(L, c.arch, c.mapping, OF, 0) == L.wfil * L.hfil * L.nifm);
  CHECK(access_count(L, c.arch, c.mapping, FL, 0) == L.wofm * L.hofm * L.nimg);
}

TEST_CASE("interstellar: stationary rule follows the loop order within a level") {
  // Two levels, OC = 4 at level 1 (irrelevant to IF) and OX = 2 at level 1 (relevant).
  // OC inside OX: the IF tile stays while OC spins, so a_IF(1) = 1. OC outside OX: the tile is
  // re-sent for every OC step, a_IF(1) = 4.
  Layer layer;
  layer.wofm = 2;
  layer.nofm = 4;
  const ArchSpec arch = simple_arch(2, {1, 1}, 1);
  MappingSpec m = MappingSpec::trivial(2);
  m.blocking[OX][1] = 2;
  m.blocking[OC][1] = 4;
  m.order[OC][1] = 0;
  m.order[OX][1] = 1;
  CHECK(access_count(layer, arch, m, IF, 1) == 1);
  m.order[OC][1] = 1;
  m.order[OX][1] = 0;
  CHECK(access_count(layer, arch, m, IF, 1) == 4);
  // Level 0 (with a MAC register) counts the level-1 loops irrelevant to IF regardless.
  CHECK(access_count(layer, arch, m, IF, 0) == 4);
}

TEST_CASE("interstellar: array energy in neighbour and broadcast modes") {
  // Hand-computed: 2 levels, 4 PEs at level 0 with FX = 2 and OC = 2 both unrolled on the
  // array, every other extent 1. Sizes: |IF| = 2 (the FX halo), |OF| = 2, |FL| = 4. Nothing
  // iterates at level 1, so a_IF(1) = a_OF(1) = a_FL(1) = 1.
  Layer layer;
  layer.wfil = 2;
  layer.nofm = 2;
  ArchSpec arch = simple_arch(2, {4, 1}, 1);
  arch.access_cost = {1.0, 10.0};
  arch.parallel_cost = {0.5};
  MappingSpec m = MappingSpec::trivial(2);
  m.partitioning[FX][0] = 2;
  m.partitioning[OC][0] = 2;
  m.para_loop_dim[0].present = true;
  m.para_loop_dim[0].count = 1;
  m.para_loop_dim[0].dims[0] = {2, {FX, OC}}; // FX nearest, OC across blocks of 2 PEs

  // Neighbour mode: nearest multiplies only FX: IF 1*2*2=4, OF 1*2*2=4, FL 1*1*4=4 -> 12
  // words * 0.5 = 6. Across blocks: OC far factor 2 for IF (irrelevant) -> 1*2*2 = 4 words,
  // OF and FL have far factor 1 -> nothing; cost 0.5 * 2 (inner partitions) -> 4 pJ. Total 10.
  Result r = evaluate(layer, arch, m);
  REQUIRE(r.count == 3);
  CHECK(r.entries[1].is_array);
  CHECK(r.entries[1].energy_pj == Approx(10.0));
  // Broadcast mode: every listed loop is nearest: IF 2*2*2=8, OF 2*2=4, FL 4 -> 16 * 0.5 = 8.
  arch.parallel_mode[0] = 2;
  r = evaluate(layer, arch, m);
  CHECK(r.entries[1].energy_pj == Approx(8.0));
}

TEST_CASE("interstellar: 4-level variant puts the array after level 1") {
  const ArchSpec arch = simple_arch(4, {1, 16, 1, 1}, 1);
  Layer layer;
  layer.nofm = 4;
  layer.nifm = 4;
  MappingSpec m = MappingSpec::trivial(4);
  m.partitioning[OC][1] = 4;
  m.partitioning[IC][1] = 4;
  m.para_loop_dim[1].present = true;
  m.para_loop_dim[1].count = 2;
  m.para_loop_dim[1].dims[0] = {1, {OC, -1}};
  m.para_loop_dim[1].dims[1] = {1, {IC, -1}};
  REQUIRE_NOTHROW(check_mapping(layer, arch, m, "4-level"));
  const Result r = evaluate(layer, arch, m);
  REQUIRE(r.count == 5);
  const std::array<bool, 5> is_array = {false, false, true, false, false};
  const std::array<int, 5> level = {0, 1, 1, 2, 3};
  for (int i = 0; i < 5; ++i) {
    CHECK(r.entries[i].is_array == is_array[i]);
    CHECK(r.entries[i].level == level[i]);
  }
  // The total charges level 2 together with the array, in the tool's summation order.
  CHECK(r.energy_pj ==
        Approx(r.entries[0].energy_pj + r.entries[1].energy_pj + r.entries[2].energy_pj +
               r.entries[3].energy_pj + r.entries[4].energy_pj));
}

TEST_CASE("interstellar: capacity and under-utilization rules") {
  // 1 level of 8-word buffers (16 B / 2 B) x 4 PEs, then a 64-word buffer, then DRAM.
  ArchSpec arch = simple_arch(3, {4, 1, 1}, 0);
  arch.capacity_bytes = {16, 128, 1 << 20};
  Layer layer;
  layer.wofm = 4;
  layer.nofm = 4;
  layer.nifm = 2;
  MappingSpec m = MappingSpec::trivial(3);
  m.partitioning[OC][0] = 4;
  m.blocking[OX][0] = 2; // per PE: IF 2, OF 2, FL 1 -> 5 of 8 words
  m.blocking[OX][1] = 2;
  m.blocking[IC][1] = 2;
  m.para_loop_dim[0] = {true, 1, {}};
  m.para_loop_dim[0].dims[0] = {1, {OC, -1}};
  REQUIRE_NOTHROW(check_mapping(layer, arch, m, "capacity"));
  // Level 1 tile: IF 4*2 = 8, OF 4*4 = 16, FL 2*4 = 8 -> 32 of 64 words: exactly half, valid.
  Validity val = check_validity(layer, arch, m);
  CHECK(val.usage[0].bank_words == 5);
  // Level 0's tile over all PEs, counted on the shares without partitioning as the tool's
  // search does (opt_valid_blocking): IF 2, OF 2 x 4, FL 4.
  CHECK(val.usage[0].tile_words == 14);
  CHECK(val.usage[1].tile_words == 32);
  CHECK(val.ok);
  CHECK(validity_violations(layer, arch, m).empty());

  SECTION("a level without parallelism less than half full is rejected") {
    arch.capacity_bytes[1] = 130; // 65 words: 32 is now under half
    CHECK_FALSE(is_valid(layer, arch, m));
    const auto v = validity_violations(layer, arch, m);
    REQUIRE(v.size() == 1);
    CHECK_THAT(v[0], Catch::Contains("level 1") && Catch::Contains("less than half"));
  }
  SECTION("a tile larger than the buffer is rejected") {
    arch.capacity_bytes[1] = 62; // 31 words
    const auto v = validity_violations(layer, arch, m);
    REQUIRE(v.size() == 1);
    CHECK_THAT(v[0], Catch::Contains("tile needs 32 words, capacity 31"));
  }
  SECTION("a per-PE tile larger than the PE buffer is rejected") {
    arch.capacity_bytes[0] = 8; // 4 words per PE
    const auto v = validity_violations(layer, arch, m);
    REQUIRE_FALSE(v.empty());
    CHECK_THAT(v[0], Catch::Contains("per-PE tile needs 5 words, PE buffer holds 4"));
  }
  SECTION("more partitions than PEs are rejected") {
    arch.parallel_count[0] = 2;
    const auto v = validity_violations(layer, arch, m);
    REQUIRE_FALSE(v.empty());
    CHECK_THAT(v[0], Catch::Contains("partitionings use 4 PEs, parallel_count is 2"));
  }
}

TEST_CASE("interstellar: check_mapping rejects structurally invalid mappings") {
  const ArchSpec arch = simple_arch(2, {4, 1}, 0);
  Layer layer;
  layer.nofm = 4;
  MappingSpec good = MappingSpec::trivial(2);
  good.blocking[OC][1] = 4;
  good.para_loop_dim[0].present = true;
  REQUIRE_NOTHROW(check_mapping(layer, arch, good, "m.json"));

  MappingSpec m = good;
  m.blocking[OC][1] = 2;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("m.json") &&
                        Catch::Contains("OC cover 2 of the layer's 4 indices"));
  m = good;
  m.blocking[OC][1] = std::int64_t{1} << 62; // must not overflow while multiplying
  m.blocking[OC][0] = 4;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("OC at level 1") && Catch::Contains("past the layer's 4"));
  m = good;
  m.order[FX][0] = 7;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("orders.FX[0] is 7") && Catch::Contains("0 (innermost)"));
  m = good;
  m.blocking[ON][0] = 0;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("blockings.ON[0] is 0"));
  m = good;
  m.para_loop_dim[0].present = false;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("para_loop_dim[0] is null"));
  m = MappingSpec::trivial(3);
  m.blocking[OC][2] = 4;
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("3 levels per loop") && Catch::Contains("mem_levels 2"));
  ArchSpec outer = simple_arch(2, {1, 4}, 0);
  outer.parallel_mode = {0, 1};
  outer.parallel_cost = {0.1};
  CHECK_THROWS_WITH(check_mapping(layer, outer, good, "m.json"),
                    Catch::Contains("outermost level"));
  m = good;
  m.para_loop_dim[0].count = 3;
  m.para_loop_dim[0].dims[2] = {2, {FX, OC}};
  CHECK_THROWS_WITH(check_mapping(layer, arch, m, "m.json"),
                    Catch::Contains("para_loop_dim[0][2] pairs two loops"));
}

TEST_CASE("interstellar: a partitioning that does not divide runs ceil steps, never an empty one") {
  // AlexNet conv4's IC = 192 under the TPU hint's 16 input channels at level 0: a level-0 share
  // of 24 runs ceil(24 / 16) = 2 steps and the levels above take 192 / 24 = 8, as the tool's
  // mapping_point_generator.loop_tile_with_hint walks it; the factors multiply to 256.
  const ArchSpec arch = simple_arch(3, {256, 1, 1}, 1);
  Layer layer;
  layer.nifm = 192;
  MappingSpec m = MappingSpec::trivial(3);
  m.partitioning[IC][0] = 16;
  m.blocking[IC][0] = 2;
  m.blocking[IC][2] = 8;
  m.para_loop_dim[0] = {true, 1, {}};
  m.para_loop_dim[0].dims[0] = {1, {IC, -1}};
  REQUIRE_NOTHROW(check_mapping(layer, arch, m, "ceil"));
  m.share[IC][0] = 24;
  REQUIRE_NOTHROW(check_mapping(layer, arch, m, "ceil"));
  // Accesses use the factors as they are: 256 partial sums per output at the register, not
  // the 192 there are; the capacity rules count the share (24 channels per level-0 tile).
  CHECK(access_count(layer, arch, m, OF, 0) == 2 * 16 * 8);
  CHECK(check_validity(layer, arch, m).usage[0].tile_words == 24 + 1 + 24);

  SECTION("a level whose last step starts past the extent is refused") {
    m.blocking[IC][2] = 9; // 8 steps of 24 cover 192; the 9th would start at 192
    CHECK_THROWS_WITH(check_mapping(layer, arch, m, "ceil"),
                      Catch::Contains("IC at level 2") &&
                          Catch::Contains("last step at index 192 or later, past the layer's 192"));
    m.share[IC][0] = 0; // without the share, as small as the factors allow: 17 per step
    m.blocking[IC][2] = 13;
    CHECK_THROWS_WITH(check_mapping(layer, arch, m, "ceil"),
                      Catch::Contains("last step at index 204 or later"));
  }
  SECTION("PEs past the extent in a level's first step are refused") {
    m.blocking[IC][2] = 1;
    m.partitioning[IC][2] = 9; // its 9th PE would start at 8 x 24 = 192
    CHECK_THROWS_WITH(check_mapping(layer, arch, m, "ceil"),
                      Catch::Contains("IC at level 2") &&
                          Catch::Contains("last PE at index 192 or later"));
  }
  SECTION("a share its factors cannot run is refused") {
    m.share[IC][0] = 40; // 16 PEs in 2 steps cover at most 32
    CHECK_THROWS_WITH(check_mapping(layer, arch, m, "ceil"),
                      Catch::Contains("shares.IC[0] is 40") &&
                          Catch::Contains("the mapping's blocking is 2"));
  }
  SECTION("shares covering less than the extent are refused") {
    m.blocking[IC][2] = 4; // 4 x 24 = 96 of 192
    CHECK_THROWS_WITH(check_mapping(layer, arch, m, "ceil"),
                      Catch::Contains("IC cover 96 of the layer's 192 indices"));
  }
}
