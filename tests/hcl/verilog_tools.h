// Test-only helpers that run Verilator and Yosys on a folder of emitted Verilog. A missing tool
// is a failure that names the tool, never a silent skip: the lint requirement is the point.
#pragma once

#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hcl_test {

struct ToolRun {
  int rc = -1;
  std::string output;
};

inline ToolRun run_command(const std::string &cmd) {
  ToolRun r;
  FILE *p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p)
    return r;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p))
    r.output += buf.data();
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool have_tool(const std::string &tool) { return run_command("command -v " + tool).rc == 0; }

// A fresh folder under the build tree for one test's output.
inline std::filesystem::path scratch_dir(const std::string &name) {
  auto dir = std::filesystem::path(HCL_BINARY_DIR) / "test-out" / "hcl" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Paths are quoted for the shell; Yosys scripts take them bare (our build paths have no spaces).
inline std::string file_list(const hcl::EmitResult &r, bool quote = true) {
  std::string s;
  for (const auto &f : r.files) {
    s += quote ? " '" : " ";
    s += f.string();
    if (quote)
      s += "'";
  }
  return s;
}

// `verilator --lint-only -Wall` with no waivers over every emitted file.
inline void require_verilator_clean(const hcl::EmitResult &r) {
  if (!have_tool("verilator"))
    FAIL("verilator not found on PATH; install it with: apt-get install verilator");
  auto run = run_command("verilator --lint-only -Wall --top-module " + r.top + file_list(r));
  INFO("verilator --lint-only -Wall output:\n" << run.output);
  REQUIRE(run.rc == 0);
  REQUIRE(run.output.find("%Warning") == std::string::npos);
}

// Yosys reads the files (read_verilog -sv) and elaborates the hierarchy without warnings.
inline void require_yosys_clean(const hcl::EmitResult &r) {
  if (!have_tool("yosys"))
    FAIL("yosys not found on PATH; install it with: apt-get install yosys");
  std::string script =
      "read_verilog -sv" + file_list(r, false) + "; hierarchy -check -top " + r.top;
  auto run = run_command("yosys -q -p \"" + script + "\"");
  INFO("yosys output:\n" << run.output);
  REQUIRE(run.rc == 0);
  REQUIRE(run.output.find("Warning") == std::string::npos);
}

inline std::string read_text(const std::filesystem::path &p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Compares `text` with tests/hcl/golden/<name>. With HCL_UPDATE_GOLDEN=1 the golden file is
// rewritten instead (review the diff before committing it).
inline void require_golden(const std::string &name, const std::string &text) {
  auto golden = std::filesystem::path(HCL_SOURCE_DIR) / "tests" / "hcl" / "golden" / name;
  if (const char *u = std::getenv("HCL_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(golden) << text;
    WARN("updated golden file " << golden);
    return;
  }
  REQUIRE(std::filesystem::exists(golden));
  std::string expected = read_text(golden);
  if (expected != text) {
    auto actual = std::filesystem::path(HCL_BINARY_DIR) / "test-out" / "hcl" / ("actual_" + name);
    std::filesystem::create_directories(actual.parent_path());
    std::ofstream(actual) << text;
    FAIL("emitted text differs from " << golden << "; actual output written to " << actual
                                      << " (diff them; HCL_UPDATE_GOLDEN=1 rewrites goldens)");
  }
}

} // namespace hcl_test
