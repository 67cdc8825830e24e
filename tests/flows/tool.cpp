#include <flows/errors.h>
#include <flows/tool.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

TEST_CASE("find_executable finds sh on PATH and honours an override") {
  CHECK(hcl::flows::find_executable("sh").has_value());
  CHECK_FALSE(hcl::flows::find_executable("no-such-tool-hcl-xyz").has_value());
  ::setenv("HCL_TEST_TOOL", "/nonexistent/tool", 1);
  CHECK_FALSE(hcl::flows::find_executable("sh", "HCL_TEST_TOOL").has_value());
  CHECK_THROWS_AS(hcl::flows::require_executable("sh", "dash", "HCL_TEST_TOOL"),
                  hcl::flows::ToolMissing);
  ::unsetenv("HCL_TEST_TOOL");
}

TEST_CASE("run_process captures output and exit code") {
  const auto sh = *hcl::flows::find_executable("sh");
  const auto r = hcl::flows::run_process({sh.string(), "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.exit_code == 3);
  CHECK(r.output.find("out") != std::string::npos);
  CHECK(r.output.find("err") != std::string::npos);
}

TEST_CASE("run_process runs the tool in a process group of its own, with nothing to read") {
  // Its own group is what lets hcl end the tool and everything it started; `cat` returns at once
  // only if stdin is /dev/null.
  const auto r = hcl::flows::run_process(
      {"/bin/sh", "-c", "cat; set -- $(cat /proc/$$/stat); echo \"$1 $5\""});
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.output);
  long pid = 0, group = 0;
  in >> pid >> group;
  CHECK(pid > 0);
  CHECK(group == pid);
}

TEST_CASE("tail_lines keeps the last lines") {
  CHECK(hcl::flows::tail_lines("a\nb\nc\n", 2) == "b\nc\n");
  CHECK(hcl::flows::tail_lines("a\nb", 5) == "a\nb");
}

TEST_CASE("collect_verilog expands folders and rejects missing paths") {
  const auto dir = fs::temp_directory_path() / ("hcl-collect-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "b.v") << "module b; endmodule\n";
  std::ofstream(dir / "a.sv") << "module a; endmodule\n";
  std::ofstream(dir / "notes.txt") << "x\n";
  const auto files = hcl::flows::collect_verilog({dir});
  REQUIRE(files.size() == 2);
  CHECK(files[0].filename() == "a.sv");
  CHECK(files[1].filename() == "b.v");
  CHECK_THROWS_AS(hcl::flows::collect_verilog({dir / "missing.v"}), hcl::flows::UsageError);
  CHECK_THROWS_AS(hcl::flows::collect_verilog({}), hcl::flows::UsageError);
  fs::remove_all(dir);
}

TEST_CASE("run_process hands each complete output line to on_line, and keeps the output too") {
  const auto sh = *hcl::flows::find_executable("sh");
  std::vector<std::string> lines;
  const auto r = hcl::flows::run_process({sh.string(), "-c",
                                          "printf 'a\\nbb\\n'; sleep 0.1; "
                                          "printf 'c'; sleep 0.1; printf 'd\\ne'"},
                                         {}, [&](const std::string &l) { lines.push_back(l); });
  CHECK(r.exit_code == 0);
  CHECK(r.output == "a\nbb\ncd\ne");
  // The unterminated "e" is not a line; "c" and "d" arrive in two reads but make one line.
  CHECK(lines == std::vector<std::string>{"a", "bb", "cd"});
}
