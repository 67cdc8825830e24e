#include <hcl/error.h>

#include <fmt/core.h>

namespace hcl {

std::string format_location(const std::source_location &where) {
  return fmt::format("{}:{}", where.file_name(), where.line());
}

Error::Error(const std::string &message, const std::source_location &where)
    : std::invalid_argument(fmt::format("{}: error: {}", format_location(where), message)),
      where_(where), message_(message) {}

} // namespace hcl
