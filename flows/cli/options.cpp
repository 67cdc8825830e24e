#include "options.h"

#include <flows/errors.h>

#include <fmt/core.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace hcl::cli {

CLI::Validator finite_number(double min, double max, bool open_min) {
  const std::string range = max == std::numeric_limits<double>::max()
                                ? fmt::format("a finite number {} {}", open_min ? ">" : ">=", min)
                                : fmt::format("a number from {} to {}", min, max);
  return CLI::Validator(
      [=](std::string &text) -> std::string {
        errno = 0;
        char *end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool parsed = !text.empty() && end == text.c_str() + text.size() && errno != ERANGE;
        if (!parsed || !std::isfinite(v) || v < min || v > max || (open_min && v == min)) {
          return fmt::format("'{}' is not valid; give {}", text, range);
        }
        return {};
      },
      range);
}

std::vector<std::string> comma_list(const std::string &text, const std::string &option,
                                    const std::string &example) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (out.back().empty()) {
      throw flows::UsageError(fmt::format("{} '{}': an empty item; give a comma-separated list "
                                          "such as {}",
                                          option, text, example));
    }
    if (comma == std::string::npos) {
      return out;
    }
    start = comma + 1;
  }
}

} // namespace hcl::cli
