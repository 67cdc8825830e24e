#include <flows/errors.h>
#include <flows/tool_args.h>

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

} // namespace

void require_identifier(const std::string &name, const std::string &what) {
  static const std::regex ident("[A-Za-z_][A-Za-z0-9_$]*");
  if (!std::regex_match(name, ident)) {
    // {:?} quotes and escapes, so a newline in the value shows as \n instead of breaking the
    // message.
    throw UsageError(fmt::format("{} {:?} is not a Verilog identifier (a letter or '_', then "
                                 "letters, digits, '_' or '$')",
                                 what, name));
  }
}

void require_parameter_value(const std::string &value, const std::string &what) {
  static const std::regex number(
      R"([0-9][0-9_]*|([0-9][0-9_]*)?'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ?_]+)");
  if (!std::regex_match(value, number)) {
    throw UsageError(fmt::format("{} {:?} is not a number: give decimal digits (16) or a Verilog "
                                 "based literal (8'hff, 4'b1010)",
                                 what, value));
  }
}

void require_tool_path(const fs::path &path, const std::string &what) {
  const std::string s = fs::absolute(path).string();
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return is_control(c) || c == '"' || c == '$'; })) {
    throw UsageError(fmt::format("{} {:?}: a path given to yosys or verilator may not hold a "
                                 "control character (such as a newline), '\"' or '$'; rename it",
                                 what, path.string()));
  }
}

} // namespace hcl::flows
