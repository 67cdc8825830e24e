// Reading the flow's own JSON where a key may be absent (an unmapped layer, a run without a
// study): absent reads as null or NaN, so the report shows "-" instead of throwing.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace hcl::flows::detail {

inline const nlohmann::json &at(const nlohmann::json &j, const std::string &key) {
  static const nlohmann::json null;
  return j.is_object() && j.contains(key) ? j.at(key) : null;
}

inline double num(const nlohmann::json &j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

// A count or size that is absent adds nothing.
inline double or0(const nlohmann::json &j) { return j.is_number() ? j.get<double>() : 0.0; }

inline std::string str(const nlohmann::json &j) {
  return j.is_string() ? j.get<std::string>() : "";
}

} // namespace hcl::flows::detail
