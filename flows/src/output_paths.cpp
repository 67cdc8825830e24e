#include <flows/errors.h>
#include <flows/output_paths.h>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

fs::file_type type_of(const fs::path &p) {
  std::error_code ec;
  return fs::status(p, ec).type(); // not_found also for a path under a file (ENOTDIR)
}

// The nearest existing path at or above `p` (absolute): the folder that gets the new entries,
// unless it is a file.
fs::path nearest_existing(const fs::path &p) {
  fs::path at = p;
  while (type_of(at) == fs::file_type::not_found && at.has_relative_path()) {
    at = at.parent_path();
  }
  return at;
}

// Creating a file is the only test that covers read-only mounts, /proc and root's permissions.
void try_create_in(const PathOption &out, const fs::path &dir) {
  static std::atomic<int> counter{0};
  const fs::path probe = dir / fmt::format(".hcl-probe-{}-{}", ::getpid(), counter++);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw UsageError(fmt::format("{} '{}': cannot create files in '{}' ({})", out.option,
                                 out.path.string(), dir.string(), std::strerror(errno)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

bool same_file(const fs::path &a, const fs::path &b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

bool inside(const fs::path &folder, const fs::path &p) {
  std::error_code ec;
  const fs::path f = fs::weakly_canonical(folder, ec);
  const fs::path q = fs::weakly_canonical(p, ec);
  if (ec) {
    return false;
  }
  const auto [end, rest] = std::mismatch(f.begin(), f.end(), q.begin(), q.end());
  return end == f.end() && rest != q.end();
}

} // namespace

void check_output(const PathOption &out, OutputKind kind) {
  if (out.path.empty()) {
    return;
  }
  fs::path abs = fs::absolute(out.path).lexically_normal();
  if (!abs.has_filename()) { // "dir/": the folder itself, not an entry in it
    abs = abs.parent_path();
  }
  const fs::file_type t = type_of(abs);
  const bool folder = kind != OutputKind::File;
  if (t == fs::file_type::directory && !folder) {
    throw UsageError(
        fmt::format("{} '{}' is a folder; give a file name", out.option, out.path.string()));
  }
  if (t != fs::file_type::not_found && t != fs::file_type::directory &&
      (folder || t != fs::file_type::regular)) {
    throw UsageError(fmt::format("{} '{}' exists and is not a {}", out.option, out.path.string(),
                                 folder ? "folder" : "regular file"));
  }
  const fs::path above = nearest_existing(abs.parent_path());
  if (type_of(above) != fs::file_type::directory) {
    throw UsageError(fmt::format("{} '{}': '{}' is a file, not a folder", out.option,
                                 out.path.string(), above.string()));
  }
  try_create_in(out, kind == OutputKind::Folder && t == fs::file_type::directory ? abs : above);
}

void check_not_an_input(const PathOption &out, OutputKind kind,
                        const std::vector<PathOption> &inputs) {
  if (out.path.empty()) {
    return;
  }
  for (const auto &in : inputs) {
    if (in.path.empty()) {
      continue;
    }
    if (same_file(out.path, in.path)) {
      throw UsageError(fmt::format("{} '{}' is the same file as {} '{}'; write the output "
                                   "elsewhere",
                                   out.option, out.path.string(), in.option, in.path.string()));
    }
    if (kind == OutputKind::ReplacedFolder && inside(out.path, in.path)) {
      throw UsageError(fmt::format("{} '{}' would be replaced as a whole, but {} '{}' is inside "
                                   "it; write the output elsewhere",
                                   out.option, out.path.string(), in.option, in.path.string()));
    }
  }
}

void check_outputs(const std::vector<PathOption> &outputs, OutputKind kind,
                   const std::vector<PathOption> &inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    check_output(outputs[i], kind);
    check_not_an_input(outputs[i], kind, inputs);
    for (std::size_t j = 0; j < i; ++j) {
      if (outputs[i].path.empty() || outputs[j].path.empty()) {
        continue;
      }
      std::error_code ec;
      if (fs::weakly_canonical(outputs[i].path, ec) == fs::weakly_canonical(outputs[j].path, ec)) {
        throw UsageError(fmt::format("{} and {} are both '{}'; give each its own file",
                                     outputs[j].option, outputs[i].option,
                                     outputs[i].path.string()));
      }
    }
  }
}

} // namespace hcl::flows
