// A signal delayed through a chain of registers, shared by the accelerator tops: control
// (with_reset) through reset registers so no spurious pulse leaves reset, data through plain
// ones. Stage i is named <name>_d<i>.
#pragma once

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <string>

namespace hcl::gen {

inline Signal delayed(const Signal &s, int n, const std::string &name, bool with_reset) {
  Signal d = s;
  for (int i = 0; i < n; ++i) {
    if (with_reset) {
      auto q = RegInit(Bool(), false, fmt::format("{}_d{}", name, i + 1));
      q <<= d;
      d = q;
    } else {
      d = RegNext(d, fmt::format("{}_d{}", name, i + 1));
    }
  }
  return d;
}

} // namespace hcl::gen
