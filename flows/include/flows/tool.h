// Running the external EDA tools (Verilator, Yosys, the C++ compiler) the flows wrap. Shared by
// lint, co-simulation and synthesis so that all of them find tools, collect inputs and report
// tool failures the same way.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hcl::flows {

// Locates `name` on PATH. If the environment variable `env_override` is set and non-empty, its
// value is used instead (an absolute path or a name looked up on PATH); this is how tests
// exercise the missing-tool path. Returns nullopt when the tool cannot be found.
std::optional<std::filesystem::path> find_executable(const std::string &name,
                                                     const std::string &env_override = "");

// Like find_executable, but throws ToolMissing naming `package` when the tool is absent.
std::filesystem::path require_executable(const std::string &name, const std::string &package,
                                         const std::string &env_override = "");

// Verilator and Yosys, honouring HCL_VERILATOR / HCL_YOSYS overrides.
std::filesystem::path verilator_executable();
std::filesystem::path yosys_executable();

struct ProcessResult {
  int exit_code = -1; // the program's exit status; 128+N when killed by signal N
  std::string output; // stdout and stderr, interleaved as the program wrote them
};

// Runs `argv` (argv[0] is an executable path) in `cwd` (empty: current folder), without a
// shell, and waits for it. Throws std::runtime_error only if the process cannot be started.
// The tool runs in a process group of its own, with stdin on /dev/null, and is killed by the
// kernel if the calling thread dies. The first call installs SIGINT and SIGTERM handlers that
// kill the groups of the running tools and then run the handler installed before them (or
// the default action); a handler installed later must chain to the one it replaces, or
// killing hcl leaves the tools running. `on_line`, when set, sees each line of the output
// (without its newline) as the tool writes it, on the calling thread; the output is kept too.
ProcessResult run_process(const std::vector<std::string> &argv,
                          const std::filesystem::path &cwd = {},
                          const std::function<void(const std::string &)> &on_line = {});

// What `exe flag` prints (e.g. `yosys -V`), run once per process for each pair: the tool caches
// key their entries by it.
const std::string &tool_version(const std::filesystem::path &exe, const std::string &flag);

// The last `n` lines of `text`, for error messages that quote a tool's log.
std::string tail_lines(const std::string &text, std::size_t n = 20);

// Expands files and folders into the Verilog sources they name: a file is taken as is, a
// folder contributes its *.v and *.sv files (not recursively), sorted by name. Throws
// UsageError naming the path if one does not exist or if nothing is left.
std::vector<std::filesystem::path> collect_verilog(const std::vector<std::filesystem::path> &paths);

} // namespace hcl::flows
