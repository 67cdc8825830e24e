// The `hcl` executable is a set of subcommands, one source file each. A file registers its
// subcommand at static-initialization time, so adding a command never edits main.cpp.
//
// Contract for a command:
// - `setup` declares options on the given CLI11 subcommand and returns the function that runs
//   it after a successful parse. The option help strings are the command's documentation.
// - The run function returns the process exit code: 0 success, 1 a check that ran and failed
//   (lint findings, simulation mismatch), 2 bad input or a missing tool. It may also throw; see
//   main.cpp for how exceptions map to exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace hcl::cli {

using RunFn = std::function<int()>;
using SetupFn = std::function<RunFn(CLI::App &)>;

struct Command {
  std::string name;
  std::string description;
  SetupFn setup;
};

std::vector<Command> &command_registry();

struct RegisterCommand {
  RegisterCommand(std::string name, std::string description, SetupFn setup) {
    command_registry().push_back({std::move(name), std::move(description), std::move(setup)});
  }
};

} // namespace hcl::cli
