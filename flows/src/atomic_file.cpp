#include <flows/atomic_file.h>

#include <support/atomic_write.h>

namespace hcl::flows {

void write_file_atomic(const std::filesystem::path &path,
                       const std::function<void(std::ostream &)> &writer) {
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
  support::write_file_atomic(path, writer);
}

void write_file_atomic(const std::filesystem::path &path, std::string_view content) {
  write_file_atomic(path, [&](std::ostream &out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

} // namespace hcl::flows
