// What a user string must look like before it reaches an external tool. A Yosys script is read
// line by line and a line starting with '!' runs a shell; a Verilator model build writes the
// source paths unquoted into Makefile dependencies that make then reads. So a name or a path
// that could end a command there is refused up front, with exit 2, instead of being escaped
// for one tool and missed for the next.
#pragma once

#include <filesystem>
#include <string>

namespace hcl::flows {

// Throws UsageError naming `what` unless `name` is a plain Verilog identifier: a letter or '_'
// followed by letters, digits, '_' or '$' (escaped identifiers are refused).
void require_identifier(const std::string &name, const std::string &what);

// Throws UsageError naming `what` unless `value` is a number both Yosys (-chparam) and
// Verilator (-G) read: decimal digits (16, 1_000) or a based literal (8'hff, 'b1010, 4'sd3).
void require_parameter_value(const std::string &value, const std::string &what);

// Throws UsageError naming `what` unless `path` can be handed to yosys and verilator as it
// is: no control character (a newline ends a Yosys command and a Makefile line), no '"' (it
// ends a quoted Yosys argument) and no '$' (verilator expands $VAR in paths).
void require_tool_path(const std::filesystem::path &path, const std::string &what);

} // namespace hcl::flows
