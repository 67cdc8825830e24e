// The one rule for a name that becomes a file name inside an output folder (a layer's
// config/<name>.json, schedules/<name>.schedule.yaml, <name>.timeloop.map.yaml): it must name
// a file in that folder and nowhere else. It lives here because the generators write such
// files themselves, and every command above them can see this library.
#pragma once

#include <cstddef>
#include <string>

namespace hcl::gen {

// The longest name accepted: the longest suffix written after it (".timeloop.map.yaml",
// ".allocated.arch.yaml") and a temporary's ".tmp.<pid>" still fit the usual 255-byte limit.
inline constexpr std::size_t kMaxFileNameBytes = 200;

// Throws ConfigError(what, ...) unless `name` holds no '/', '\\' or control character, is not
// "", "." or "..", and is at most kMaxFileNameBytes long.
void require_file_name(const std::string &name, const std::string &what);

} // namespace hcl::gen
