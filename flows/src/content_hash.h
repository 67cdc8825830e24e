// A 128-bit content hash for the tool caches (Verilator models, Yosys reports): a collision
// would silently reuse the wrong result, so two independent FNV-1a 64 streams rather than one.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace hcl::flows::detail {

struct ContentHash {
  std::uint64_t a = 0xcbf29ce484222325ULL;
  std::uint64_t b = 0x84222325cbf29ce4ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ static_cast<unsigned char>(c + 0x5b)) * 0x100000001b3ULL;
    }
    // A separator so that ("ab","c") and ("a","bc") differ.
    a = (a ^ 0xff) * 0x100000001b3ULL;
    b = (b ^ 0xfe) * 0x100000001b3ULL;
  }
  std::string hex() const { return fmt::format("{:016x}{:016x}", a, b); }
};

} // namespace hcl::flows::detail
