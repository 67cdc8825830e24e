// The output folder of a flow run (hcl flow, and each design of its comparisons), which the
// run replaces as a whole: a second run into it is refused while one runs, a folder no flow
// wrote is refused unless forced, everything is written into a temporary sibling, and only a
// finished run is swapped in, so the folder always holds one complete run.
#pragma once

#include <flows/file_lock.h>
#include <flows/temp_dir.h>

#include <filesystem>
#include <optional>

namespace hcl::flows::detail {

class FlowFolder {
public:
  // `out` as the user gave it (messages quote it); throws UsageError when another run holds
  // it or it holds files no flow wrote and `force` is false.
  FlowFolder(const std::filesystem::path &out, bool force);
  // Where the run writes: the temporary sibling, which holds the marker file already. Removed
  // unless publish() is reached; a killed run's, the next run removes.
  const std::filesystem::path &work() const { return tmp_->path(); }
  const std::filesystem::path &out() const { return out_; } // absolute, normalized
  // Replaces the folder with work(); the old one moves aside first.
  void publish();

private:
  std::filesystem::path out_;
  FileLock lock_;
  std::optional<TempDir> tmp_;
};

} // namespace hcl::flows::detail
