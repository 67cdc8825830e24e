// Small text helpers that more than one library prints with, header-only and below all four
// libraries (cmake/HclLayering.cmake), so that each rule is written once.
#pragma once

#include <algorithm>
#include <cctype>
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

// `s` without leading and trailing white space.
inline std::string trim(std::string s) {
  auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), ws));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), ws).base(), s.end());
  return s;
}

} // namespace hcl::support
