// The rounding rules the cost model (model.cpp) and its lower bounds (lower_bound*.cpp) share.
// The bound equals the model bit for bit on complete mappings only because both use these.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace hcl::sched::detail {

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Hcl mode's memory-port cycles of one transfer of `words` words over `lanes` lanes with a port
// of `port` lanes: rows of one word per lane, each in ceil(lanes / port) beats; a one-lane port
// moves a word per cycle whatever the lanes (docs/cost-model.md, "hcl mode").
inline std::int64_t port_beats(std::int64_t words, std::int64_t lanes, std::int64_t port) {
  return port == 1 ? words : ceil_div(words, lanes) * ceil_div(lanes, port);
}

// Cycles to move `words` at `per_cycle` words per cycle; the slack absorbs rounding in words.
inline std::int64_t ceil_words(double words, double per_cycle) {
  return static_cast<std::int64_t>(std::ceil(words / per_cycle - 1e-9));
}

// Accesses are paid per vector: ceil(count / block) x energy (Timeloop rounds per instance).
// Most levels move one word per access, and a 64-bit division per count would dominate the
// evaluation, so that case skips it (the result is the same).
inline double access_energy(std::int64_t count, int block, double energy) {
  if (count == 0 || energy == 0) {
    return 0;
  }
  if (block == 1) {
    return static_cast<double>(count) * energy;
  }
  if ((block & (block - 1)) == 0) { // e.g. 4-word DRAM and buffer blocks: a shift, not a division
    const int shift = std::countr_zero(static_cast<unsigned>(block));
    return static_cast<double>((count + block - 1) >> shift) * energy;
  }
  return static_cast<double>(ceil_div(count, block)) * energy;
}

} // namespace hcl::sched::detail
