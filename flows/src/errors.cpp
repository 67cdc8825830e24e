#include <flows/errors.h>

#include <fmt/core.h>

#include <filesystem>

namespace hcl::flows {

void require_file(const std::string &path, const char *what) {
  if (!std::filesystem::is_regular_file(path)) {
    throw UsageError(fmt::format("{} file '{}' does not exist", what, path));
  }
}

} // namespace hcl::flows
