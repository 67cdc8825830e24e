// Test-only helper: elaborating `body` must throw an hcl::Error whose message contains every
// fragment and whose location is this test file at `line`.
#pragma once

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <functional>
#include <string>
#include <vector>

namespace hcl_test {

inline std::string expect_error(const std::function<void()> &body, unsigned line,
                                const std::vector<std::string> &fragments,
                                const std::string &file) {
  try {
    hcl::elaborate(hcl::FnModule{"Dut", body});
  } catch (const hcl::Error &e) {
    std::string what = e.what();
    INFO("error was: " << what);
    CHECK(std::string(e.where().file_name()).find(file) != std::string::npos);
    CHECK(e.where().line() == line);
    CHECK(what.find(file + ":" + std::to_string(line) + ": error: ") != std::string::npos);
    for (const auto &f : fragments)
      CHECK(what.find(f) != std::string::npos);
    return what;
  }
  FAIL("elaboration did not throw hcl::Error");
  return {};
}

} // namespace hcl_test
