#include <scheduler/model/model.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "support/brute_force.h"
#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

const tlcase::Case &find_case(const std::string &name) {
  static const std::vector<tlcase::Case> cases = tlcase::all_cases();
  for (const auto &c : cases) {
    if (c.name == name) {
      return c;
    }
  }
  FAIL("no case " << name);
  throw std::logic_error("unreachable");
}

int level_of(const Arch &a, const std::string &name) {
  for (std::size_t i = 0; i < a.levels.size(); ++i) {
    if (a.levels[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void check_golden(const std::string &name) {
  const auto &c = find_case(name);
  EvalOptions opt;
  opt.legacy_first_fill = c.legacy;
  const Evaluation e = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop, opt);
  CHECK(e.macs == c.problem.macs());
  CHECK(e.cycles == c.cycles);
  for (const auto &row : c.rows) {
    INFO(name << ": " << row.level << " " << row.tensor);
    const int li = level_of(c.arch, row.level);
    REQUIRE(li >= 0);
    int t = -1;
    for (std::size_t k = 0; k < c.problem.tensors.size(); ++k) {
      if (c.problem.tensors[k].name == row.tensor) {
        t = static_cast<int>(k);
      }
    }
    REQUIRE(t >= 0);
    const auto &got = e.levels[static_cast<std::size_t>(li)].tensors[static_cast<std::size_t>(t)];
    REQUIRE(got.has_value());
    CHECK(got->utilized_capacity == row.capacity);
    CHECK(got->utilized_instances == row.instances);
    CHECK(got->reads == row.reads);
    CHECK(got->fills == row.fills);
    CHECK(got->updates == row.updates);
    if (row.energy_pj >= 0) {
      CHECK(got->energy_pj == Approx(row.energy_pj).margin(0.006));
    }
  }
  if (c.total_energy_pj >= 0) {
    CHECK(e.energy_pj == Approx(c.total_energy_pj).epsilon(1e-5));
  }
}

} // namespace

// Golden: Timeloop v0.4 reference counts, timeloop-accelergy-exercises (facts in
// support/timeloop_cases.h with their sources).
TEST_CASE("model golden c1 ref_v4: first read of partial sums is elided") {
  check_golden("c1 ref_v4");
}
TEST_CASE("model golden c2 ref_v4_ws: sliding window across R") { check_golden("c2 ref_v4_ws"); }
TEST_CASE("model golden c2 ref_v4_os: sliding window across P") { check_golden("c2 ref_v4_os"); }
TEST_CASE("model golden c3 ref_v4_untiled: no halo reuse across an outer step") {
  check_golden("c3 ref_v4_untiled");
}
TEST_CASE("model golden c3 ref_v4_tiled") { check_golden("c3 ref_v4_tiled"); }
TEST_CASE("model golden c5 ref_v4_cp: spatial reduction") { check_golden("c5 ref_v4_cp"); }
TEST_CASE("model golden c5 ref_v4_kp: multicast") { check_golden("c5 ref_v4_kp"); }
TEST_CASE("model golden c5 ref_legacy_cp: legacy first fill of partial sums") {
  check_golden("c5 ref_legacy_cp");
}
TEST_CASE("model golden c5 ref_legacy_kp") { check_golden("c5 ref_legacy_kp"); }

TEST_CASE("model: legacy option changes only the child's output fills") {
  const auto &c = find_case("c5 ref_v4_cp");
  EvalOptions legacy;
  legacy.legacy_first_fill = true;
  const Evaluation v4 = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  const Evaluation old = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop, legacy);
  CHECK(v4.levels[0].tensors[2]->fills == 512);
  CHECK(old.levels[0].tensors[2]->fills == 1024);
  CHECK(old.levels[1].tensors[2]->reads == v4.levels[1].tensors[2]->reads);
}

TEST_CASE("model: bypass sends a child's fills to the next keeper") {
  // c2 with the Buffer bypassing Weights: MainMemory serves every MAC directly.
  auto c = find_case("c2 ref_v4_os");
  c.mapping.levels[0].keep = {false, true, true};
  const Evaluation e = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  CHECK_FALSE(e.levels[0].tensors[0].has_value());
  CHECK(e.levels[1].tensors[0]->reads == 48);
  CHECK(e.levels[1].tensors[1]->reads == 18);
}

TEST_CASE("model: operand latching only under an innermost spatial loop") {
  // GEMM-like: 4 MACs fed by a register level with spatial K=4; temporal P=8 above it is
  // irrelevant to Weights, so each MAC keeps its weight latched.
  Problem p = tlcase::conv1d({"K", "R", "P"}, {4, 1, 8});
  Level reg = tlcase::regfile("Reg");
  reg.fanout_x = 4;
  Arch a = tlcase::arch_with({reg, tlcase::sram("Mem", 1024)});
  Mapping m;
  m.levels.resize(2);
  m.levels[0].spatial_x = {{p.dim_index("K"), 4}};
  m.levels[0].temporal = {{p.dim_index("P"), 8}};
  const Evaluation e = evaluate(p, a, m, Mode::Timeloop);
  CHECK(e.levels[0].tensors[0]->reads == 4); // one per MAC, latched for all 8 steps
  CHECK(e.levels[0].tensors[1]->reads == 8); // inputs multicast over K, change every step
  // Same nest without the spatial loop: every MAC reads every operand.
  Level reg1 = tlcase::regfile("Reg");
  Arch a1 = tlcase::arch_with({reg1, tlcase::sram("Mem", 1024)});
  Mapping m1;
  m1.levels.resize(2);
  m1.levels[0].temporal = {{p.dim_index("P"), 8}, {p.dim_index("K"), 4}};
  CHECK(evaluate(p, a1, m1, Mode::Timeloop).levels[0].tensors[0]->reads == 32);
}

TEST_CASE("model: hcl mode on Timeloop's K-tiled case: no halo credit, the machine's cycles") {
  // c3 tiled: K=32 R=3 P=16; Buffer loops R=3, K=2 (innermost first), MainMemory P=16, K=16.
  // Nest, innermost first: 0 R3 (Buffer), 1 K2 (Buffer), 2 P16, 3 K16. Buffer tiles: Weights
  // K2 x R3 = 6 words, Inputs R3 + P1 - 1 = 3, Outputs K2 x P1 = 2.
  // - Weights: first relevant loop above is K16 (pos 3): B = 16, F = 16, P = 6:
  //   16 x (6 + 5) = 176.
  // - Inputs: P16 (pos 2): B = 16 x 16 = 256, fetches 768 (Timeloop slides the window:
  //   16 x (3 + 15 x (3 - 2)) = 288), F = 256: 256 x (3 + 5) = 2048.
  // - Outputs: P16 (pos 2): B = 256, tile positions 16 x 16 = 256, so F = 0: 256 x (2 + 2) = 1024.
  // E = product of the loops from pos 2 = 256; steps = 3 x 2 x 16 x 16 = 1536.
  // cycles = 1 + 256 x 4 + 1536 + 176 + 2048 + 1024 = 5809.
  auto c = find_case("c3 ref_v4_tiled");
  const Evaluation tl = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  const Evaluation hcl = evaluate(c.problem, c.arch, c.mapping, Mode::Hcl);
  CHECK(tl.cycles == 1536);
  CHECK(tl.levels[0].tensors[1]->fills == 288);
  CHECK(hcl.levels[0].tensors[1]->fills == 768);
  CHECK(hcl.levels[1].tensors[1]->reads == 768);
  CHECK(hcl.levels[0].tensors[0]->fills == 96);
  CHECK(hcl.cycles == 5809);
  CHECK(hcl.compute_cycles == 1536);
  // Double-buffered: two tiles must fit, and every tile is prefetched during the run before
  // its event (docs/cost-model.md, "Double buffering"). A run is 6 steps + 4 drain = 10.
  // Start: 1 + the last run 10 + first fills (Weights 6 + 5, Inputs 3 + 5) 19 + the final
  // write-back of both Outputs halves 2 x (2 + 2) 8 = 38. P16 steps alone, 240 events, all
  // first touches of Outputs: prefetch Inputs 8 + Outputs write-back 4 = 12, max(10, 2 + 12)
  // = 14 each, except the very first (no old Outputs tile: max(10, 2 + 8) = 10, -4). K16 steps,
  // 15 events: Weights 11 + Inputs 8 + write-back 4 = 23, max(10, 25) = 25 each.
  // 38 + 240 x 14 - 4 + 15 x 25 = 3769.
  c.arch.levels[0].double_buffered = true;
  const Evaluation dbl = evaluate(c.problem, c.arch, c.mapping, Mode::Hcl);
  CHECK(dbl.levels[0].tensors[0]->utilized_capacity == 12);
  CHECK(tl.levels[0].tensors[0]->utilized_capacity == 6);
  CHECK(dbl.cycles == 3769);
  CHECK(dbl.levels[0].tensors[1]->fills == hcl.levels[0].tensors[1]->fills); // same counts
  c.arch.levels[0].double_buffered = false;
  c.arch.levels[1].read_bandwidth = 0.2; // 96 + 288 words read from MainMemory at 0.2 w/cycle
  CHECK(evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop).cycles == 1920);
  // Hcl mode reports the ports' cycles (768 + 96 words at 0.2) but is not bound by them.
  const Evaluation slow = evaluate(c.problem, c.arch, c.mapping, Mode::Hcl);
  CHECK(slow.levels[1].bandwidth_cycles == 4320);
  CHECK(slow.cycles == 5809);
}

namespace {

// C=2 K=2 R=1 P=4 (no halo): RF under Mem, Mem's mesh unrolls K=2 (two RF instances).
struct SmallCase {
  Problem problem = tlcase::conv1d({"C", "K", "R", "P"}, {2, 2, 1, 4});
  Arch arch;
  Mapping mapping;
  int C = problem.dim_index("C"), K = problem.dim_index("K"), P = problem.dim_index("P");
  SmallCase() {
    Level mem = tlcase::sram("Mem", 1024);
    mem.fanout_x = 2;
    arch = tlcase::arch_with({tlcase::regfile("RF"), mem});
    mapping.levels.resize(2);
    mapping.levels[0].temporal = {{P, 2}};
    mapping.levels[1].spatial_x = {{K, 2}};
    // One word per cycle; the derivations below count words. The two-lane port the arch
    // implies (its widest mesh side) is checked separately.
    arch.machine.port_words = 1;
  }
};

} // namespace

TEST_CASE("model: hcl cycles of a partial-sum tile that is written back and refetched") {
  SmallCase sc;
  // Mem loops innermost first P=2, C=2. Nest: 0 P2 (RF), 1 P2 (Mem), 2 C2 (Mem); 8 steps.
  // RF tiles (per instance): Weights C1 K1 R1 = 1 word, Inputs C1 x (R1 + P2 - 1) = 2,
  // Outputs K1 x P2 = 2.
  // - Weights (C, K, R): first relevant loop above RF is C2 (pos 2): B = F = 2; K is unrolled
  //   below Mem and relevant, so P = 1 x 2 = 2: 2 x (2 + 5) = 14.
  // - Inputs (C, R, P): P2 (pos 1): B = F = 2 x 2 = 4; K is multicast, P = 2: 4 x (2 + 5) = 28.
  // - Outputs (K, P): P2 (pos 1): B = 4, tile positions P2 = 2 first touches, F = 2 (each tile
  //   is refetched once C steps); P = 2 x 2 = 4: 2 x (4 + 5) + 4 x (4 + 2) = 42.
  // E = loops from pos 1 = 2 x 2 = 4. cycles = 1 + 4 x 4 + 8 + 14 + 28 + 42 = 109.
  sc.mapping.levels[1].temporal = {{sc.P, 2}, {sc.C, 2}};
  const Evaluation e = evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl);
  const auto &out = *e.levels[0].tensors[2];
  CHECK(out.fills == 4);   // = F x words: fetches 4 x 2 minus the 4 first-touched words
  CHECK(out.updates == 8); // 16 MACs over the 2 instances
  CHECK(e.levels[1].tensors[2]->updates == 4 * 2 * 2); // B x words x 2 instances
  CHECK(e.levels[1].tensors[2]->reads == 2 * 2 * 2);   // F x words x 2 instances
  CHECK(e.compute_cycles == 8);
  CHECK(e.cycles == 109);
  // Only the timing changes: start 10, drain 1, no tails -> 10 + 4 + 8 + words moved, where
  // words moved = 2 x 2 + 4 x 2 + (2 + 4) x 4 = 36.
  sc.arch.machine = MachineTiming{10, 1, 0, 0, 2, 1};
  CHECK(evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl).cycles == 58);
}

TEST_CASE("model: hcl mode's memory port moves one word per lane per beat") {
  SmallCase sc;
  sc.mapping.levels[1].temporal = {{sc.P, 2}, {sc.C, 2}};
  // With no bandwidth given the port is as wide as the widest mesh side: 2 lanes.
  sc.arch.machine.port_words = 0;
  CHECK(machine_port_words(sc.arch) == 2);
  // The case above, in beats. Weights and Outputs live per PE below the K2 fan-out, and a PE
  // row is its lanes along K (the partial sums' dimension): 2 lanes, one beat per row.
  // - Weights: 2 words = 1 row of 2 lanes = 1 beat: 2 x (1 + 5) = 12.
  // - Inputs: multicast over K, 2 words on one lane = 2 beats: 4 x (2 + 5) = 28.
  // - Outputs: 4 words = 2 rows of 2 lanes = 2 beats: 2 x (2 + 5) + 4 x (2 + 2) = 30.
  // cycles = 1 + 4 x 4 + 8 + 12 + 28 + 30 = 95 (109 with one lane).
  CHECK(evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl).cycles == 95);
  // The backing store's bandwidth caps the port; it never goes below one word per cycle.
  sc.arch.levels[1].read_bandwidth = sc.arch.levels[1].write_bandwidth = 1.5;
  CHECK(machine_port_words(sc.arch) == 1);
  CHECK(evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl).cycles == 109);
  sc.arch.levels[1].read_bandwidth = 0.25;
  CHECK(machine_port_words(sc.arch) == 1);
  sc.arch.levels[1].read_bandwidth = sc.arch.levels[1].write_bandwidth = 64;
  CHECK(machine_port_words(sc.arch) == 2); // a beat moves at most one word per bank
  // Counts do not depend on the port.
  sc.arch.machine.port_words = 1;
  const Evaluation one = evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl);
  sc.arch.machine.port_words = 2;
  const Evaluation two = evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl);
  for (std::size_t i = 0; i < one.levels.size(); ++i)
    for (std::size_t t = 0; t < 3; ++t)
      if (one.levels[i].tensors[t]) {
        CHECK(one.levels[i].tensors[t]->reads == two.levels[i].tensors[t]->reads);
        CHECK(one.levels[i].tensors[t]->fills == two.levels[i].tensors[t]->fills);
        CHECK(one.levels[i].tensors[t]->updates == two.levels[i].tensors[t]->updates);
      }
}

TEST_CASE("model: hcl mode: two loop orders of one level give different events and fills") {
  SmallCase sc;
  sc.mapping.levels[0].keep = {true, false, false}; // the RF keeps only Weights (1 word)
  // Order P inside C: nest 0 P2 (RF), 1 P2, 2 C2. Weights' first relevant loop is C2 (pos 2):
  // B = F = 2, P = 2: 2 x (2 + 5) = 14; E = 2. cycles = 1 + 2 x 4 + 8 + 14 = 31.
  sc.mapping.levels[1].temporal = {{sc.P, 2}, {sc.C, 2}};
  const Evaluation pc = evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl);
  CHECK(pc.levels[0].tensors[0]->fills == 2);
  CHECK(pc.cycles == 31);
  // Order C inside P: C2 is at pos 1: B = F = 4: 4 x 7 = 28; E = 4. cycles = 1 + 16 + 8 + 28 = 53.
  sc.mapping.levels[1].temporal = {{sc.C, 2}, {sc.P, 2}};
  const Evaluation cp = evaluate(sc.problem, sc.arch, sc.mapping, Mode::Hcl);
  CHECK(cp.levels[0].tensors[0]->fills == 4);
  CHECK(cp.cycles == 53);
}

TEST_CASE("model: hcl mode refetches a sliding window whole, Timeloop credits the overlap") {
  // K=1 R=3 P=4; the RF holds one window (R3 x P1: 3 inputs) and Mem steps P=4 over it.
  // Timeloop: overlap of a window with its shift by one P = 3 - 1 = 2 words, so fetches =
  // 3 + 3 x (3 - 2) = 6; hcl: 4 x 3 = 12, more by exactly (4 - 1) x 2.
  Problem p = tlcase::conv1d({"K", "R", "P"}, {1, 3, 4});
  Arch a = tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Mem", 1024)});
  Mapping m;
  m.levels.resize(2);
  m.levels[0].temporal = {{p.dim_index("R"), 3}};
  m.levels[1].temporal = {{p.dim_index("P"), 4}};
  const Evaluation tl = evaluate(p, a, m, Mode::Timeloop);
  const Evaluation hcl = evaluate(p, a, m, Mode::Hcl);
  CHECK(tl.levels[0].tensors[1]->fills == 6);
  CHECK(hcl.levels[0].tensors[1]->fills == 12);
  CHECK(hcl.levels[0].tensors[1]->fills - tl.levels[0].tensors[1]->fills == (4 - 1) * 2);
  CHECK(hcl.levels[1].tensors[1]->reads == 12);
  CHECK(tl.levels[1].tensors[1]->reads == 6);
  // Weights (R: 3 words) stay; Outputs (P) move: B = 4, 4 positions, F = 0.
  // cycles = 1 + E 4 x 4 + 12 steps + W 1 x (3 + 5) + I 4 x (3 + 5) + O 4 x (1 + 2) = 81.
  CHECK(hcl.cycles == 81);
}

TEST_CASE("model: bounds and energy composition") {
  const auto &c = find_case("c5 ref_v4_kp");
  const Evaluation e = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  CHECK(e.bounds.compute_cycles == 3072);
  CHECK(e.bounds.compulsory_backing_words == 3072 + 576 + 512);
  CHECK(e.backing_words == 3072 + 576 + 512);
  CHECK(e.mac_energy_pj == Approx(49152 * 0.845));
  CHECK(e.utilization == Approx(1.0));
}

TEST_CASE("model: malformed mappings are rejected with the reason") {
  const auto &c = find_case("c3 ref_v4_tiled");
  Mapping m = c.mapping;
  m.levels[0].temporal[2].factor = 4; // K: 16 x 4 = 64
  CHECK_THROWS_WITH(evaluate(c.problem, c.arch, m, Mode::Timeloop),
                    Catch::Contains("factors of K multiply to 64, problem has 32"));
  Mapping short_map = c.mapping;
  short_map.levels.pop_back();
  CHECK_THROWS_AS(evaluate(c.problem, c.arch, short_map), std::invalid_argument);
  Mapping spatial = c.mapping;
  spatial.levels[0].spatial_x = {{0, 1}};
  spatial.levels[1].spatial_x = {{c.problem.dim_index("K"), 2}};
  spatial.levels[1].temporal[2].factor = 8;
  CHECK_THROWS_WITH(evaluate(c.problem, c.arch, spatial), Catch::Contains("exceed the mesh 1x1"));
  Mapping bypass = c.mapping;
  bypass.levels[1].keep = {true, false, true};
  CHECK_THROWS_WITH(evaluate(c.problem, c.arch, bypass), Catch::Contains("backing store"));
  CHECK_THROWS_AS(Evaluator(c.problem, c.arch, Mode::Interstellar), std::invalid_argument);
}

TEST_CASE("model: reusable evaluator gives identical results") {
  const auto &c = find_case("c5 ref_v4_cp");
  Evaluator ev(c.problem, c.arch, Mode::Timeloop);
  const double first = ev.evaluate(c.mapping).energy_pj;
  const auto &k = find_case("c5 ref_v4_kp");
  CHECK(ev.evaluate(k.mapping).levels[1].tensors[1]->utilized_capacity == 576);
  CHECK(ev.evaluate(c.mapping).energy_pj == first);
}

namespace {

// Random small layer of the conv1d family with an optional batch, a random 2..4-level arch
// with random fan-outs, and a random valid mapping (spatial loops only over window-free dims,
// where multicast is exact without halo sharing between neighbours).
struct RandomCase {
  Problem problem;
  Arch arch;
  Mapping mapping;
};

RandomCase random_case(std::mt19937 &rng) {
  auto pick = [&](std::vector<std::int64_t> v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  RandomCase rc;
  rc.problem = tlcase::conv1d({"C", "K", "R", "P"}, {pick({1, 2, 3}), pick({1, 2, 4}),
                                                     pick({1, 2, 3}), pick({1, 3, 4, 6})});
  const int L = static_cast<int>(pick({2, 3, 4}));
  std::vector<Level> levels;
  for (int i = 0; i < L; ++i) {
    Level l = tlcase::regfile("L" + std::to_string(i));
    l.fanout_x = i < L - 1 ? pick({1, 1, 2, 4}) : 1;
    l.fanout_y = i < L - 1 ? pick({1, 1, 2}) : 1;
    levels.push_back(l);
  }
  rc.arch = tlcase::arch_with(levels);
  rc.mapping.levels.resize(static_cast<std::size_t>(L));
  const int D = static_cast<int>(rc.problem.dim_names.size());
  std::vector<std::int64_t> sx(static_cast<std::size_t>(L), 1), sy(static_cast<std::size_t>(L), 1);
  for (int d = 0; d < D; ++d) {
    std::int64_t rest = rc.problem.bounds[static_cast<std::size_t>(d)];
    const bool can_spatial = rc.problem.dim_names[static_cast<std::size_t>(d)] == "C" ||
                             rc.problem.dim_names[static_cast<std::size_t>(d)] == "K";
    for (int i = 0; i < L; ++i) {
      auto &lm = rc.mapping.levels[static_cast<std::size_t>(i)];
      const auto &lv = rc.arch.levels[static_cast<std::size_t>(i)];
      if (i == L - 1) {
        lm.temporal.push_back({d, rest});
        break;
      }
      auto take = [&](std::int64_t limit) {
        std::vector<std::int64_t> ds;
        for (std::int64_t f = 1; f <= rest && f <= limit; ++f) {
          if (rest % f == 0) {
            ds.push_back(f);
          }
        }
        const std::int64_t f = pick(ds);
        rest /= f;
        return f;
      };
      if (can_spatial) {
        const std::int64_t fx = take(lv.fanout_x / sx[static_cast<std::size_t>(i)]);
        if (fx > 1) {
          lm.spatial_x.push_back({d, fx});
          sx[static_cast<std::size_t>(i)] *= fx;
        }
        const std::int64_t fy = take(lv.fanout_y / sy[static_cast<std::size_t>(i)]);
        if (fy > 1) {
          lm.spatial_y.push_back({d, fy});
          sy[static_cast<std::size_t>(i)] *= fy;
        }
      }
      lm.temporal.push_back({d, take(rest)});
    }
  }
  for (int i = 0; i < L; ++i) {
    auto &lm = rc.mapping.levels[static_cast<std::size_t>(i)];
    std::shuffle(lm.temporal.begin(), lm.temporal.end(), rng);
    if (i < L - 1) {
      for (auto &k : lm.keep) {
        k = std::uniform_int_distribution<int>(0, 3)(rng) != 0;
      }
    }
  }
  return rc;
}

} // namespace

TEST_CASE("model property: closed form equals the loop-by-loop simulator") {
  std::mt19937 rng(20261126);
  int compared = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const RandomCase rc = random_case(rng);
    for (bool legacy : {false, true}) {
      EvalOptions opt;
      opt.legacy_first_fill = legacy;
      const Evaluation e = evaluate(rc.problem, rc.arch, rc.mapping, Mode::Timeloop, opt);
      const auto ref = brute::Sim(rc.problem, rc.arch, rc.mapping, legacy).run();
      for (std::size_t i = 0; i < ref.size(); ++i) {
        for (std::size_t t = 0; t < 3; ++t) {
          INFO("iteration " << iter << " level " << i << " tensor " << t << " legacy " << legacy);
          REQUIRE(ref[i][t].has_value() == e.levels[i].tensors[t].has_value());
          if (!ref[i][t]) {
            continue;
          }
          const auto &got = *e.levels[i].tensors[t];
          CHECK(got.utilized_capacity == ref[i][t]->capacity);
          CHECK(got.utilized_instances == ref[i][t]->instances);
          CHECK(got.reads == ref[i][t]->reads);
          CHECK(got.fills == ref[i][t]->fills);
          CHECK(got.updates == ref[i][t]->updates);
          ++compared;
        }
      }
    }
  }
  CHECK(compared > 1000);
}

TEST_CASE("model property: hcl mode equals the simulator without halo credit, cycles included") {
  std::mt19937 rng(20270107);
  int compared = 0, halo_cases = 0;
  for (int iter = 0; iter < 300; ++iter) {
    RandomCase rc = random_case(rng);
    if (iter % 2) { // odd cases weigh each term of the cycle formula differently
      rc.arch.machine = MachineTiming{3, 7, 11, 13};
    }
    // The walker moves one word per cycle; wider ports are checked against the RTL
    // (tests/flows/nest_cosim.cpp) and by hand below.
    rc.arch.machine.port_words = 1;
    const Evaluation e = evaluate(rc.problem, rc.arch, rc.mapping, Mode::Hcl);
    const brute::Sim sim(rc.problem, rc.arch, rc.mapping, false, credits_halo(Mode::Hcl));
    const auto ref = sim.run();
    INFO("iteration " << iter);
    const Evaluation tl = evaluate(rc.problem, rc.arch, rc.mapping, Mode::Timeloop);
    for (std::size_t i = 0; i < ref.size(); ++i) {
      for (std::size_t t = 0; t < 3; ++t) {
        INFO("level " << i << " tensor " << t);
        REQUIRE(ref[i][t].has_value() == e.levels[i].tensors[t].has_value());
        if (!ref[i][t]) {
          continue;
        }
        const auto &got = *e.levels[i].tensors[t];
        CHECK(got.utilized_capacity == ref[i][t]->capacity);
        CHECK(got.utilized_instances == ref[i][t]->instances);
        CHECK(got.reads == ref[i][t]->reads);
        CHECK(got.fills == ref[i][t]->fills);
        CHECK(got.updates == ref[i][t]->updates);
        halo_cases += got.fills != tl.levels[i].tensors[t]->fills ? 1 : 0;
        ++compared;
      }
    }
    CHECK(e.cycles == sim.machine_cycles());
  }
  CHECK(compared > 500);
  CHECK(halo_cases > 20); // the two modes differ where a window slides
}

TEST_CASE("model property: brute force reproduces the golden cases too") {
  // Guards the simulator itself: it must agree with Timeloop where Timeloop was run.
  for (const auto &c : tlcase::all_cases()) {
    if (c.problem.macs() > 2000) {
      continue; // c5 is too large to enumerate quickly
    }
    const auto ref = brute::Sim(c.problem, c.arch, c.mapping, c.legacy).run();
    for (const auto &row : c.rows) {
      INFO(c.name << " " << row.level << " " << row.tensor);
      int li = -1, t = -1;
      for (std::size_t i = 0; i < c.arch.levels.size(); ++i) {
        if (c.arch.levels[i].name == row.level) {
          li = static_cast<int>(i);
        }
      }
      for (std::size_t k = 0; k < 3; ++k) {
        if (c.problem.tensors[k].name == row.tensor) {
          t = static_cast<int>(k);
        }
      }
      const auto &got = ref[static_cast<std::size_t>(li)][static_cast<std::size_t>(t)];
      REQUIRE(got.has_value());
      CHECK(got->reads == row.reads);
      CHECK(got->fills == row.fills);
      CHECK(got->updates == row.updates);
      CHECK(got->capacity == row.capacity);
    }
  }
}
