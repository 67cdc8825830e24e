#include <scheduler/search/allocate.h>

#include <scheduler/search/explore.h>

#include <catch2/catch.hpp>

#include <limits>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

namespace {

Problem conv(const char *name, std::int64_t c, std::int64_t k, std::int64_t pq, std::int64_t r) {
  ConvShape s;
  s.name = name;
  s.R = s.S = r;
  s.P = s.Q = pq;
  s.C = c;
  s.K = k;
  return make_conv2d(s);
}

// RF / Buffer / DRAM with a 4x4 mesh, energies from the Timeloop exercises' ERT, areas from
// the built-in table (as `area_table: accelergy_40nm` would set them).
Arch arch() {
  Arch a =
      tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 256), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 4;
  for (auto &l : a.levels) {
    l.area_um2 = accelergy40_level_area_um2(l.kind, l.size_words, l.word_bits);
  }
  a.mac_area_um2 = accelergy40_mac_area_um2(a.mac_bits);
  a.has_area = true;
  return a;
}

const std::vector<SizeCandidates> kSizes = {{"RF", {8, 16, 32, 64}},
                                            {"Buffer", {64, 128, 256, 512, 1024}}};

struct Brute {
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::int64_t> sizes;
};

struct Combo {
  std::vector<std::int64_t> sizes;
  double area = 0;
  double value = std::numeric_limits<double>::infinity(); // infinity: some layer fits nowhere
};

// Every combination searched in full, no bounds involved: the reference the allocation's bound
// ordering and early stop must reproduce.
std::vector<Combo> every_combination(const Network &net, const Arch &base, Objective obj,
                                     double max_pad = 0) {
  std::vector<Combo> out;
  SearchOptions so;
  so.objective = obj;
  so.space.max_pad = max_pad;
  for (auto rf : kSizes[0].size_bytes) {
    for (auto buf : kSizes[1].size_bytes) {
      const Arch a = resize_level(resize_level(base, 0, rf), 1, buf);
      Combo c{{rf, buf}, arch_area(a).total_um2, 0};
      for (const auto &l : net.layers) {
        const SearchResult r = search(l.problem, a, so);
        REQUIRE(r.optimal);
        c.value = r.found ? c.value + r.objective * static_cast<double>(l.repeat)
                          : std::numeric_limits<double>::infinity();
      }
      out.push_back(c);
    }
  }
  return out;
}

// The best combination within `budget` (0 = none).
Brute best_within(const std::vector<Combo> &combos, double budget) {
  Brute b;
  for (const auto &c : combos) {
    if ((budget <= 0 || c.area <= budget) && c.value < b.best) {
      b.best = c.value;
      b.sizes = c.sizes;
    }
  }
  return b;
}

Network one_layer(const Problem &p) {
  Network n;
  n.name = p.name;
  n.layers.push_back({p, 1});
  return n;
}

} // namespace

TEST_CASE("allocate: equals brute force over every combination, with and without a budget") {
  const Arch a = arch();
  Network net;
  net.name = "two";
  net.layers.push_back({conv("a", 4, 8, 4, 3), 1});
  net.layers.push_back({conv("b", 8, 4, 6, 1), 2});
  net.layers.push_back({conv("a2", 4, 8, 4, 3), 1}); // same shape as "a": searched once
  // Budgets from none to tight: the combinations cost 7,264 um^2 (8 B RFs, 64 B buffer) to
  // 22,285 um^2 (64 B RFs, 1 KB buffer), of which the 16 MACs are 5,316 um^2.
  for (const Objective obj : {Objective::Energy, Objective::Cycles}) {
    const auto combos = every_combination(net, a, obj);
    for (const double budget : {0.0, 12000.0, 9000.0, 7500.0}) {
      INFO("objective " << objective_name(obj) << ", budget " << budget);
      SearchOptions so;
      so.objective = obj;
      const AllocationResult r = allocate(net, a, {kSizes, budget}, so);
      const Brute b = best_within(combos, budget);
      REQUIRE(r.found);
      CHECK(r.optimal);
      CHECK(r.gap == 0);
      CHECK(r.objective == Approx(b.best).epsilon(1e-9));
      CHECK(network_objective(r.schedule, obj) == Approx(r.objective).epsilon(1e-12));
      if (budget > 0) {
        CHECK(r.area_um2 <= budget);
      }
      CHECK(r.area_um2 == Approx(arch_area(r.arch).total_um2));
      CHECK(r.points.size() == 20);
      CHECK(r.searched + r.pruned == r.within_budget);
      for (const auto &p : r.points) {
        if (p.searched && p.found) {
          CHECK(p.lower_bound <= p.objective * (1 + 1e-9)); // the bound is admissible
        }
      }
    }
  }
}

TEST_CASE("allocate: a budget changes the chosen sizes") {
  const Arch a = arch();
  const Network net = one_layer(conv("wide", 16, 16, 4, 1));
  const AllocationResult free = allocate(net, a, {kSizes, 0}, SearchOptions{});
  REQUIRE(free.found);
  double smallest = std::numeric_limits<double>::infinity();
  for (const auto &p : free.points) {
    smallest = std::min(smallest, p.area_um2);
  }
  // Unconstrained, a larger buffer pays for itself (fewer DRAM accesses at 2,048 pJ per
  // 32-word block), so the budget below it has something to take away.
  REQUIRE(free.area_um2 > smallest);
  const double budget = free.area_um2 - 1;
  const AllocationResult tight = allocate(net, a, {kSizes, budget}, SearchOptions{});
  REQUIRE(tight.found);
  CHECK(tight.size_bytes != free.size_bytes);
  CHECK(tight.area_um2 <= budget);
  CHECK(tight.objective > free.objective);
  const auto combos = every_combination(net, a, Objective::Energy);
  CHECK(tight.objective == Approx(best_within(combos, budget).best).epsilon(1e-9));
  CHECK(free.objective == Approx(best_within(combos, 0).best).epsilon(1e-9));
  for (const auto &c : combos) {
    if (c.sizes == tight.size_bytes) { // the chosen sizes really cost what was reported
      CHECK(c.value == Approx(tight.objective).epsilon(1e-9));
      CHECK(c.area == Approx(tight.area_um2));
    }
  }
  const auto j = allocation_json(tight);
  CHECK(j["max_area_um2"] == budget);
  CHECK(j["levels"] == nlohmann::json({"RF", "Buffer"}));
  CHECK(j["area"]["total_um2"].get<double>() == Approx(tight.area_um2));
}

TEST_CASE("allocate: with padding in the space the bounds stay admissible") {
  const Arch a = arch();
  const Network net = one_layer(conv("odd", 3, 7, 5, 3)); // 7 and 5 pad to 8 and 6
  SearchOptions so;
  so.space.max_pad = 0.2;
  const AllocationResult r = allocate(net, a, {kSizes, 0}, so);
  REQUIRE(r.found);
  CHECK(r.optimal);
  CHECK(
      r.objective ==
      Approx(best_within(every_combination(net, a, Objective::Energy, 0.2), 0).best).epsilon(1e-9));
  for (const auto &p : r.points) {
    if (p.searched && p.found) {
      CHECK(p.lower_bound <= p.objective * (1 + 1e-9));
    }
  }
}

TEST_CASE("allocate: a time limit reports a bound below the answer") {
  const Arch a = arch();
  const Network net = one_layer(conv("wide", 16, 16, 4, 1));
  SearchOptions so;
  so.time_limit_s = 1e-3;
  const AllocationResult r = allocate(net, a, {kSizes, 0}, so);
  REQUIRE(r.found);
  CHECK(r.lower_bound <= r.objective);
  CHECK(r.gap >= 0);
  CHECK(r.gap == Approx((r.objective - r.lower_bound) / r.objective));
  CHECK(r.searched + r.pruned + r.out_of_time == r.within_budget);
  for (const auto &p : r.points) {
    CHECK_FALSE((p.out_of_time && p.searched));
  }
}

TEST_CASE("allocate: bad requests are std::invalid_argument naming what is valid") {
  const Arch a = arch();
  const Network net = one_layer(conv("a", 4, 8, 4, 3));
  const SearchOptions so;
  CHECK_THROWS_WITH(allocate(net, a, {{{"L9", {8}}}, 0}, so),
                    Catch::Contains("no level 'L9'") && Catch::Contains("RF, Buffer"));
  CHECK_THROWS_WITH(allocate(net, a, {{{"DRAM", {8}}}, 0}, so),
                    Catch::Contains("backing store is not sized"));
  CHECK_THROWS_WITH(allocate(net, a, {{{"RF", {8}}, {"RF", {16}}}, 0}, so),
                    Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(allocate(net, a, {{{"RF", {}}}, 0}, so), Catch::Contains("no candidate sizes"));
  CHECK_THROWS_AS(allocate(net, a, {{{"RF", {0}}}, 0}, so), std::invalid_argument);
  Arch wide = a;
  wide.levels[0].word_bits = 32;
  CHECK_THROWS_WITH(allocate(net, wide, {{{"RF", {6}}}, 0}, so),
                    Catch::Contains("6 B is not a positive whole number of 32-bit words"));
  Arch no_area = a;
  no_area.has_area = false;
  CHECK_THROWS_WITH(allocate(net, no_area, {{}, 1e6}, so), Catch::Contains("has no area model"));
  // Over the budget: with no sizes to choose, the arch itself; with sizes, every combination.
  const double area = arch_area(a).total_um2;
  CHECK_THROWS_WITH(allocate(net, a, {{}, area / 2}, so),
                    Catch::Contains("exceeds the area budget") && Catch::Contains(" um^2"));
  CHECK_THROWS_WITH(allocate(net, a, {kSizes, 1000}, so),
                    Catch::Contains("no combination of sizes fits the area budget"));
  // Within the budget and nothing to size: the arch as given.
  const AllocationResult r = allocate(net, a, {{}, area * 2}, so);
  REQUIRE(r.found);
  CHECK(r.area_um2 == Approx(area));
  CHECK(r.objective == Approx(search(net.layers[0].problem, a, so).objective));
}
