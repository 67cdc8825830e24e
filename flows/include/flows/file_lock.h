// An exclusive flock on a lock file, for as long as the object lives. The kernel drops the lock
// when the holder dies, so a killed run never blocks the next one. The holder writes its pid
// into the file, so that a process that finds the lock taken can say who holds it.
#pragma once

#include <filesystem>

namespace hcl::flows {

class FileLock {
public:
  enum class Mode {
    Wait, // block until the lock is free
    Try,  // return at once; held() tells whether the lock was taken
  };
  // Creates `path` if needed. With `remove_when_done` the file is deleted when the lock is
  // released, and taking the lock checks that the file is still the one at `path`, so that a
  // file deleted by the previous holder is never locked by two processes. Throws UsageError
  // when the file cannot be created.
  FileLock(const std::filesystem::path &path, Mode mode = Mode::Wait,
           bool remove_when_done = false);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

  bool held() const { return fd_ >= 0; }
  // When not held: the pid the holder wrote, 0 if it wrote none (yet).
  long holder() const { return holder_; }

private:
  std::filesystem::path path_;
  int fd_ = -1;
  long holder_ = 0;
  bool remove_ = false;
};

} // namespace hcl::flows
