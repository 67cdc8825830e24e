// Shared by the libFuzzer targets: the readers take file paths (that is the CLI's path), so
// each input is written to one scratch file per process, and the fixed companion files come
// from the source tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

namespace hcl::fuzz {

// A file in TMPDIR named after the target and the process, rewritten for every input.
inline const std::string &scratch_file(const char *target, const char *ext) {
  static const std::string path = [&] {
    const char *tmp = std::getenv("TMPDIR");
    return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hcl-fuzz-" + target +
           "-" + std::to_string(::getpid()) + ext;
  }();
  return path;
}

inline const std::string &write_input(const char *target, const char *ext, const std::uint8_t *data,
                                      std::size_t size) {
  const std::string &path = scratch_file(target, ext);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
  return path;
}

inline std::string source_file(const char *rel) { return std::string(HCL_SOURCE_DIR "/") + rel; }

} // namespace hcl::fuzz
