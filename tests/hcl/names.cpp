#include <catch2/catch.hpp>

// names.h is internal to the library; the test reaches it by path.
#include "../../hcl/src/names.h"

using hcl::detail::NameScope;

TEST_CASE("names: legal free names are kept exactly") {
  NameScope s;
  REQUIRE(s.claim("acc_q") == "acc_q");
  REQUIRE(s.claim("PE_0_1") == "PE_0_1");
}

TEST_CASE("names: keywords get a trailing underscore, clashes a numeric suffix") {
  NameScope s;
  REQUIRE(s.claim("reg") == "reg_");
  REQUIRE(s.claim("module") == "module_");
  REQUIRE(s.claim("x") == "x");
  REQUIRE(s.claim("x") == "x_1");
  REQUIRE(s.claim("x") == "x_2");
  REQUIRE(hcl::detail::is_verilog_keyword("always_ff"));
  REQUIRE_FALSE(hcl::detail::is_verilog_keyword("count"));
}

TEST_CASE("names: characters Verilog does not allow become underscores") {
  NameScope s;
  REQUIRE(s.claim("a.b[3]") == "a_b_3_");
  REQUIRE(s.claim("3d") == "_3d");
  REQUIRE(s.claim("") == "_");
}
