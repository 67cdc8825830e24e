// Shared plumbing of the generators: parsing `--set key=value` values, and exporting a
// generator's parameters and derived values as JSON and as a C header.
//
// Every generator config follows the same contract (Gemmini-style):
//   - a plain struct with documented defaults;
//   - `validate()` checks ALL rules in one place and throws ConfigError(key, why) (require.h)
//     for the first violated one;
//   - `set(key, value)` assigns one field from its command-line spelling and throws
//     ConfigError for an unknown key or a malformed value, listing what would be valid;
//   - `to_json()` returns {"generator", "top", "params": {...}, "derived": {...}}.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hcl::gen {

// "12" -> 12. Throws ConfigError(key, ...) for anything but a decimal integer in [lo, hi].
std::int64_t parse_int(const std::string &key, const std::string &value, std::int64_t lo,
                       std::int64_t hi);
// true/false/1/0/yes/no/on/off.
bool parse_bool(const std::string &key, const std::string &value);
// One of `choices` (exact match); the error lists them.
std::string parse_choice(const std::string &key, const std::string &value,
                         const std::vector<std::string> &choices);

// The C header form of a generator's JSON: one `#define HCL_<GEN>_<KEY> <value>` per scalar of
// "params" and "derived" (booleans as 0/1, strings quoted, arrays flattened as _0, _1...),
// guarded by an include guard. Nested objects are flattened with '_'.
std::string c_header(const nlohmann::json &generator_json);

// ceil(log2(n)) with clog2(1) == 0; the address width of n entries (at least 1 bit).
int clog2(std::uint64_t n);
int addr_bits(std::uint64_t n);

} // namespace hcl::gen
