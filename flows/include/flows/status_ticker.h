// A live status line for a step that runs long without saying anything: it repeats the
// step's text with the seconds spent so far, twice a second, until the step ends, so a
// terminal shows the run is alive (and, when the step reports, how far it got).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace hcl::flows {

class StatusTicker {
public:
  using Sink = std::function<void(const std::string &)>;
  // An empty sink makes the ticker do nothing (no thread). The sink is called from the
  // ticker's thread with "text (N s)", and with "" once at the end, to clear the line.
  StatusTicker(Sink sink, std::string text);
  ~StatusTicker();
  StatusTicker(const StatusTicker &) = delete;
  StatusTicker &operator=(const StatusTicker &) = delete;

  // Shown from the next tick on; with `now`, at once (a new phase of the step, worth seeing
  // even if it is over within the half second).
  void set(std::string text, bool now = false);
  double elapsed_s() const;

private:
  void run();

  Sink sink_;
  std::string text_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  mutable std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  bool redraw_ = false;
  std::thread thread_;
};

} // namespace hcl::flows
