#include <flows/errors.h>
#include <flows/sim.h>
#include <flows/vectors.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using hcl::flows::Bits;

namespace {
const fs::path data_dir = fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data";

// Builds 10,000 cycles of accumulator vectors from a C++ model. `wrap_bits` is the model's
// accumulator width: 16 is the real design; a narrower one is a deliberately wrong model.
hcl::flows::VectorFile accumulator_vectors(int wrap_bits, std::uint64_t *first_divergence) {
  hcl::flows::VectorFile vf;
  vf.source = "generated";
  vf.inputs = {"rst", "en", "d"};
  vf.outputs = {"total"};
  std::mt19937 rng(99);
  std::uint32_t good = 0;
  std::uint32_t model = 0;
  *first_divergence = ~0ULL;
  for (std::uint64_t cycle = 0; cycle < 10000; ++cycle) {
    const std::uint32_t r = cycle == 0 || rng() % 1000 == 0;
    const std::uint32_t e = rng() % 3 != 0;
    const std::uint32_t d = rng() & 0xff;
    good = r ? 0 : e ? (good + d) & 0xffff : good;
    model = r ? 0 : e ? (model + d) & ((1U << wrap_bits) - 1) : model;
    if (good != model && *first_divergence == ~0ULL) {
      *first_divergence = cycle;
    }
    hcl::flows::VectorRow row;
    row.line = static_cast<int>(cycle) + 3;
    row.in = {Bits{r}, Bits{e}, Bits{d}};
    row.out = {Bits{model}};
    vf.rows.push_back(row);
  }
  return vf;
}
} // namespace

TEST_CASE("vectors: 10000 cycles from the C++ model pass on the accumulator") {
  hcl::flows::Simulator sim({data_dir / "accumulator.v"}, "accumulator");
  std::uint64_t diverge = 0;
  const auto vf = accumulator_vectors(16, &diverge);
  // Round trip through the text format, so the file format itself is exercised.
  const auto parsed = hcl::flows::parse_vectors_text(hcl::flows::format_vectors(vf), "acc.vec");
  REQUIRE(parsed.rows.size() == 10000);
  const auto report = hcl::flows::run_vectors(sim, parsed);
  INFO(report.summary("acc.vec"));
  CHECK(report.passed());
  CHECK(report.cycles == 10000);
  CHECK(report.checks == 10000);
}

TEST_CASE("vectors: a wrong model fails with the cycle and the port named") {
  hcl::flows::Simulator sim({data_dir / "accumulator.v"}, "accumulator");
  std::uint64_t diverge = 0;
  // A 12-bit accumulator model agrees with the 16-bit design until its first overflow.
  const auto vf = accumulator_vectors(12, &diverge);
  REQUIRE(diverge < 10000);
  const auto report = hcl::flows::run_vectors(sim, vf, 5);
  REQUIRE_FALSE(report.passed());
  REQUIRE(report.mismatches.size() == 5);
  const auto &m = report.mismatches.front();
  CHECK(m.cycle == diverge);
  CHECK(m.port == "total");
  CHECK(m.expected != m.actual);
  const auto text = report.summary("acc.vec");
  CHECK_THAT(text, Catch::Contains("cycle " + std::to_string(diverge) + " (acc.vec:" +
                                   std::to_string(diverge + 3) + "): port total expected"));
}

TEST_CASE("vectors: don't care, hold and wide hex values") {
  hcl::flows::SimOptions opts;
  opts.reset = "";
  hcl::flows::Simulator sim({data_dir / "wide_pipe.v"}, "wide_pipe", opts);
  const auto vf = hcl::flows::parse_vectors_text(
      "# wide ports\n"
      "ports: a b | q sum\n"
      "0x8_00000000_00000000_00000001 0 | x 0x8_00000000_00000000_00000001\n"
      "- 1 | 0x3 0x8_00000000_00000000_00000002   # a held; q = rotl(a)\n",
      "wide.vec");
  const auto report = hcl::flows::run_vectors(sim, vf);
  INFO(report.summary("wide.vec"));
  CHECK(report.passed());
  CHECK(report.checks == 3);
}

TEST_CASE("vectors: parse errors name file, line and column") {
  CHECK_THROWS_WITH(hcl::flows::parse_vectors_text("ports: a | b\n1 2 | 3\n", "v.txt"),
                    Catch::Contains("v.txt:2:1") && Catch::Contains("2 input value(s) for 1"));
  CHECK_THROWS_WITH(hcl::flows::parse_vectors_text("ports: a | b\n1 | zz\n", "v.txt"),
                    Catch::Contains("v.txt:2:5") && Catch::Contains("column 'b'"));
  CHECK_THROWS_WITH(hcl::flows::parse_vectors_text("1 | 2\n", "v.txt"),
                    Catch::Contains("v.txt:1:1") && Catch::Contains("ports:"));
}

TEST_CASE("vectors: columns must be ports of the design") {
  hcl::flows::Simulator sim({data_dir / "accumulator.v"}, "accumulator");
  CHECK_THROWS_WITH(
      hcl::flows::run_vectors(sim, hcl::flows::parse_vectors_text("ports: d | nope\n1 | 2\n", "v")),
      Catch::Contains("column 'nope' is not a port"));
  CHECK_THROWS_WITH(hcl::flows::run_vectors(
                        sim, hcl::flows::parse_vectors_text("ports: total | d\n1 | 2\n", "v")),
                    Catch::Contains("listed as an input"));
}

TEST_CASE("parse_bits and format_bits agree on wide values") {
  CHECK(hcl::flows::parse_bits("0x1_00000000_00000002") == Bits{2, 0, 1});
  CHECK(hcl::flows::format_bits(Bits{2, 0, 1}) == "0x10000000000000002");
  CHECK(hcl::flows::parse_bits("0b101") == Bits{5});
  CHECK(hcl::flows::parse_bits("18446744073709551615") == Bits{0xffffffffu, 0xffffffffu});
  CHECK_THROWS_AS(hcl::flows::parse_bits("18446744073709551616"), hcl::flows::UsageError);
  CHECK_THROWS_AS(hcl::flows::parse_bits("0xg"), hcl::flows::UsageError);
}
