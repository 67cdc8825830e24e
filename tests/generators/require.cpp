#include <generators/require.h>

#include <catch2/catch.hpp>

TEST_CASE("require reports the key and the reason") {
  CHECK_NOTHROW(hcl::gen::require(true, "rows", "must be >= 1"));
  try {
    hcl::gen::require(false, "rows", "must be >= 1 (got 0)");
    FAIL("expected ConfigError");
  } catch (const hcl::gen::ConfigError &e) {
    CHECK(e.key() == "rows");
    CHECK(std::string(e.what()) == "rows: must be >= 1 (got 0)");
  }
}
