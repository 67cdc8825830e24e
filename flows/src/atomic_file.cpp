#include <flows/atomic_file.h>

#include <fmt/core.h>

#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

void write_file_atomic(const fs::path &path, const std::function<void(std::ostream &)> &writer) {
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path());
  }
  // The pid keeps two concurrent writers of the same target from sharing a temporary.
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        throw std::runtime_error(fmt::format("cannot open {} for writing", tmp.string()));
      }
      writer(out);
      out.flush();
      if (!out) {
        throw std::runtime_error(fmt::format("error while writing {}", tmp.string()));
      }
    }
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_file_atomic(const fs::path &path, std::string_view content) {
  write_file_atomic(path, [&](std::ostream &out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

} // namespace hcl::flows
