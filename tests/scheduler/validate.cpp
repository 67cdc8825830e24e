#include <scheduler/validate.h>

#include <catch2/catch.hpp>

using namespace hcl::sched;

namespace {

// DRAM / GlobalBuffer (8,192 words, double buffered, 14 x 12 mesh below) / RF (512 words).
Arch test_arch() {
  Arch a;
  a.name = "test";
  a.levels.resize(3);
  a.levels[0].name = "RF";
  a.levels[0].kind = MemKind::RegFile;
  a.levels[0].size_words = 512;
  a.levels[1].name = "GlobalBuffer";
  a.levels[1].size_words = 8192;
  a.levels[1].double_buffered = true;
  a.levels[1].fanout_x = 14;
  a.levels[1].fanout_y = 12;
  a.levels[2].name = "DRAM";
  a.levels[2].kind = MemKind::DRAM;
  return a;
}

// C32 K8 P14 Q24 R3 S3; dims R,S,P,Q,C,K,N = 0..6.
Problem test_problem() {
  ConvShape s;
  s.name = "t";
  s.C = 32;
  s.K = 8;
  s.P = 14;
  s.Q = 24;
  s.R = 3;
  s.S = 3;
  return make_conv2d(s);
}
enum { R, S, P, Q, C, K, N };

// RF: 3x3 window; GlobalBuffer: a 7 x 12 plane of 16 input channels for 2 output channels
// (one per column of the mesh); DRAM: the rest.
Mapping good_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[0].temporal = {{S, 3}, {R, 3}};
  m.levels[1].temporal = {{Q, 12}, {P, 7}, {C, 16}};
  m.levels[1].spatial_x = {{K, 2}};
  m.levels[2].temporal = {{K, 4}, {P, 2}, {Q, 2}, {C, 2}};
  return m;
}

// The whole 7 x 24 plane, all 32 input and 4 output channels at the GlobalBuffer: 9,312 words.
Mapping big_mapping() {
  Mapping m;
  m.levels.resize(3);
  m.levels[0].temporal = {{S, 3}, {R, 3}};
  m.levels[1].temporal = {{Q, 24}, {P, 7}, {C, 32}, {K, 4}};
  m.levels[2].temporal = {{K, 2}, {P, 2}};
  return m;
}

std::vector<std::string> messages(const Problem &p, const Arch &a, const Mapping &m,
                                  const ValidateOptions &o = {}) {
  std::vector<std::string> out;
  for (const auto &i : check_mapping(p, a, m, o)) {
    out.push_back(i.message);
  }
  return out;
}

} // namespace

TEST_CASE("a legal mapping has no issues") {
  const auto p = test_problem();
  const auto a = test_arch();
  const auto m = good_mapping();
  CHECK(check_mapping(p, a, m).empty());
  CHECK_NOTHROW(validate(p, a, m));
  // Tile at the GlobalBuffer: W 2*16*9 + I 16*9*14 + O 2*7*12 (halo-aware inputs).
  CHECK(tile_words(p, a, m, 1) == 288 + 2016 + 168);
  // The big tile: W 4*32*9 + I 32*9*26 + O 4*7*24.
  CHECK(tile_words(p, a, big_mapping(), 1) == 1152 + 7488 + 672);
  CHECK(tile_words(p, a, m, 0) == 9 + 9 + 1);
}

TEST_CASE("factors that do not multiply to the bound") {
  ConvShape s;
  s.name = "k64";
  s.K = 64;
  const Problem p = make_conv2d(s);
  Arch a = test_arch();
  Mapping m;
  m.levels.resize(3);
  m.levels[2].temporal = {{K, 3}};
  m.levels[1].spatial_y = {{K, 4}};
  m.levels[0].temporal = {{K, 4}};
  const auto issues = check_mapping(p, a, m);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == MappingIssue::Kind::Product);
  CHECK(issues[0].dim == K);
  CHECK(issues[0].level == -1);
  CHECK(issues[0].message == "factors of K multiply to 48, layer has 64");
}

TEST_CASE("a tile larger than a double-buffered level") {
  const auto p = test_problem();
  const auto a = test_arch();
  Mapping m = big_mapping();
  const auto issues = check_mapping(p, a, m);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == MappingIssue::Kind::Capacity);
  CHECK(issues[0].level == 1);
  CHECK(issues[0].message == "tile needs 9,312 words at GlobalBuffer, capacity 8,192 (4,096 "
                             "with double buffering): Weights 1,152 + Inputs 7,488 + Outputs "
                             "672");
}

TEST_CASE("a tile below a level's min_utilization (Timeloop's min-utilization)") {
  // Timeloop (src/model/buffer.cpp) fails a mapping whose tiles at a buffer need fewer words
  // than min-utilization x its effective size (the capacity over the buffering factor). The
  // good mapping's tiles take 2,472 of the buffer's 4,096 usable words: 0.604 of them.
  const auto p = test_problem();
  Arch a = test_arch();
  a.levels[1].min_utilization = 0.6;
  CHECK(check_mapping(p, a, good_mapping()).empty());
  a.levels[1].min_utilization = 0.7;
  const auto issues = check_mapping(p, a, good_mapping());
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == MappingIssue::Kind::Capacity);
  CHECK(issues[0].level == 1);
  CHECK(issues[0].message == "tiles use 2,472 words at GlobalBuffer, below its min_utilization "
                             "0.7 of 4,096 usable words (at least 2,868)");
  CHECK(below_min_utilization(a.levels[1], 2867));
  CHECK_FALSE(below_min_utilization(a.levels[1], 2868));
  CHECK_FALSE(below_min_utilization(a.levels[2], 0)); // unbounded: no minimum
}

TEST_CASE("capacity counts only the tensors a level keeps") {
  const auto p = test_problem();
  Arch a = test_arch();
  a.levels[1].double_buffered = false;
  a.levels[1].size_words = 8000;
  Mapping m = big_mapping();
  CHECK(messages(p, a, m) == std::vector<std::string>{"tile needs 9,312 words at GlobalBuffer, "
                                                      "capacity 8,000: Weights 1,152 + Inputs "
                                                      "7,488 + Outputs 672"});
  m.levels[1].keep[0] = false; // bypass weights: 8,160 words
  CHECK(messages(p, a, m) == std::vector<std::string>{"tile needs 8,160 words at GlobalBuffer, "
                                                      "capacity 8,000: Inputs 7,488 + Outputs "
                                                      "672"});
  a.levels[1].keeps[1] = false; // the arch cannot hold inputs: only outputs count (and fit)
  m.levels[1].keep[1] = false;
  CHECK(check_mapping(p, a, m).empty());
  CHECK(tile_words(p, a, m, 1) == 672);
  m.levels[1].keep = {true, true, true}; // tile_words still counts only what the arch keeps
  CHECK(tile_words(p, a, m, 1) == 1152 + 672);
}

TEST_CASE("spatial factors beyond the mesh") {
  const auto p = test_problem();
  Arch a = test_arch();
  a.levels[1].size_words = 0; // unbounded: only the fan-out is under test
  Mapping m = good_mapping();
  m.levels[1].temporal = {{Q, 12}, {P, 7}};
  m.levels[1].spatial_x = {{C, 32}};
  m.levels[1].spatial_y = {{K, 2}};
  m.levels[2].temporal = {{K, 4}, {P, 2}, {Q, 2}};
  CHECK(messages(p, a, m) ==
        std::vector<std::string>{"spatial factor 32 on X exceeds mesh 14 below GlobalBuffer"});

  m.levels[1].spatial_x = {{C, 2}};
  m.levels[1].spatial_y = {{K, 4}, {P, 2}, {Q, 2}};
  m.levels[1].temporal = {{Q, 12}, {P, 7}, {C, 16}};
  m.levels[2].temporal = {{K, 2}};
  const auto issues = check_mapping(p, a, m);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].kind == MappingIssue::Kind::Fanout);
  CHECK(issues[0].level == 1);
  CHECK(issues[0].message == "spatial factor 16 (K=4 x P=2 x Q=2) on Y exceeds mesh 12 below "
                             "GlobalBuffer");
}

TEST_CASE("spatial factors at a level without fan-out") {
  const auto p = test_problem();
  const auto a = test_arch();
  Mapping m = good_mapping();
  m.levels[0].temporal = {{S, 3}};
  m.levels[0].spatial_y = {{R, 3}};
  CHECK(messages(p, a, m) == std::vector<std::string>{"spatial factor 3 on Y below RF, which has "
                                                      "no spatial fan-out"});
}

TEST_CASE("keeping what the arch bypasses, and bypassing at the backing store") {
  const auto p = test_problem();
  Arch a = test_arch();
  a.levels[1].keeps = {false, true, true};
  Mapping m = good_mapping();
  m.levels[2].keep[2] = false;
  const auto issues = check_mapping(p, a, m);
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].kind == MappingIssue::Kind::Keep);
  CHECK(issues[0].tensor == 0);
  CHECK(issues[0].message == "GlobalBuffer cannot keep Weights: the architecture bypasses it "
                             "there");
  CHECK(issues[1].message == "DRAM is the backing store and must keep Outputs");
}

TEST_CASE("bad factors, repeated dims and shape mismatches") {
  const auto p = test_problem();
  const auto a = test_arch();
  Mapping m = good_mapping();
  m.levels[2].temporal = {{K, 2}, {P, 0}};
  auto msgs = messages(p, a, m);
  REQUIRE_FALSE(msgs.empty());
  CHECK(msgs[0] == "temporal factor of P at DRAM is 0, factors must be at least 1");

  m = good_mapping();
  m.levels[2].temporal.push_back({K, 1});
  msgs = messages(p, a, m);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0] == "K appears twice in the temporal loops at DRAM; merge the factors");

  m = good_mapping();
  m.levels[0].spatial_x = {{9, 1}};
  msgs = messages(p, a, m);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0] == "spatial X loops at RF use dimension index 9, layer 't' has 7 dimensions "
                   "(R, S, P, Q, C, K, N)");

  m.levels.pop_back();
  msgs = messages(p, a, m);
  CHECK(msgs == std::vector<std::string>{"mapping has 2 levels, architecture 'test' has 3"});
}

TEST_CASE("padding lets factors overshoot by less than one outer step") {
  ConvShape s;
  s.name = "k7";
  s.K = 7;
  const Problem p = make_conv2d(s);
  const Arch a = test_arch();
  Mapping m;
  m.levels.resize(3);
  m.levels[0].temporal = {{K, 4}};
  m.levels[2].temporal = {{K, 2}}; // 8 >= 7, and 4 * 1 < 7: the second step is needed
  CHECK(messages(p, a, m) == std::vector<std::string>{"factors of K multiply to 8, layer has 7"});
  ValidateOptions pad;
  pad.allow_padding = true;
  CHECK(check_mapping(p, a, m, pad).empty());
  m.levels[2].temporal = {{K, 4}}; // 16: the last two outer steps are pure padding
  CHECK(messages(p, a, m, pad) ==
        std::vector<std::string>{"factors of K multiply to 16, layer has 7 (padding may not add "
                                 "a whole outer step)"});
  m.levels[2].temporal = {{K, 1}}; // 4 < 7 is never fine
  CHECK(messages(p, a, m, pad) ==
        std::vector<std::string>{"factors of K multiply to 4, layer has 7"});
}

TEST_CASE("validate throws MappingError listing every issue") {
  const auto p = test_problem();
  Arch a = test_arch();
  a.levels[1].double_buffered = false;
  Mapping m = good_mapping();
  m.levels[1].spatial_x = {{K, 20}};
  try {
    validate(p, a, m);
    FAIL("expected MappingError");
  } catch (const MappingError &e) {
    REQUIRE(e.issues().size() == 2);
    CHECK(std::string(e.what()) == "invalid mapping:\n  factors of K multiply to 80, layer has "
                                   "8\n  spatial factor 20 on X exceeds mesh 14 below "
                                   "GlobalBuffer");
  }
  CHECK_THROWS_AS(validate(p, a, m), std::invalid_argument);
}

TEST_CASE("group_digits") {
  CHECK(group_digits(0) == "0");
  CHECK(group_digits(999) == "999");
  CHECK(group_digits(9312) == "9,312");
  CHECK(group_digits(1234567) == "1,234,567");
  CHECK(group_digits(-4096) == "-4,096");
  CHECK(group_digits(INT64_MIN) == "-9,223,372,036,854,775,808");
}
