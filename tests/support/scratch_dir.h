// A scratch folder for files a test writes. ctest runs every TEST_CASE as its own process and
// in parallel, so a fixed path would be shared by concurrent cases; the pid keeps them apart.
#pragma once

#include <filesystem>
#include <string>
#include <unistd.h>

namespace hcl::test {

inline std::filesystem::path scratch_dir(const std::string &tag) {
  const auto dir = std::filesystem::path(HCL_BINARY_DIR) / "test-scratch" /
                   (tag + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace hcl::test
