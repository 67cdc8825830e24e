#include <flows/errors.h>
#include <flows/file_lock.h>

#include <fmt/core.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hcl::flows {

namespace {

long read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::strtol(buf, nullptr, 10) : 0;
}

// Whether `fd` is still the file at `path` (the previous holder may have deleted it).
bool still_at(int fd, const std::filesystem::path &path) {
  struct stat a = {};
  struct stat b = {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

} // namespace

FileLock::FileLock(const std::filesystem::path &path, Mode mode, bool remove_when_done)
    : path_(path), remove_(remove_when_done) {
  for (;;) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw UsageError(
          fmt::format("{}: cannot create the lock file ({})", path.string(), std::strerror(errno)));
    }
    int rc;
    while ((rc = ::flock(fd, mode == Mode::Wait ? LOCK_EX : LOCK_EX | LOCK_NB)) != 0 &&
           errno == EINTR) {
    }
    if (rc != 0) {
      holder_ = read_pid(fd);
      ::close(fd);
      return;
    }
    if (!remove_ || still_at(fd, path)) {
      fd_ = fd;
      break;
    }
    ::close(fd); // locked a file the previous holder had already deleted: try the new one
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // Only the message of a later waiter loses the pid; the lock itself holds.
  }
}

FileLock::~FileLock() {
  if (fd_ < 0) {
    return;
  }
  if (remove_) {
    ::unlink(path_.c_str()); // before unlocking, while no one else can hold it
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

} // namespace hcl::flows
