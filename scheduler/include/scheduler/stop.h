// When a long computation must give up at once: a deadline (a time limit is a promise) and a
// flag that another thread or a signal handler may set (Ctrl-C). Every loop of the scheduler
// that can run long tests one, so a stopped computation returns its best so far promptly.
// Copies share the flag; testing costs a relaxed load and, with a deadline, one clock read.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>

namespace hcl::sched {

// A signal handler may only touch lock-free atomics.
static_assert(std::atomic<bool>::is_always_lock_free);

class StopToken {
public:
  using Clock = std::chrono::steady_clock;

  StopToken() = default; // never stops
  // Stops once `*interrupted` is true (nullptr: never).
  explicit StopToken(const std::atomic<bool> *interrupted) : interrupted_(interrupted) {}

  // The same token, also stopping `seconds` from now (<= 0: no deadline added).
  StopToken within(double seconds) const {
    StopToken t = *this;
    if (seconds > 0) {
      const auto d = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(std::min(seconds, 1e9)));
      t.deadline_ = std::min(deadline_, d);
    }
    return t;
  }

  bool interrupted() const {
    return interrupted_ != nullptr && interrupted_->load(std::memory_order_relaxed);
  }
  bool stop_requested() const {
    return interrupted() || (has_deadline() && Clock::now() >= deadline_);
  }
  bool has_deadline() const { return deadline_ != Clock::time_point::max(); }
  // Seconds to the deadline (0 once past it, infinity without one).
  double seconds_left() const {
    if (!has_deadline()) {
      return std::numeric_limits<double>::infinity();
    }
    return std::max(0.0, std::chrono::duration<double>(deadline_ - Clock::now()).count());
  }

private:
  const std::atomic<bool> *interrupted_ = nullptr;
  Clock::time_point deadline_ = Clock::time_point::max();
};

} // namespace hcl::sched
