#include <flows/atomic_file.h>

#include <support/atomic_write.h>

namespace hcl::flows {

namespace {
// Flows' outputs may name folders that do not exist yet; support's writer needs the parent.
void make_parent(const std::filesystem::path &path) {
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
}
} // namespace

void write_file_atomic(const std::filesystem::path &path,
                       const std::function<void(std::ostream &)> &writer) {
  make_parent(path);
  support::write_file_atomic(path, writer);
}

void write_file_atomic(const std::filesystem::path &path, std::string_view content) {
  make_parent(path);
  support::write_file_atomic(path, content);
}

} // namespace hcl::flows
