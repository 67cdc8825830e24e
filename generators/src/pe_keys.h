// The PE datapath keys that both `pe` and `array` parameter sets take (PeConfig::set,
// ArrayConfig::set), parsed once so that their names and ranges cannot drift apart.
#pragma once

#include <generators/params.h>
#include <generators/pe.h>

#include <string>

namespace hcl::gen::detail {

inline constexpr const char *kPeKeys =
    "data_width, weight_width, acc_width, signed, stationary, double_buffer, pipeline_stages";

// Sets the field of `c` that `key` names when it is one of kPeKeys (false otherwise); throws
// ConfigError for a value out of range. Config: PeConfig or ArrayConfig (same field names).
template <class Config>
bool set_pe_key(Config &c, const std::string &key, const std::string &value) {
  if (key == "data_width")
    c.data_width = static_cast<int>(parse_int(key, value, 0, 64));
  else if (key == "weight_width")
    c.weight_width = static_cast<int>(parse_int(key, value, 0, 64));
  else if (key == "acc_width")
    c.acc_width = static_cast<int>(parse_int(key, value, 0, 128));
  else if (key == "signed")
    c.is_signed = parse_bool(key, value);
  else if (key == "stationary")
    c.stationary = parse_stationary(key, value);
  else if (key == "double_buffer")
    c.double_buffer = parse_bool(key, value);
  else if (key == "pipeline_stages")
    c.pipeline_stages = static_cast<int>(parse_int(key, value, 0, 64));
  else
    return false;
  return true;
}

} // namespace hcl::gen::detail
