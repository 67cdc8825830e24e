#include "live_line.h"

#include <fmt/core.h>

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace hcl::cli {

LiveLine::LiveLine() : live_(::isatty(STDOUT_FILENO) == 1) {}

namespace {
// A status longer than the terminal would wrap, and "\r" could not take the first part back.
std::string fit_terminal(const std::string &text) {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 2 || text.size() < ws.ws_col) {
    return text;
  }
  return text.substr(0, ws.ws_col - 1U);
}
} // namespace

void LiveLine::clear_locked() {
  if (shown_) {
    fmt::print("\r\033[K"); // carriage return, erase to the end of the line
  }
  shown_ = false;
}

void LiveLine::line(const std::string &text) {
  const std::lock_guard<std::mutex> g(m_);
  clear_locked();
  fmt::print("{}\n", text);
  std::fflush(stdout);
}

void LiveLine::status(const std::string &text) {
  if (!live_) {
    return;
  }
  const std::lock_guard<std::mutex> g(m_);
  clear_locked();
  if (!text.empty()) {
    fmt::print("{}", fit_terminal(text));
    shown_ = true;
  }
  std::fflush(stdout);
}

} // namespace hcl::cli
