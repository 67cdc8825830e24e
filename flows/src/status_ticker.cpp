#include <flows/status_ticker.h>

#include <fmt/core.h>

#include <utility>

namespace hcl::flows {

StatusTicker::StatusTicker(Sink sink, std::string text)
    : sink_(std::move(sink)), text_(std::move(text)) {
  if (sink_) {
    thread_ = std::thread([this] { run(); });
  }
}

StatusTicker::~StatusTicker() {
  if (!thread_.joinable()) {
    return;
  }
  {
    const std::lock_guard<std::mutex> g(m_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StatusTicker::set(std::string text, bool now) {
  {
    const std::lock_guard<std::mutex> g(m_);
    text_ = std::move(text);
    redraw_ = redraw_ || now;
  }
  if (now) {
    cv_.notify_all();
  }
}

double StatusTicker::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

void StatusTicker::run() {
  std::unique_lock<std::mutex> g(m_);
  for (;;) {
    const std::string line = fmt::format("{} ({:.0f} s)", text_, elapsed_s());
    g.unlock();
    sink_(line); // unlocked: a slow sink must not hold up set()
    g.lock();
    cv_.wait_for(g, std::chrono::milliseconds(500), [this] { return done_ || redraw_; });
    // A text set with `now` is drawn even when the step ends at once: it names a phase the
    // reader would otherwise never see.
    if (redraw_) {
      redraw_ = false;
      continue;
    }
    if (done_) {
      break;
    }
  }
  g.unlock();
  sink_("");
}

} // namespace hcl::flows
