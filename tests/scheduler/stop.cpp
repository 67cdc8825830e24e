#include <scheduler/stop.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/network/network.h>
#include <scheduler/network/network_schedule.h>
#include <scheduler/search/search.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace hcl::sched;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// ResNet-50's hardest shape: seconds of search on one thread (docs/search.md, "Speed").
Problem hard_layer() {
  const Network net = load_network_yaml(HCL_SOURCE_DIR "/examples/networks/resnet50.yaml");
  for (const auto &l : net.layers) {
    if (l.problem.name == "layer1.0.conv2") {
      return l.problem;
    }
  }
  FAIL("no layer1.0.conv2 in resnet50.yaml");
  return {};
}

} // namespace

TEST_CASE("stop: a token stops at its deadline or once its flag is set, whichever is first") {
  std::atomic<bool> flag{false};
  CHECK_FALSE(StopToken().stop_requested());
  CHECK_FALSE(StopToken().has_deadline());
  const StopToken t = StopToken(&flag).within(0.05);
  CHECK(t.has_deadline());
  CHECK_FALSE(t.stop_requested());
  CHECK(t.within(10).seconds_left() <= 0.05); // a later deadline does not extend it
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK(t.stop_requested());
  CHECK_FALSE(t.interrupted());
  const StopToken u(&flag);
  CHECK_FALSE(u.stop_requested());
  flag = true;
  CHECK(u.stop_requested());
  CHECK(u.interrupted());
}

TEST_CASE("stop: an interrupted search returns its best so far promptly, not proven, marked") {
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const Problem p = hard_layer();
  std::atomic<bool> flag{false};
  SearchOptions o;
  o.stop = StopToken(&flag);
  // Ctrl-C once the branch and bound runs with a mapping (the progress calls come from it).
  std::chrono::steady_clock::time_point sent{};
  o.progress = [&](const SearchProgress &pr) {
    if (pr.found && !flag) {
      sent = std::chrono::steady_clock::now();
      flag = true;
    }
  };
  const SearchResult r = search(p, a, o);
  REQUIRE(flag);
  CHECK(seconds_since(sent) < 0.1);
  CHECK(r.interrupted);
  CHECK_FALSE(r.optimal);
  REQUIRE(r.found);
  CHECK(r.lower_bound <= r.objective);
  CHECK(r.gap > 0);
}

TEST_CASE("stop: a deadline stops a search that has no mapping yet, and later searches at once") {
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const Problem p = hard_layer();
  SearchOptions o;
  o.stop = StopToken().within(1e-3);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto start = std::chrono::steady_clock::now();
  const SearchResult r = search(p, a, o);
  CHECK(seconds_since(start) < 0.05);
  CHECK_FALSE(r.found);
  CHECK_FALSE(r.optimal);
  CHECK_FALSE(r.interrupted); // a deadline is not an interrupt
}

TEST_CASE("stop: a network under a time limit ends within it, every layer with a mapping") {
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const Network net = load_network_yaml(HCL_SOURCE_DIR "/examples/networks/resnet50.yaml");
  SearchOptions o;
  o.time_limit_s = 2; // 83 ms per unique shape: enough for a mapping on a busy machine
  o.stop = StopToken().within(o.time_limit_s);
  const auto start = std::chrono::steady_clock::now();
  const NetworkSchedule s = schedule_network(net, a, o);
  CHECK(seconds_since(start) < 2 + 0.5);
  CHECK_FALSE(s.interrupted);
  CHECK(s.all_found);
}
