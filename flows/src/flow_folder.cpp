#include "flow_folder.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/flow.h>

#include <support/atomic_write.h>

#include <fmt/core.h>

namespace fs = std::filesystem;

namespace hcl::flows::detail {
namespace {

// "dir/" and "." name their folder; the parent is made, for the lock file beside the folder.
fs::path prepared(const fs::path &given) {
  fs::path out = fs::absolute(given).lexically_normal();
  if (!out.has_filename()) {
    out = out.parent_path();
  }
  fs::create_directories(out.parent_path());
  return out;
}

fs::path lock_path(const fs::path &out) {
  return out.parent_path() / fmt::format(".{}.lock", out.filename().string());
}

} // namespace

FlowFolder::FlowFolder(const fs::path &given, bool force)
    : out_(prepared(given)), lock_(lock_path(out_), FileLock::Mode::Try, true) {
  // Two runs into one folder would both report success while one discards the other's work.
  if (!lock_.held()) {
    throw UsageError(fmt::format("-o '{}' is being written by another hcl flow ({}); wait for it "
                                 "to finish or choose another folder",
                                 given.string(),
                                 lock_.holder() > 0 ? fmt::format("pid {}", lock_.holder())
                                                    : std::string("pid unknown")));
  }
  std::error_code ec;
  if (!force && fs::is_directory(out_, ec) && !fs::is_empty(out_, ec) &&
      !fs::exists(out_ / kFlowMarker, ec)) {
    throw UsageError(fmt::format("-o '{}' holds files that hcl flow did not write (it has no {} "
                                 "file), and the flow replaces the whole folder; choose another "
                                 "folder, empty it, or pass --force to replace it",
                                 out_.string(), kFlowMarker));
  }
  const std::string name = out_.filename().string();
  tmp_.emplace(out_.parent_path(), fmt::format(".{}.tmp-", name));
  remove_stale_dirs(out_.parent_path(), fmt::format(".{}.old-", name));
  write_file_atomic(work() / kFlowMarker,
                    "Written by hcl flow, which replaces this folder as a whole when run into it "
                    "again.\n");
}

void FlowFolder::publish() {
  support::replace_path(tmp_->path(), out_);
  tmp_->keep();
}

} // namespace hcl::flows::detail
