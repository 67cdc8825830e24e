// How large the counts a spec implies may be, and the one checked product the parsers use to
// refuse the rest. Without it C = K = P = Q = 2^20 wraps int64 and reads as negative energy
// and zero cycles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <scheduler/arch.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// The largest count (MACs, tensor elements, words a tensor moves, MACs x repeat over a
// network, PEs, words of a buffer) a spec may imply: 2^48, about 2.8e14 (VGG-16 at batch
// 4096 has 6.3e13 MACs). The model adds such counts over up to 64 levels, three tensors,
// fills, drains and stalls (at least 1/16 word per cycle, arch bandwidths are checked), and
// over the layers of a network: 2^15 of headroom keeps every sum below int64's 2^63, and every
// count stays exact in a double.
inline constexpr std::int64_t kMaxCount = std::int64_t{1} << 48;

// a * b and a + b for a, b >= 0 when the result is at most `limit`, else nothing.
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b,
                                               std::int64_t limit = kMaxCount) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > limit) {
    return std::nullopt;
  }
  return r;
}
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b,
                                               std::int64_t limit = kMaxCount) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || r > limit) {
    return std::nullopt;
  }
  return r;
}

// a * b, or INT64_MAX when it does not fit. The factors of a mapping file are arbitrary, and a
// product that wrapped could equal a bound; saturated, it stays above every bound (kMaxCount).
inline std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

struct CountCheck {
  // The most words any tensor can move in `repeat` runs of the layer, and at least its MACs
  // (every count the model forms is below a small multiple of it); 0 when it does not fit.
  std::int64_t bound = 0;
  // What does not fit, for the parser's error: the key to blame, i.e. the dimension whose bound
  // takes the MACs past kMaxCount, or "repeat" ("" when no one key is, e.g. a tensor's size),
  // and the message, empty when everything fits.
  std::string key;
  std::string message;
  int level = -1; // check_arch_counts: the level to blame (Arch::levels index)
  bool ok() const { return message.empty(); }
};

// Checks MACs, every tensor's size and the words each tensor can move (MACs times the sums of
// the coefficients of its index expressions: a 3x3 window at stride 2 moves up to 3 x 3 input
// words per MAC), each times `repeat`, against kMaxCount.
CountCheck check_counts(const Problem &problem, std::int64_t repeat = 1);

// The slowest port the headroom above allows, in words per cycle (0 = unlimited is fine).
inline constexpr double kMinBandwidth = 1.0 / 16;

// Checks the PEs (the product of every mesh, key "mesh"), each level's size in words ("size")
// against kMaxCount and each bandwidth ("bandwidth") against kMinBandwidth.
CountCheck check_arch_counts(const Arch &arch);

// "2^48 = 281474976710656", for messages.
std::string max_count_text();

} // namespace hcl::sched
