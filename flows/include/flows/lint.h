// Lint of Verilog sources with `verilator --lint-only -Wall`: every warning and error becomes a
// structured diagnostic so callers (the `hcl lint` command, tests of generated RTL) can check
// for a clean result or point at the offending line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hcl::flows {

struct LintDiagnostic {
  std::string file;     // as Verilator printed it; empty for messages without a location
  int line = 0;         // 1-based; 0 when Verilator gave no location
  int col = 0;          // 1-based; 0 when unknown
  std::string code;     // Verilator's code (WIDTH, UNUSEDSIGNAL, ...); "ERROR" for plain errors
  std::string severity; // "warning" or "error"
  std::string message;  // the first line of the message, without the location prefix
};

struct LintResult {
  std::vector<LintDiagnostic> diagnostics;
  std::string log; // Verilator's full output, for context the diagnostics leave out
  bool clean() const { return diagnostics.empty(); }
};

// Lints `files` with `top` as the top module (empty: let Verilator pick it). The folders of the
// files are added to the include path. Throws ToolMissing when Verilator is not installed
// (honours HCL_VERILATOR) and UsageError when `files` is empty.
LintResult lint(const std::vector<std::filesystem::path> &files, const std::string &top = "");

// Parses Verilator's diagnostic output; exposed for tests.
std::vector<LintDiagnostic> parse_verilator_diagnostics(const std::string &output);

// "file:line:col: severity[CODE]: message", the format `hcl lint` prints.
std::string format_diagnostic(const LintDiagnostic &d);

} // namespace hcl::flows
