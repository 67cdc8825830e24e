// Outputs are never half-written. A file goes to a temporary beside its target and one
// rename puts it in place; a folder is staged whole and swapped in the same way. A reader, or
// a run that crashes midway, sees the old output or the new one, never a mix. Header-only and
// below all four libraries (cmake/HclLayering.cmake), so that each library writes its
// outputs by this one rule.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

namespace hcl::support {

// A file or folder that could not be written; `what()` names the path and the reason.
class WriteError : public std::runtime_error {
public:
  WriteError(const std::filesystem::path &path, const std::string &reason)
      : std::runtime_error(message(path, reason)), path_(path), reason_(reason) {}
  const std::filesystem::path &path() const { return path_; }
  const std::string &reason() const { return reason_; }

private:
  static std::string message(const std::filesystem::path &path, const std::string &reason) {
    std::string m = "cannot write ";
    m += path.string();
    m += ": ";
    m += reason;
    return m;
  }
  std::filesystem::path path_;
  std::string reason_;
};

// `.<name>.<tag>-<pid>` beside `target`: the pid keeps two concurrent writers of one target
// from sharing a temporary, and the leading dot keeps it out of listings.
inline std::filesystem::path sibling(const std::filesystem::path &target, std::string_view tag) {
  std::string name = ".";
  name += target.filename().string();
  name += '.';
  name += tag;
  name += '-';
  name += std::to_string(::getpid());
  return target.parent_path() / name;
}

// Streams into a temporary through `writer` and renames it onto `path` only if `writer`
// returns normally; the parent folder must exist. On any failure the temporary is removed
// and `path` keeps its old content. Throws WriteError for I/O failures; exceptions from `writer`
// propagate unchanged.
inline void write_file_atomic(const std::filesystem::path &path,
                              const std::function<void(std::ostream &)> &writer) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path tmp = sibling(path, "tmp");
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        throw WriteError(path, std::strerror(errno));
      }
      writer(out);
      out.flush();
      if (!out) {
        throw WriteError(path, "write failed (disk full?)");
      }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
      throw WriteError(path, "cannot replace it: " + ec.message());
    }
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

inline void write_file_atomic(const std::filesystem::path &path, std::string_view content) {
  write_file_atomic(path, [&](std::ostream &out) {
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  });
}

// Puts the staged file or folder `staged` at `target`: a previous `target` is first moved
// aside (to sibling(target, "old")) and removed only once `staged` is in place, so a failure
// in between leaves the old output recoverable beside the target rather than deleted.
inline void replace_path(const std::filesystem::path &staged, const std::filesystem::path &target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path old = sibling(target, "old");
  const bool had = fs::exists(target, ec);
  if (had) {
    fs::remove_all(old, ec);
    fs::rename(target, old, ec);
    if (ec) {
      throw WriteError(target, "cannot move the previous output aside: " + ec.message());
    }
  }
  fs::rename(staged, target, ec);
  if (ec) {
    const std::string reason = ec.message();
    if (had) {
      fs::rename(old, target, ec);
    }
    throw WriteError(target, "cannot move the new output in place: " + reason);
  }
  if (had) {
    fs::remove_all(old, ec);
  }
}

} // namespace hcl::support
