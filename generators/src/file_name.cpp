#include <generators/file_name.h>
#include <generators/require.h>

#include <fmt/format.h>

#include <algorithm>

namespace hcl::gen {

void require_file_name(const std::string &name, const std::string &what) {
  const bool control = std::any_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  // '\\' too: the files are also read on systems where it separates folders.
  require(!name.empty() && name != "." && name != ".." &&
              name.find_first_of("/\\") == std::string::npos && !control &&
              name.size() <= kMaxFileNameBytes,
          what,
          fmt::format("{:?} cannot be a file name: it must not be empty, '.' or '..', hold '/', "
                      "'\\' or a control character, or be longer than {} bytes",
                      name, kMaxFileNameBytes));
}

} // namespace hcl::gen
