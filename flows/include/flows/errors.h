// Error types of the flows layer. Convention shared by every library of the project: an
// exception that reports bad user input or a missing external tool derives from
// std::invalid_argument, and the `hcl` shell turns it into exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace hcl::flows {

// Bad input to a flow: a path that does not exist, an option value out of range.
class UsageError : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

// An external program (verilator, yosys) is not installed. The message names the Debian
// package that provides it.
class ToolMissing : public UsageError {
public:
  ToolMissing(const std::string &tool, const std::string &package)
      : UsageError(tool + " not found on PATH; install it with: apt-get install " + package) {}
};

// A run stopped on request (Ctrl-C) before it finished; it wrote nothing. Not bad input.
class Interrupted : public std::runtime_error {
public:
  Interrupted() : std::runtime_error("interrupted before the end; nothing was written") {}
};

// Throws UsageError "<what> file '<path>' does not exist" unless `path` is a regular file.
// `what` names where the path came from, e.g. the option "--arch".
void require_file(const std::string &path, const char *what);

} // namespace hcl::flows
