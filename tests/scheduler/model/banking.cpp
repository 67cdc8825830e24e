#include <scheduler/model/banking.h>

#include <scheduler/model/model.h>
#include <scheduler/search/search.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/space_brute_force.h"
#include "support/tiny_random.h"

#include <cmath>
#include <random>

using namespace hcl::sched;

namespace {

enum { R, S, P, Q, C, K, N };

// DRAM / Buffer (a 4 x 4 mesh below; Inputs banked along X, Outputs along Y) / one weight
// register per PE: the generated weight-stationary accelerator's shape.
Arch banked_arch(std::int64_t buffer_words) {
  Arch a;
  a.name = "banked";
  a.levels.resize(3);
  a.levels[0].name = "WeightReg";
  a.levels[0].kind = MemKind::Register;
  a.levels[0].size_words = 1;
  a.levels[0].keeps = {true, false, false};
  a.levels[1].name = "Buffer";
  a.levels[1].size_words = buffer_words;
  a.levels[1].keeps = {false, true, true};
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 4;
  a.levels[1].bank_axes = {0, 1, 2};
  a.levels[2].name = "DRAM";
  a.levels[2].kind = MemKind::DRAM;
  return a;
}

// C2 K4 P4 Q4 R3 S3: 2 of the 4 rows carry C, all 4 columns carry K.
Problem layer() {
  ConvShape s;
  s.name = "half_rows";
  s.C = 2;
  s.K = 4;
  s.P = s.Q = 4;
  s.R = s.S = 3;
  return make_conv2d(s);
}

Mapping half_rows() {
  Mapping m;
  m.levels.resize(3);
  m.levels[1].temporal = {{S, 3}, {R, 3}, {Q, 4}, {P, 4}};
  m.levels[1].spatial_x = {{C, 2}};
  m.levels[1].spatial_y = {{K, 4}};
  m.levels[0].keep = {true, false, false};
  m.levels[1].keep = {false, true, true};
  return m;
}

} // namespace

TEST_CASE("banking: a tile takes banks x its lane share, idle banks included") {
  const Problem p = layer();
  const Arch a = banked_arch(1024);
  const Mapping m = half_rows();
  const std::int64_t tile[] = {3, 3, 4, 4, 2, 4, 1}; // everything at Buffer and below
  const Banking in = banking_of(a, m, 1, 1), out = banking_of(a, m, 1, 2);
  CHECK(in.banks == 4);
  CHECK(in.lane[C] == 2);
  CHECK(out.banks == 4);
  CHECK(out.lane[K] == 4);
  // Inputs: 2 channels of a 6 x 6 window = 72 words, 36 per lane, in 4 banks of 36.
  CHECK(p.footprint(1, tile) == 72);
  CHECK(held_words(p, 1, tile, in) == 144);
  // Outputs use every column: banking changes nothing.
  CHECK(held_words(p, 2, tile, out) == p.footprint(2, tile));
  // Unbanked (a spec file's level): the footprint.
  Arch plain = a;
  plain.levels[1].bank_axes = {0, 0, 0};
  const Banking none = banking_of(plain, m, 1, 1);
  CHECK_FALSE(none.banked());
  CHECK(held_words(p, 1, tile, none) == 72);
}

TEST_CASE("banking: the capacity check, the model's utilized capacity and tile_words count "
          "every bank") {
  const Problem p = layer();
  const Mapping m = half_rows();
  // 72 + 64 = 136 words by footprint, 144 + 64 = 208 banked.
  Arch plain = banked_arch(200);
  plain.levels[1].bank_axes = {0, 0, 0};
  CHECK(check_mapping(p, plain, m).empty());
  const Arch a = banked_arch(200);
  const auto issues = check_mapping(p, a, m);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == MappingIssue::Kind::Capacity);
  CHECK(issues[0].message == "tile needs 208 words at Buffer, capacity 200: Inputs 144 (4 banks x "
                             "36) + Outputs 64 (4 banks x 16)");
  CHECK(tile_words(p, a, m, 1) == 208);
  const Arch roomy = banked_arch(208);
  CHECK(check_mapping(p, roomy, m).empty());
  const Evaluation e = evaluate(p, roomy, m, Mode::Hcl);
  REQUIRE(e.levels[1].tensors[1].has_value());
  CHECK(e.levels[1].tensors[1]->utilized_capacity == 144);
  CHECK(e.levels[1].tensors[2]->utilized_capacity == 64);
}

TEST_CASE("banking: the search's capacity cuts agree with check_mapping on banked random "
          "tiny architectures (optimum equals brute force)") {
  std::mt19937 rng(20261203);
  int compared = 0, differs = 0;
  for (int i = 0; i < 24; ++i) {
    const Problem p = tiny::layer(rng, i);
    Arch a = tiny::arch(rng);
    Arch plain = a;
    for (std::size_t l = 1; l + 1 < a.levels.size(); ++l)
      a.levels[l].bank_axes = {0, 1, 2};
    SearchOptions o;
    o.mode = Mode::Hcl;
    o.objective = i % 2 ? Objective::Cycles : Objective::Energy;
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    const SearchResult r = search(p, a, o);
    INFO("layer " << i << " " << p.name);
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found)
      continue;
    CHECK(r.optimal);
    CHECK(std::fabs(r.objective - brute.best) <= 1e-9 * std::max(1.0, std::fabs(brute.best)));
    CHECK(check_mapping(p, a, r.mapping).empty());
    const auto unbanked = bf::enumerate(p, plain, o.mode, o.objective, o.space);
    differs += unbanked.valid != brute.valid;
    ++compared;
  }
  CHECK(compared >= 18);
  CHECK(differs >= 3); // banking cut mappings in a fair share of the draws
}
