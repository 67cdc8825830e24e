// Entry point of the `hcl` command-line shell: parses the subcommand and maps failures to the
// project's exit-code convention (0 ok, 1 check failed, 2 bad input or missing tool).
#include "command.h"
#include "interrupt.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>

namespace hcl::cli {
std::vector<Command> &command_registry() {
  static std::vector<Command> commands;
  return commands;
}
} // namespace hcl::cli

namespace {

std::string usage_line(const CLI::App *sub) {
  if (sub != nullptr) {
    return fmt::format("usage: hcl {} [options]   (see 'hcl {} --help')", sub->get_name(),
                       sub->get_name());
  }
  return "usage: hcl [--help] [--version] <command> [<args>]   (see 'hcl --help')";
}

int run(int argc, char **argv) {
  hcl::cli::install_interrupt_handler(); // first, so that handlers installed later chain to it
  CLI::App app{"hcl: from a DNN layer and a schedule to a verified accelerator.\n"
               "Each command has its own help: hcl <command> --help",
               "hcl"};
  app.set_version_flag("--version", "hcl " HCL_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough(false);

  auto &commands = hcl::cli::command_registry();
  std::sort(commands.begin(), commands.end(),
            [](const auto &a, const auto &b) { return a.name < b.name; });
  std::map<CLI::App *, hcl::cli::RunFn> runners;
  for (auto &cmd : commands) {
    CLI::App *sub = app.add_subcommand(cmd.name, cmd.description);
    runners[sub] = cmd.setup(*sub);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) { // --help, --help-all, --version
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    const auto parsed = app.get_subcommands();
    const CLI::App *sub = parsed.empty() ? nullptr : parsed.front();
    fmt::print(stderr, "hcl: error: {}\n{}\n", e.what(), usage_line(sub));
    return 2;
  }

  const auto parsed = app.get_subcommands();
  if (parsed.empty()) {
    fmt::print("{}", app.help());
    return 0;
  }
  try {
    const int rc = runners.at(parsed.front())();
    return hcl::cli::interrupted() ? hcl::cli::kInterruptedExit : rc;
  } catch (const std::exception &e) {
    if (hcl::cli::interrupted()) { // whatever the interrupted work threw on its way out
      fmt::print(stderr, "hcl {}: interrupted\n", parsed.front()->get_name());
      return hcl::cli::kInterruptedExit;
    }
    // Every library reports bad user input (and missing tools) with its own exception type;
    // all of them derive from std::invalid_argument, so the shell can tell bad input (exit 2)
    // from internal faults (exit 1) without depending on each library's error classes.
    if (dynamic_cast<const std::invalid_argument *>(&e) != nullptr) {
      fmt::print(stderr, "hcl {}: error: {}\n", parsed.front()->get_name(), e.what());
      return 2;
    }
    fmt::print(stderr, "hcl {}: internal error: {}\n", parsed.front()->get_name(), e.what());
    return 1;
  }
}

} // namespace

// What escapes run() (setting up the commands failed, or reporting an error did) is an internal
// fault: said with C stdio, which cannot throw again on the way out.
int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    std::fputs("hcl: internal error: ", stderr);
    std::fputs(e.what(), stderr);
    std::fputs("\n", stderr);
  } catch (...) {
    std::fputs("hcl: internal error\n", stderr);
  }
  return 1;
}
