// Gemmini-style parameter validation: every generator validates its whole config in one place
// and reports the first violated rule with the parameter key and the reason, so command-line
// users see "rows: must be >= 1 (got 0)" instead of a failure deep in elaboration.
#pragma once

#include <stdexcept>
#include <string>

namespace hcl::gen {

class ConfigError : public std::invalid_argument {
public:
  ConfigError(std::string key, const std::string &why)
      : std::invalid_argument(key + ": " + why), key_(std::move(key)) {}
  const std::string &key() const noexcept { return key_; }

private:
  std::string key_;
};

// Throws ConfigError(key, why) unless `ok`.
void require(bool ok, const std::string &key, const std::string &why);

} // namespace hcl::gen
