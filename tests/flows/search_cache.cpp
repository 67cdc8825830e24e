// Proven searches kept on disk: a second network search reuses every layer with the same
// result, the key follows every input the search depends on, and what cannot be trusted (an
// unproven result, a corrupt entry, a mapping the model now costs differently) is searched.
#include <flows/search_cache.h>

#include <scheduler/io/search_json.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/network/network.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace hcl::flows;
namespace sched = hcl::sched;
namespace fs = std::filesystem;

sched::Arch arch() {
  return sched::load_arch_yaml(std::string(HCL_SOURCE_DIR) +
                               "/examples/arch/interstellar_baseline.yaml");
}

sched::Problem layer(const std::string &name, std::int64_t c, std::int64_t k) {
  sched::ConvShape s;
  s.name = name;
  s.C = c;
  s.K = k;
  s.P = s.Q = 6;
  s.R = s.S = 3;
  return sched::make_conv2d(s);
}

sched::Network net() {
  sched::Network n;
  n.name = "two";
  n.layers = {{layer("a", 16, 32), 1}, {layer("b", 32, 16), 2}, {layer("c", 16, 32), 1}};
  return n;
}

// The layers' schedules as schedules.json has them, without wall-clock time.
nlohmann::json without_time(const sched::NetworkSchedule &s, const sched::Arch &a) {
  nlohmann::json j = sched::network_json(s, a, sched::Objective::Energy)["layers"];
  for (auto &l : j) {
    l.erase("cached");
    l["stats"].erase("seconds");
  }
  return j;
}

TEST_CASE("search cache: a second run reuses every proven layer with the same schedules") {
  const fs::path dir = hcl::test::scratch_dir("search-cache") / "cache";
  DiskSearchCache cache(dir);
  sched::SearchOptions so;
  so.cache = &cache;
  const auto first = sched::schedule_network(net(), arch(), so);
  REQUIRE(first.all_optimal);
  CHECK(cache.hits() == 0);
  CHECK(cache.lookups() == 2); // a and b; c is a's shape
  DiskSearchCache again(dir);
  so.cache = &again;
  const auto second = sched::schedule_network(net(), arch(), so);
  CHECK(again.hits() == 2);
  for (const auto &l : second.layers)
    CHECK(l.cached);
  CHECK(without_time(second, arch()) == without_time(first, arch()));
  CHECK(second.total_energy_pj == first.total_energy_pj);
  CHECK(second.total_cycles == first.total_cycles);
}

TEST_CASE("search cache: the key follows the shape, the arch, the objective and the space") {
  DiskSearchCache cache(hcl::test::scratch_dir("search-key"));
  const sched::SearchOptions so;
  const auto a = arch();
  const auto p = layer("a", 16, 32);
  const fs::path base = cache.entry_path(p, a, so);
  CHECK(cache.entry_path(layer("renamed", 16, 32), a, so) == base); // the name is not an input
  CHECK(cache.entry_path(layer("a", 16, 16), a, so) != base);
  auto a2 = a;
  a2.machine.drain += 1; // not in the arch YAML, still an input of hcl mode's cycles
  CHECK(cache.entry_path(p, a2, so) != base);
  a2 = a;
  a2.levels[0].bank_axes[1] = 1;
  CHECK(cache.entry_path(p, a2, so) != base);
  a2 = a;
  a2.levels[1].read_energy_pj *= 2;
  CHECK(cache.entry_path(p, a2, so) != base);
  auto so2 = so;
  so2.objective = sched::Objective::Cycles;
  CHECK(cache.entry_path(p, a, so2) != base);
  so2 = so;
  so2.space.bypass = false;
  CHECK(cache.entry_path(p, a, so2) != base);
  so2 = so;
  so2.threads = 2;
  so2.time_limit_s = 3; // neither changes a proven result
  CHECK(cache.entry_path(p, a, so2) == base);
}

TEST_CASE("search cache: unproven results are not kept, and bad entries are searched again") {
  const fs::path dir = hcl::test::scratch_dir("search-bad") / "cache";
  const auto a = arch();
  sched::Network one;
  one.layers = {{layer("a", 16, 32), 1}};
  const sched::Problem &p = one.layers[0].problem;
  {
    DiskSearchCache cache(dir);
    sched::SearchOptions so;
    so.cache = &cache;
    std::atomic<bool> stop{true}; // stopped at once: nothing proven
    so.stop = sched::StopToken(&stop);
    (void)sched::schedule_network(one, a, so);
    CHECK_FALSE(fs::exists(cache.entry_path(p, a, so)));
  }
  DiskSearchCache cache(dir);
  sched::SearchOptions so;
  so.cache = &cache;
  (void)sched::schedule_network(one, a, so);
  const fs::path entry = cache.entry_path(p, a, so);
  REQUIRE(fs::exists(entry));
  std::ifstream in(entry);
  nlohmann::json j = nlohmann::json::parse(in);
  in.close();
  j["objective"] = j["objective"].get<double>() * 0.5; // the model no longer agrees with it
  std::ofstream(entry) << j.dump();
  CHECK_FALSE(cache.find(p, a, so));
  std::ofstream(entry) << "{ not json";
  CHECK_FALSE(cache.find(p, a, so));
  const auto again = sched::schedule_network(one, a, so);
  CHECK_FALSE(again.layers[0].cached);
  CHECK(again.all_optimal);
  CHECK(cache.find(p, a, so)); // rewritten
}

} // namespace
