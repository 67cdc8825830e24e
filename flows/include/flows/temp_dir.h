// Folders for one run's work that a killed run cannot leave behind for good. A process stopped
// by a signal cannot unwind, so its folder stays; the name holds the pid, and the next TempDir
// made with the same parent and prefix removes the folders whose process is gone.
#pragma once

#include <filesystem>
#include <string>

namespace hcl::flows {

// Removes the folders `<prefix><pid>` and `<prefix><pid>-<anything>` in `parent` whose process
// no longer exists (never one of this process).
void remove_stale_dirs(const std::filesystem::path &parent, const std::string &prefix);

// Creates the empty folder `<parent>/<prefix><pid>-<n>` (n counts this process's TempDirs),
// after remove_stale_dirs(parent, prefix), and removes it when destroyed unless keep() was
// called (the caller renamed it into place).
class TempDir {
public:
  TempDir(const std::filesystem::path &parent, const std::string &prefix);
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::filesystem::path &path() const { return path_; }
  void keep() { keep_ = true; }

private:
  std::filesystem::path path_;
  bool keep_ = false;
};

} // namespace hcl::flows
