#include <generators/file_name.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using hcl::gen::ConfigError;
using hcl::gen::require_file_name;

TEST_CASE("file_name: a plain name passes") {
  CHECK_NOTHROW(require_file_name("conv1", "layer"));
  CHECK_NOTHROW(require_file_name("features.14.dw", "layer"));
  CHECK_NOTHROW(require_file_name(".hidden", "layer"));
  CHECK_NOTHROW(require_file_name(std::string(hcl::gen::kMaxFileNameBytes, 'a'), "layer"));
}

TEST_CASE("file_name: names that leave the folder or are no file are refused, naming what") {
  const std::vector<std::string> bad_names{
      "",        ".",         "..",
      "../../x", "/abs/path", "a/b",
      "a\\b",    "a\nb",      std::string(hcl::gen::kMaxFileNameBytes + 1, 'a')};
  for (const auto &bad : bad_names) {
    CAPTURE(bad);
    CHECK_THROWS_AS(require_file_name(bad, "layer"), ConfigError);
  }
  CHECK_THROWS_WITH(require_file_name("../../x", "net.yaml: layer name"),
                    Catch::StartsWith("net.yaml: layer name: \"../../x\" cannot be a file name: "
                                      "it must not be empty, '.' or '..'"));
}
