// The PE datapath keys that both `pe` and `array` parameter sets take (PeConfig::keys,
// ArrayConfig::keys), declared once so that their names and ranges cannot drift apart.
#pragma once

#include <generators/config_keys.h>
#include <generators/pe.h>

#include <vector>

namespace hcl::gen::detail {

// Config: PeConfig or ArrayConfig (the same field names).
template <class Config> std::vector<ConfigKey<Config>> pe_datapath_keys() {
  return {int_key("data_width", &Config::data_width, 0, 64, "activation bits (1..32)"),
          int_key("weight_width", &Config::weight_width, 0, 64, "weight bits (1..32)"),
          int_key("acc_width", &Config::acc_width, 0, 128,
                  "accumulator bits, at least the full product, at most 64"),
          bool_key("signed", &Config::is_signed, "two's complement operands"),
          choice_key<Config, Stationary>("stationary", &Config::stationary,
                                         {{"none", Stationary::None},
                                          {"weight", Stationary::Weight},
                                          {"input", Stationary::Input},
                                          {"output", Stationary::Output}},
                                         "which operand stays in the PE"),
          bool_key("double_buffer", &Config::double_buffer,
                   "a shadow beside the active stationary register"),
          int_key("pipeline_stages", &Config::pipeline_stages, 0, 64,
                  "product registers in each PE (0..4)")};
}

} // namespace hcl::gen::detail
