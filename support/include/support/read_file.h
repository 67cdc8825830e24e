// A whole file as text, in one place: each library turns a failure into its own error (a spec
// error naming the file, a usage error naming the option), so the reader reports it as
// "no text" rather than throwing a type the caller would have to translate.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace hcl::support {

// The bytes of `path`, or nullopt when it cannot be opened or read.
inline std::optional<std::string> read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    return std::nullopt;
  }
  return text;
}

} // namespace hcl::support
