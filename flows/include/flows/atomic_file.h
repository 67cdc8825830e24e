// Outputs are never half-written: every file a flow produces is written to a temporary sibling
// and renamed into place, so a crash or an error leaves either the old file or the new one.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace hcl::flows {

// Writes `content` to `path` atomically, creating parent folders. Throws std::runtime_error
// when the file cannot be written.
void write_file_atomic(const std::filesystem::path &path, std::string_view content);

// Streams into a temporary file through `writer`; renames into `path` only if `writer`
// returns normally. If it throws, the temporary is removed and the exception propagates.
void write_file_atomic(const std::filesystem::path &path,
                       const std::function<void(std::ostream &)> &writer);

} // namespace hcl::flows
