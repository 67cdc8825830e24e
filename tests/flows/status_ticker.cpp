#include <flows/status_ticker.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using hcl::flows::StatusTicker;

namespace {
// What a ticker drew, from its thread.
struct Recorder {
  std::mutex m;
  std::vector<std::string> seen;
  StatusTicker::Sink sink() {
    return [this](const std::string &s) {
      const std::lock_guard<std::mutex> g(m);
      seen.push_back(s);
    };
  }
};
} // namespace

TEST_CASE(
    "StatusTicker repeats its text with the seconds, shows the latest set(), clears at the end") {
  Recorder r;
  {
    StatusTicker t(r.sink(), "building");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    t.set("simulating");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    CHECK(t.elapsed_s() >= 1.3);
  }
  const std::lock_guard<std::mutex> g(r.m);
  const auto &seen = r.seen;
  REQUIRE(seen.size() >= 3);
  CHECK(seen.front() == "building (0 s)");
  CHECK(seen.back().empty()); // the line cleared once the step is over
  bool later = false;
  for (const auto &s : seen)
    later = later || s.rfind("simulating (", 0) == 0;
  CHECK(later);
  // Once destroyed, nothing more arrives.
  const std::size_t n = seen.size();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(seen.size() == n);
}

TEST_CASE("StatusTicker with no sink calls nothing and ends at once") {
  const auto t0 = std::chrono::steady_clock::now();
  {
    StatusTicker t({}, "x");
    t.set("y");
  }
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100));
}

TEST_CASE("StatusTicker set(text, now) draws at once instead of at the next tick") {
  Recorder r;
  StatusTicker t(r.sink(), "building");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  t.set("simulating", true);
  std::this_thread::sleep_for(std::chrono::milliseconds(250)); // well before the 500 ms tick
  const std::lock_guard<std::mutex> g(r.m);
  REQUIRE(r.seen.size() == 2);
  CHECK(r.seen[1] == "simulating (0 s)");
}

TEST_CASE("StatusTicker draws a set(text, now) even when the step ends right after it") {
  for (int i = 0; i < 20; ++i) {
    Recorder r;
    {
      StatusTicker t(r.sink(), "building");
      t.set("simulating", true);
    } // destroyed at once: the ticker sees the redraw and the end together
    const std::lock_guard<std::mutex> g(r.m);
    INFO("run " << i);
    REQUIRE(r.seen.size() >= 2);
    CHECK(r.seen[r.seen.size() - 2] == "simulating (0 s)");
    CHECK(r.seen.back().empty());
  }
}
