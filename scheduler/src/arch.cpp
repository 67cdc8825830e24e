#include <scheduler/arch.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hcl::sched {

std::int64_t Arch::instances(int level) const {
  if (level < 0 || level >= static_cast<int>(levels.size())) {
    throw std::invalid_argument(fmt::format("arch '{}': level {} out of range (it has {} levels)",
                                            name, level, levels.size()));
  }
  std::int64_t n = 1;
  for (std::size_t j = static_cast<std::size_t>(level) + 1; j < levels.size(); ++j) {
    n *= levels[j].fanout();
  }
  return n;
}

std::int64_t Arch::total_macs() const {
  std::int64_t n = 1;
  for (const auto &l : levels) {
    n *= l.fanout();
  }
  return n;
}

std::int64_t machine_port_words(const Arch &arch) {
  if (arch.machine.port_words > 0) {
    return arch.machine.port_words;
  }
  std::int64_t widest = 1;
  for (const auto &l : arch.levels) {
    widest = std::max({widest, l.fanout_x, l.fanout_y});
  }
  if (arch.levels.empty()) {
    return 1;
  }
  const Level &store = arch.levels.back();
  double bw = 0;
  for (const double b : {store.read_bandwidth, store.write_bandwidth}) {
    if (b > 0) {
      bw = bw > 0 ? std::min(bw, b) : b;
    }
  }
  if (bw <= 0 || bw >= static_cast<double>(widest)) {
    return widest;
  }
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(bw)));
}

} // namespace hcl::sched
