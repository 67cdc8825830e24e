#include <flows/flow_compare.h>

#include <catch2/catch.hpp>

using Catch::Contains;
using hcl::flows::CompareDesign;
using hcl::flows::CompareResult;

namespace {
CompareDesign row(const std::string &dataflow, const std::string &point, double energy) {
  CompareDesign d;
  d.dataflow = dataflow;
  d.point = point;
  d.folder = "f-" + dataflow + point;
  d.rtl_energy_pj = energy;
  d.model_energy_pj = energy;
  d.rtl_cycles = d.model_cycles = 100;
  d.passed = true;
  return d;
}
} // namespace

TEST_CASE("compare_json: the spread between dataflows per point and the range over sizes per "
          "dataflow, from the designs that were built") {
  CompareResult r;
  r.layer = "conv3";
  r.designs = {row("C|K", "B=1 B", 100), row("C", "B=1 B", 130), row("C|K", "B=2 B", 120),
               row("C", "B=2 B", 0)};
  r.designs.back().error = "rows: must be in [1, 64]";
  r.designs.back().passed = false;
  const auto j = hcl::flows::compare_json(r);
  REQUIRE(j["designs"].size() == 4);
  CHECK(j["designs"][3]["error"] == "rows: must be in [1, 64]");
  CHECK(j["designs"][3]["folder"].is_null()); // nothing was written for it
  CHECK_FALSE(j["designs"][0].contains("error"));
  REQUIRE(j["dataflow_spread"].size() == 2);
  CHECK(j["dataflow_spread"][0]["point"] == "B=1 B");
  CHECK(j["dataflow_spread"][0]["ratio"].get<double>() == Approx(1.3));
  CHECK(j["dataflow_spread"][1]["ratio"].get<double>() == Approx(1.0)); // C was not built there
  REQUIRE(j["sizing_range"].size() == 2);
  CHECK(j["sizing_range"][0]["dataflow"] == "C|K");
  CHECK(j["sizing_range"][0]["ratio"].get<double>() == Approx(1.2));
  CHECK(j["sizing_range"][1]["min_energy_pj"].get<double>() == Approx(130));
}

TEST_CASE("compare_markdown: one row per design, '|' escaped inside cells, unbuilt ones say why") {
  CompareResult r;
  r.layer = "conv3";
  r.designs = {row("C|K", "B=1 B", 100), row("C", "B=1 B", 0)};
  r.designs.back().error = "too wide";
  const std::string md = hcl::flows::compare_markdown(r);
  CHECK_THAT(md, Contains("| B=1 B | C\\|K | 100 | 100 | 100 | 100 | 0 | pass | f-C\\|KB=1 B/ |"));
  CHECK_THAT(md, Contains("| B=1 B | C | | | | | | not run: too wide | |"));
  CHECK_THAT(md, Contains("layer conv3"));
}
