#include <support/text.h>

#include <catch2/catch.hpp>

using hcl::support::grouped;
using hcl::support::grouped_digits;

TEST_CASE("grouped puts a comma between groups of three digits") {
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1000) == "1,000");
  CHECK(grouped(-1234567) == "-1,234,567");
  CHECK(grouped_digits("123456789012345678901") == "123,456,789,012,345,678,901");
}

TEST_CASE("trim drops leading and trailing white space only") {
  CHECK(hcl::support::trim("  a b \t\n") == "a b");
  CHECK(hcl::support::trim("") == "");
  CHECK(hcl::support::trim(" \t ") == "");
  CHECK(hcl::support::trim("x") == "x");
}
