// Small text helpers that more than one library prints with, header-only and below all four
// libraries (cmake/HclLayering.cmake), so that each rule is written once.
#pragma once

#include <cstdint>
#include <string>

namespace hcl::support {

// "-1234567" -> "-1,234,567": a run of decimal digits, optionally signed, in groups of three.
inline std::string grouped_digits(const std::string &digits) {
  const bool neg = !digits.empty() && digits[0] == '-';
  const std::string d = neg ? digits.substr(1) : digits;
  std::string out = neg ? "-" : "";
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) {
      out += ',';
    }
    out += d[i];
  }
  return out;
}

inline std::string grouped(std::int64_t n) { return grouped_digits(std::to_string(n)); }

} // namespace hcl::support
