#include <flows/temp_dir.h>

#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <csignal>

#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

// The pid in `<prefix><pid>[-...]`, or 0 when the name is not one of ours.
long pid_in(const std::string &name, const std::string &prefix) {
  if (name.rfind(prefix, 0) != 0) {
    return 0;
  }
  const std::string rest = name.substr(prefix.size());
  const std::size_t end = rest.find('-');
  const std::string digits = rest.substr(0, end);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::stol(digits);
}

} // namespace

void remove_stale_dirs(const fs::path &parent, const std::string &prefix) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(parent, ec)) {
    const long pid = pid_in(e.path().filename().string(), prefix);
    if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      fs::remove_all(e.path(), ec);
    }
  }
}

TempDir::TempDir(const fs::path &parent, const std::string &prefix) {
  static std::atomic<int> counter{0};
  remove_stale_dirs(parent, prefix);
  path_ = parent / fmt::format("{}{}-{}", prefix, ::getpid(), counter++);
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  if (!keep_) {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

} // namespace hcl::flows
