// Output paths are checked before a command does any work, so a typo costs a second instead of
// a whole search or synthesis, and an output can never replace one of the command's inputs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hcl::flows {

// A path a command was given, with the option that gave it ("--json"). An empty path means the
// option was not given and is skipped by every check.
struct PathOption {
  std::string option;
  std::filesystem::path path;
};

enum class OutputKind {
  File,           // written as one file (atomically, through a sibling temporary)
  Folder,         // files are written into it
  ReplacedFolder, // built as a sibling and renamed into place as a whole
};

// Throws UsageError naming the option and the reason unless `out` can be written as `kind`:
// a File is not a folder, a device or a pipe; a Folder is a folder if it exists; no existing
// part of the path above it is a file; and the folder that will receive the new entries (a
// Folder itself when it exists, otherwise the nearest existing folder above) accepts a new
// file, which is tried by creating and removing one.
void check_output(const PathOption &out, OutputKind kind);

// Throws UsageError naming both options when `out` is the same file as one of `inputs`
// (device and inode, so another spelling or a hard link counts), or, for a ReplacedFolder,
// when an input lies inside it.
void check_not_an_input(const PathOption &out, OutputKind kind,
                        const std::vector<PathOption> &inputs);

// check_output() and check_not_an_input() for every output, and no two outputs the same path.
// All of `outputs` are of `kind`; those without a path are skipped.
void check_outputs(const std::vector<PathOption> &outputs, OutputKind kind,
                   const std::vector<PathOption> &inputs);

} // namespace hcl::flows
