// `hcl lint`: Verilator's lint over Verilog files or an output folder, one line per finding.
#include "command.h"

#include <flows/lint.h>
#include <flows/tool.h>

#include <fmt/core.h>

#include <filesystem>

namespace {

const hcl::cli::RegisterCommand reg_lint{
    "lint", "Lint Verilog with verilator --lint-only -Wall; exit 1 if anything is reported",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      auto paths = std::make_shared<std::vector<std::string>>();
      auto top = std::make_shared<std::string>();
      cmd.add_option("paths", *paths,
                     "Verilog files (*.v, *.sv) or folders holding them (not recursive)")
          ->required();
      cmd.add_option("--top", *top,
                     "Top module name; needed when the files hold several top-level modules");
      return [paths, top]() {
        std::vector<std::filesystem::path> inputs(paths->begin(), paths->end());
        const auto files = hcl::flows::collect_verilog(inputs);
        const auto result = hcl::flows::lint(files, *top);
        for (const auto &d : result.diagnostics) {
          fmt::print("{}\n", hcl::flows::format_diagnostic(d));
        }
        if (!result.clean()) {
          fmt::print(stderr, "hcl lint: {} finding(s) in {} file(s)\n", result.diagnostics.size(),
                     files.size());
          return 1;
        }
        fmt::print("hcl lint: clean ({} file(s))\n", files.size());
        return 0;
      };
    }};

} // namespace
