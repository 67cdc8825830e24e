// The bottom line of a terminal as a status line: progress lines scroll above it, and the
// status (what a long step is doing now) is redrawn in place. On a pipe or a file there is
// no status line at all, only the plain progress lines, so logs hold no control characters.
#pragma once

#include <mutex>
#include <string>

namespace hcl::cli {

class LiveLine {
public:
  LiveLine(); // live when stdout is a terminal
  bool live() const { return live_; }
  // A permanent line (clears the status line first).
  void line(const std::string &text);
  // Replaces the status line; "" clears it. Ignored when not live. Any thread.
  void status(const std::string &text);

private:
  void clear_locked();

  bool live_;
  bool shown_ = false;
  std::mutex m_;
};

} // namespace hcl::cli
