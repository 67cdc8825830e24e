#include <flows/errors.h>
#include <flows/lint.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
const fs::path data_dir = fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data";

// Restores an environment variable when the test ends, even on failure.
struct EnvGuard {
  std::string name;
  std::string old;
  bool had;
  EnvGuard(std::string n, const char *value) : name(std::move(n)) {
    const char *o = std::getenv(name.c_str());
    had = o != nullptr;
    old = had ? o : "";
    ::setenv(name.c_str(), value, 1);
  }
  ~EnvGuard() {
    if (had) {
      ::setenv(name.c_str(), old.c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};
} // namespace

TEST_CASE("lint reports a syntax error with its file and line") {
  const auto result = hcl::flows::lint({data_dir / "lint_broken.v"}, "lint_broken");
  REQUIRE_FALSE(result.clean());
  const auto &d = result.diagnostics.front();
  CHECK(fs::path(d.file).filename() == "lint_broken.v");
  // The missing ';' on line 6 is noticed at `endmodule` on line 7.
  CHECK(d.line == 7);
  CHECK(d.severity == "error");
  CHECK(d.message.find("syntax error") != std::string::npos);
}

TEST_CASE("lint passes a clean design") {
  const auto result = hcl::flows::lint({data_dir / "lint_clean.v"}, "lint_clean");
  INFO(result.log);
  CHECK(result.clean());
}

TEST_CASE("lint reports -Wall warnings with code and column") {
  const auto dir = fs::temp_directory_path() / ("hcl-lint-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "w.v") << "module w(input [7:0] a, output [3:0] y);\n"
                                  "  assign y = a;\n"
                                  "endmodule\n";
  }
  const auto result = hcl::flows::lint({dir / "w.v"}, "w");
  fs::remove_all(dir);
  REQUIRE(result.diagnostics.size() >= 1);
  bool width = false;
  for (const auto &d : result.diagnostics) {
    if (d.code == "WIDTH") {
      width = true;
      CHECK(d.line == 2);
      CHECK(d.col == 12);
      CHECK(hcl::flows::format_diagnostic(d).find("w.v:2:12: warning[WIDTH]") != std::string::npos);
    }
  }
  CHECK(width);
}

TEST_CASE("lint without verilator throws ToolMissing naming the package") {
  EnvGuard guard("HCL_VERILATOR", "/nonexistent/verilator");
  try {
    (void)hcl::flows::lint({data_dir / "lint_clean.v"});
    FAIL("expected ToolMissing");
  } catch (const hcl::flows::ToolMissing &e) {
    CHECK(std::string(e.what()).find("apt-get install verilator") != std::string::npos);
  }
}

TEST_CASE("parse_verilator_diagnostics skips summaries and continuation lines") {
  const std::string out = "%Warning-UNUSEDSIGNAL: a.v:1:19: Signal is not used: 'clk'\n"
                          "                                  : ... In instance a\n"
                          "    1 | module a(input clk);\n"
                          "%Error: Cannot find file containing module: 'b'\n"
                          "%Error: Exiting due to 1 error(s)\n";
  const auto ds = hcl::flows::parse_verilator_diagnostics(out);
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].file == "a.v");
  CHECK(ds[0].code == "UNUSEDSIGNAL");
  CHECK(ds[1].file.empty());
  CHECK(ds[1].message == "Cannot find file containing module: 'b'");
}
