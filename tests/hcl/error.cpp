#include <hcl/error.h>

#include <catch2/catch.hpp>

#include <string>

namespace {
hcl::Error make_error_here(std::source_location where = std::source_location::current()) {
  return hcl::Error("width mismatch", where);
}
} // namespace

TEST_CASE("hcl::Error names the caller's file and line") {
  const auto line = __LINE__ + 1;
  hcl::Error e = make_error_here();
  const std::string what = e.what();
  REQUIRE(what.find("tests/hcl/error.cpp:" + std::to_string(line) + ": error: width mismatch") !=
          std::string::npos);
  REQUIRE(e.message() == "width mismatch");
  REQUIRE(e.where().line() == line);
}
