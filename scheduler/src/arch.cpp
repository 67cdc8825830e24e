#include <scheduler/arch.h>

#include <fmt/format.h>

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

} // namespace hcl::sched
