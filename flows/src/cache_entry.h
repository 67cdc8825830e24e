// What every kept result of a flow step (a search, a co-simulation) shares: the identity of
// the code that computed it, and how an entry file is read back.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace hcl::flows::detail {

// The build of hcl that is running, by content: part of every cache key whose result depends
// on our code, so a rebuilt hcl never reuses what an older build computed. It is the content
// hash of the object file holding this library (the hcl executable, or the Python
// module), computed once per process.
const std::string &code_identity();

// An entry file's JSON object when it exists, parses and has the entry format `format`;
// nothing otherwise, since a damaged or older entry is simply not a hit.
std::optional<nlohmann::json> read_cache_entry(const std::filesystem::path &file, int format);

} // namespace hcl::flows::detail
