#include <scheduler/warnings.h>

#include <fmt/core.h>

#include <mutex>
#include <utility>

namespace hcl::sched {
namespace {
std::mutex &sink_mutex() {
  static std::mutex m;
  return m;
}
WarningSink &sink() {
  static WarningSink s;
  return s;
}
} // namespace

WarningSink set_warning_sink(WarningSink s) {
  const std::lock_guard<std::mutex> g(sink_mutex());
  return std::exchange(sink(), std::move(s));
}

void warn(const std::string &message) {
  const std::lock_guard<std::mutex> g(sink_mutex());
  if (sink()) {
    sink()(message);
  } else {
    fmt::print(stderr, "hcl: warning: {}\n", message);
  }
}

} // namespace hcl::sched
