#include <scheduler/search/padding.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/search/search.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/space_brute_force.h"
#include "support/timeloop_cases.h"
#include "support/tiny_random.h"

#include <chrono>
#include <cmath>
#include <random>

using namespace hcl::sched;

namespace {

bool same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

// K = 7 output channels on a 4-wide array that may only unroll K: unpadded, 7 cannot be split
// onto the array at all (14 MACs take 14 cycles); padded to 8 it runs 4 wide.
struct PrimeOnNarrowArray {
  Problem p;
  Arch a;
  SearchOptions o;
  PrimeOnNarrowArray() {
    ConvShape s;
    s.name = "k7";
    s.K = 7;
    s.C = 2;
    p = make_conv2d(s);
    a = tlcase::arch_with(
        {tlcase::regfile("RF"), tlcase::sram("Buffer", 256), tlcase::dram("DRAM")});
    a.levels[1].fanout_x = 4;
    o.objective = Objective::Cycles;
    o.space.bypass = false; // keeps the brute force small
    o.space.unroll_dims = {p.dim_index("K")};
  }
};

} // namespace

TEST_CASE("padding: candidates are the bounds smoother than every smaller one") {
  // The padding examples (7 -> 8, 55 -> 56/60/64, 197 -> 198/200/208/224), worked by hand:
  // largest prime factor 55 = 5*11 -> 56 = 2^3*7 (7 < 11) -> 60 = 2^2*3*5 (5 < 7) -> 64 = 2^6
  // (2 < 5); 57, 58, 62, 63 improve on neither 56's prime 7 nor its three factors of two.
  CHECK(padding_candidates(7, 0.15) == std::vector<std::int64_t>{8});
  CHECK(padding_candidates(55, 0.2) == std::vector<std::int64_t>{56, 60, 64});
  CHECK(padding_candidates(55, 0.15) == std::vector<std::int64_t>{56, 60});
  // 216 = 2^3*3^3 has prime 3 < 5 (200's), so it joins the list.
  CHECK(padding_candidates(197, 0.15) == std::vector<std::int64_t>{198, 200, 208, 216, 224});
  CHECK(padding_candidates(64, 0.5).empty());        // nothing is smoother than a power of two
  CHECK(padding_candidates(3, 0.3).empty());         // 3 * 1.3 < 4
  CHECK(padding_candidates(3, 1.0 / 3).size() == 1); // exactly 4: no rounding loss
  CHECK(padding_candidates(1, 1.0).empty());         // 2 would only add a padded row
  CHECK_THROWS_AS(padding_candidates(0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(padding_candidates(5, -0.1), std::invalid_argument);
  // The test support's own reading of the rule agrees on a range of bounds.
  for (std::int64_t b = 1; b <= 300; ++b) {
    auto mine = bf::pads(b, 0.25);
    mine.erase(mine.begin());
    INFO(b);
    CHECK(padding_candidates(b, 0.25) == mine);
  }
}

TEST_CASE("padding: candidates of a large bound come without factorizing its whole range") {
  // Q = 10^8 with max_pad 0.2 spans 2 x 10^7 values; factorizing each took minutes. The first
  // 4,096 values follow the full rule (10^8 = 2^8 5^8: only more factors of two beat it
  // there), the rest only the factors-of-two rule.
  const auto start = std::chrono::steady_clock::now();
  CHECK(padding_candidates(100000000, 0.2) ==
        std::vector<std::int64_t>{100000256, 100000768, 100001792, 100003840, 100007936, 100139008,
                                  100663296});
  // A prime: the scan keeps smoother values, then 2^17 x 764 and 2^25 x 3 lie beyond it.
  CHECK(padding_candidates(100000007, 0.2) ==
        std::vector<std::int64_t>{100000008, 100000011, 100000016, 100000017, 100000021, 100000032,
                                  100000044, 100000064, 100000128, 100000256, 100000575, 100000768,
                                  100000800, 100001650, 100001792, 100003840, 100007936, 100139008,
                                  100663296});
  // Near the int64 limit b * (1 + p) does not fit; the candidates stay below 2^62.
  const auto huge = padding_candidates(std::int64_t{3} << 60, 1.0);
  REQUIRE(!huge.empty());
  CHECK(huge.back() == std::int64_t{1} << 62);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 2.0);
}

TEST_CASE("padding: variants start with the unpadded problem and skip fixed dimensions") {
  ConvShape s;
  s.P = 7;
  s.K = 55;
  const Problem p = make_conv2d(s);
  SpaceOptions so;
  so.max_pad = 0.2;
  const auto v = padding_variants(p, so);
  REQUIRE(v.size() == 2 * 4); // P: 7, 8; K: 55, 56, 60, 64
  CHECK(v.front() == p.bounds);
  for (std::size_t i = 2; i < v.size(); ++i) {
    CHECK(with_bounds(p, v[i - 1]).macs() <= with_bounds(p, v[i]).macs());
  }
  so.constraints.resize(3);
  so.constraints[1].temporal[static_cast<std::size_t>(p.dim_index("K"))] = 5;
  CHECK(padding_variants(p, so).size() == 2);
  CHECK_THROWS_AS(with_bounds(p, {1, 2}), std::invalid_argument);
}

TEST_CASE("padding: the search equals brute force over the padded space on random tiny layers") {
  std::mt19937 rng(197);
  int compared = 0, padded_wins = 0;
  for (int i = 0; i < 30; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    SearchOptions o;
    o.mode = i % 3 == 0 ? Mode::Timeloop : Mode::Hcl;
    o.objective = i % 3 == 1 ? Objective::Cycles : i % 3 == 2 ? Objective::Edp : Objective::Energy;
    o.space.max_pad = 0.5; // 3 -> 4 (and 1, 2, 4 stay)
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    const SearchResult r = search(p, a, o);
    INFO("layer " << i << " objective " << objective_name(o.objective));
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    ++compared;
    CHECK(r.optimal);
    CHECK(same(r.objective, brute.best));
    const Problem padded = with_bounds(p, r.bounds);
    CHECK(check_mapping(padded, a, r.mapping).empty());
    CHECK(check_mapping(p, a, r.mapping, ValidateOptions{true}).empty());
    CHECK(mapping_bounds(p, r.mapping) == r.bounds);
    CHECK(same(objective_value(evaluate(padded, a, r.mapping, o.mode), o.objective), r.objective));
    padded_wins += r.bounds != p.bounds ? 1 : 0;
  }
  CHECK(compared >= 25);
  INFO("padded optimum on " << padded_wins << " layers");
  CHECK(padded_wins >= 1);
}

TEST_CASE("padding: a prime bound on an array it cannot fill is strictly better padded") {
  PrimeOnNarrowArray c;
  const SearchResult plain = search(c.p, c.a, c.o);
  const auto brute_plain = bf::enumerate(c.p, c.a, c.o.mode, c.o.objective, c.o.space);
  c.o.space.max_pad = 0.15;
  const SearchResult pad = search(c.p, c.a, c.o);
  const auto brute_pad = bf::enumerate(c.p, c.a, c.o.mode, c.o.objective, c.o.space);
  REQUIRE(plain.found);
  REQUIRE(pad.found);
  CHECK(plain.optimal);
  CHECK(pad.optimal);
  CHECK(same(plain.objective, brute_plain.best));
  CHECK(same(pad.objective, brute_pad.best));
  CHECK(pad.objective < plain.objective);
  const int K = c.p.dim_index("K");
  CHECK(pad.bounds[static_cast<std::size_t>(K)] == 8);
  CHECK(brute_pad.best_bounds == pad.bounds);
  CHECK(plain.bounds == c.p.bounds);
  // Reporting rule: bounds of the original layer (14 MACs on 4 PEs -> 4 cycles), useful
  // utilization from its 14 MACs, MACs performed from the padded 16.
  CHECK(pad.evaluation.macs == 16);
  CHECK(pad.evaluation.bounds.compute_cycles == 4);
  CHECK(pad.evaluation.utilization ==
        Approx(14.0 / (static_cast<double>(pad.evaluation.cycles) * 4.0)));
  CHECK(pad.evaluation.utilization <= 1.0);
}

TEST_CASE("padding: a time limit splits over the variants and keeps a valid lower bound") {
  ConvShape s;
  s.name = "awkward";
  s.R = s.S = 3;
  s.P = s.Q = 13;
  s.C = 7;
  s.K = 11;
  const Problem p = make_conv2d(s);
  Arch a = tlcase::arch_with(
      {tlcase::regfile("RF"), tlcase::sram("Buffer", 2048), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 4;
  SearchOptions o;
  o.space.max_pad = 0.25;
  o.time_limit_s = 0.3;
  const SearchResult r = search(p, a, o);
  REQUIRE(r.found);
  CHECK(r.lower_bound <= r.objective);
  CHECK(r.gap >= 0);
  CHECK(r.gap <= 1);
  CHECK(check_mapping(with_bounds(p, r.bounds), a, r.mapping).empty());
}

TEST_CASE("padding: emitted schedules load back padded and cost the same") {
  // Ours loads against the layer itself (padding: true); Timeloop's, which has no such flag,
  // against the padded problem whose bounds the result reports.
  PrimeOnNarrowArray c;
  c.o.space.max_pad = 0.15;
  const SearchResult r = search(c.p, c.a, c.o);
  REQUIRE(r.found);
  REQUIRE(r.bounds != c.p.bounds);
  const Problem padded = with_bounds(c.p, r.bounds);
  const std::string ours = mapping_to_yaml(c.p, c.a, r.mapping);
  CHECK_THAT(ours, Catch::Contains("padding: true"));
  const Mapping back =
      parse_mapping(load_yaml_string(ours, "k7.schedule.yaml").at("schedule"), c.p, c.a);
  CHECK(mapping_bounds(c.p, back) == r.bounds);
  Evaluation e = evaluate(padded, c.a, back);
  report_against_original(c.p, c.a, e);
  CHECK(e.cycles == r.evaluation.cycles);
  CHECK(e.energy_pj == r.evaluation.energy_pj);
  CHECK(e.utilization == r.evaluation.utilization);
  const std::string tl = mapping_to_timeloop_yaml(padded, c.a, r.mapping);
  const Mapping tback = parse_timeloop_mapping(load_yaml_string(tl, "k7.map.yaml"), padded, c.a);
  CHECK(evaluate(padded, c.a, tback).cycles == r.evaluation.cycles);
  CHECK_THROWS_AS(parse_timeloop_mapping(load_yaml_string(tl, "k7.map.yaml"), c.p, c.a),
                  std::invalid_argument);
}
