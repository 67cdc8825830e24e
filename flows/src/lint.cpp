#include <flows/errors.h>
#include <flows/lint.h>
#include <flows/tool.h>
#include <flows/tool_args.h>

#include <fmt/core.h>

#include <regex>
#include <set>
#include <sstream>

namespace hcl::flows {

namespace fs = std::filesystem;

std::vector<LintDiagnostic> parse_verilator_diagnostics(const std::string &output) {
  // Only the first line of each message matters; continuation lines (source excerpts, "... In
  // instance", hints) are indented and do not start with '%'.
  static const std::regex head(R"(^%(Warning|Error)(?:-([A-Za-z0-9_]+))?: (.*)$)");
  static const std::regex located(R"(^([^:]+):(\d+):(\d+): (.*)$)");
  static const std::regex located_no_col(R"(^([^:]+):(\d+): (.*)$)");
  std::vector<LintDiagnostic> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, head)) {
      continue;
    }
    LintDiagnostic d;
    d.severity = m[1] == "Warning" ? "warning" : "error";
    d.code = m[2].matched ? m[2].str() : "ERROR";
    std::string rest = m[3];
    // Summary lines repeat what the diagnostics above already said.
    if (rest.rfind("Exiting due to", 0) == 0 || rest == "Cannot continue" ||
        rest.rfind("Command Failed", 0) == 0) {
      continue;
    }
    std::smatch loc;
    if (std::regex_match(rest, loc, located)) {
      d.file = loc[1];
      d.line = std::stoi(loc[2]);
      d.col = std::stoi(loc[3]);
      d.message = loc[4];
    } else if (std::regex_match(rest, loc, located_no_col)) {
      d.file = loc[1];
      d.line = std::stoi(loc[2]);
      d.message = loc[3];
    } else {
      d.message = rest;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string format_diagnostic(const LintDiagnostic &d) {
  std::string where;
  if (!d.file.empty()) {
    where = d.col > 0 ? fmt::format("{}:{}:{}: ", d.file, d.line, d.col)
                      : fmt::format("{}:{}: ", d.file, d.line);
  }
  return fmt::format("{}{}[{}]: {}", where, d.severity, d.code, d.message);
}

LintResult lint(const std::vector<fs::path> &files, const std::string &top) {
  if (files.empty()) {
    throw UsageError("lint: no Verilog files given");
  }
  if (!top.empty()) {
    require_identifier(top, "--top");
  }
  for (const auto &f : files) {
    require_tool_path(f, "Verilog file");
  }
  const fs::path verilator = verilator_executable();
  std::vector<std::string> argv = {verilator.string(), "--lint-only", "-Wall", "--quiet-exit"};
  if (!top.empty()) {
    argv.push_back("--top-module");
    argv.push_back(top);
  }
  std::set<std::string> dirs;
  for (const auto &f : files) {
    dirs.insert(fs::absolute(f).parent_path().string());
  }
  for (const auto &d : dirs) {
    argv.push_back("-I" + d);
  }
  // Verilator prints the paths as given; a file named like an option (-Wno-fatal.v) gets
  // "./" so that it stays a file.
  for (const auto &f : files) {
    argv.push_back(f.string().rfind('-', 0) == 0 ? "./" + f.string() : f.string());
  }
  auto run = run_process(argv);
  LintResult result;
  result.log = run.output;
  result.diagnostics = parse_verilator_diagnostics(run.output);
  if (run.exit_code != 0 && result.diagnostics.empty()) {
    // Verilator failed in a way we cannot parse (crash, bad option): never call that clean.
    result.diagnostics.push_back(
        {"", 0, 0, "TOOL", "error",
         fmt::format("verilator exited with {}: {}", run.exit_code, tail_lines(run.output, 10))});
  }
  return result;
}

} // namespace hcl::flows
