#include <flows/flow_dataflow.h>

#include <catch2/catch.hpp>

using namespace hcl::flows;

TEST_CASE("flow_dataflow: Interstellar's names and ours give one canonical dataflow") {
  CHECK(canonical_dataflow("C|K") == "C|K");
  CHECK(canonical_dataflow("IC|OC") == "C|K");
  CHECK(canonical_dataflow("c|k") == "C|K");
  CHECK(canonical_dataflow("FY|Y") == "R|P");
  CHECK(canonical_dataflow("OX|OY") == "Q|P");
  CHECK(canonical_dataflow("FX|FY") == "S|R");
  CHECK(canonical_dataflow("C") == "C");
}

TEST_CASE("flow_dataflow: unknown loops and dataflows the template does not run are refused") {
  CHECK_THROWS_WITH(canonical_dataflow("C|Z"),
                    Catch::Contains("'Z' is not a loop") && Catch::Contains("FY|Y"));
  CHECK_THROWS_WITH(canonical_dataflow("C||K"), Catch::Contains("'' is not a loop"));
  CHECK_THROWS_WITH(choose_dataflow("FY|Y"),
                    Catch::Contains("'FY|Y' (R|P)") && Catch::Contains("it runs C|K"));
  CHECK(choose_dataflow("IC|OC").name == "C|K");
  const FlowDataflow a = choose_dataflow("auto");
  CHECK(a.name == "C|K");
  CHECK_THAT(a.why, Catch::Contains("only dataflow"));
}
