#include "harness.h"

#include <generators/controller.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <random>

using namespace hcl::gen;

namespace {

struct Iteration {
  std::vector<std::uint64_t> addr;
  bool first = false, last = false;
  bool operator==(const Iteration &) const = default;
};

// The loop nest the controller must walk, enumerated directly (level 0 innermost).
std::vector<Iteration> reference(const ControllerConfig &c, const std::vector<std::uint64_t> &bound,
                                 const std::vector<std::vector<std::int64_t>> &stride,
                                 const std::vector<std::uint64_t> &base) {
  std::vector<Iteration> out;
  const auto L = static_cast<std::size_t>(c.levels);
  std::vector<std::uint64_t> n(L), idx(L, 0);
  std::uint64_t total = 1;
  for (std::size_t l = 0; l < L; ++l) {
    n[l] = bound[l] == 0 ? 1 : bound[l];
    total *= n[l];
  }
  for (std::uint64_t i = 0; i < total; ++i) {
    std::uint64_t rest = i;
    for (std::size_t l = 0; l < L; ++l) {
      idx[l] = rest % n[l];
      rest /= n[l];
    }
    Iteration it;
    for (std::size_t g = 0; g < base.size(); ++g) {
      std::int64_t a = static_cast<std::int64_t>(base[g]);
      for (std::size_t l = 0; l < L; ++l)
        a += stride[g][l] * static_cast<std::int64_t>(idx[l]);
      it.addr.push_back(gen_test::mask(a, c.addr_width));
    }
    it.first = idx[0] == 0;
    it.last = idx[0] == n[0] - 1;
    out.push_back(it);
  }
  return out;
}

// Drives one controller of the wrapper through configure -> start -> run, several times.
struct Driver {
  std::string p;
  ControllerConfig c;
  std::mt19937_64 rng;
  std::vector<std::pair<int, std::uint64_t>> writes; // pending register writes
  std::vector<Iteration> expected, seen;
  int runs_done = 0;
  int dones = 0;
  enum { Configure, Start, Run } phase = Configure;

  void new_config() {
    const auto L = static_cast<std::size_t>(c.levels);
    const auto G = static_cast<std::size_t>(c.addr_gens);
    std::vector<std::uint64_t> bound(L), base(G);
    std::vector<std::vector<std::int64_t>> stride(G, std::vector<std::int64_t>(L));
    writes.clear();
    const std::uint64_t max_bound = std::min<std::uint64_t>((1u << c.counter_width) - 1, 4);
    for (std::size_t l = 0; l < L; ++l) {
      bound[l] = rng() % (max_bound + 1); // includes 0, which counts as 1
      writes.push_back({c.bound_reg(static_cast<int>(l)), bound[l]});
    }
    for (std::size_t g = 0; g < G; ++g) {
      for (std::size_t l = 0; l < L; ++l) {
        stride[g][l] = static_cast<std::int64_t>(rng() % 41) - 20; // negative strides too
        writes.push_back({c.stride_reg(static_cast<int>(g), static_cast<int>(l)),
                          gen_test::mask(stride[g][l], c.addr_width)});
      }
      base[g] = gen_test::mask(static_cast<std::int64_t>(rng()), c.addr_width);
      writes.push_back({c.base_reg(static_cast<int>(g)), base[g]});
    }
    expected = reference(c, bound, stride, base);
    seen.clear();
    phase = Configure;
  }

  void drive(hcl::flows::Simulator &sim) {
    sim.poke(p + "cfg_we", 0);
    sim.poke(p + "start", 0);
    sim.poke(p + "ready", rng() % 3 != 0);
    if (phase == Configure) {
      if (writes.empty()) {
        phase = Start;
      } else {
        sim.poke(p + "cfg_we", 1);
        sim.poke(p + "cfg_addr", static_cast<std::uint64_t>(writes.back().first));
        sim.poke(p + "cfg_data", writes.back().second);
        writes.pop_back();
        return;
      }
    }
    if (phase == Start) {
      sim.poke(p + "start", 1);
      phase = Run;
      return;
    }
    // Run: record what the controller offers when it is consumed by this edge.
    if (sim.peek(p + "valid") && sim.peek(p + "ready")) {
      Iteration it;
      for (int g = 0; g < c.addr_gens; ++g)
        it.addr.push_back(sim.peek(p + "addr_" + std::to_string(g)));
      it.first = sim.peek(p + "first") != 0;
      it.last = sim.peek(p + "last") != 0;
      seen.push_back(it);
    }
  }

  void after_edge(hcl::flows::Simulator &sim) {
    if (phase != Run)
      return;
    if (sim.peek(p + "done")) {
      ++dones;
      REQUIRE(sim.peek(p + "busy") == 0);
      INFO("controller " << p << " run " << runs_done);
      REQUIRE(seen.size() == expected.size());
      for (std::size_t i = 0; i < seen.size(); ++i) {
        INFO("iteration " << i);
        REQUIRE(seen[i] == expected[i]);
      }
      ++runs_done;
      new_config();
    }
  }
};

} // namespace

TEST_CASE("controller: validation and register map") {
  ControllerConfig c;
  c.levels = 0;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("levels: must be in [1, 8] (got 0)"));
  c = ControllerConfig{};
  CHECK(c.config_registers() == 3 + 2 * 4);
  CHECK(c.stride_reg(1, 2) == 3 + 4 + 2);
  CHECK(c.base_reg(1) == 3 + 4 + 3);
  auto j = c.to_json();
  CHECK(j["derived"]["reg"]["base_1"] == 10);
  CHECK(j["derived"]["cfg_addr_width"] == 4);
}

TEST_CASE("controller: three parameter points walk runtime-configured loop nests (Verilator)") {
  std::vector<ControllerConfig> cfgs(3);
  cfgs[1].levels = 1;
  cfgs[1].counter_width = 3;
  cfgs[1].addr_width = 8;
  cfgs[1].addr_gens = 1;
  cfgs[2].levels = 4;
  cfgs[2].counter_width = 6;
  cfgs[2].addr_width = 12;
  cfgs[2].addr_gens = 3;
  std::vector<gen_test::Point> points;
  std::vector<Driver> drivers;
  for (std::size_t i = 0; i < cfgs.size(); ++i) {
    const std::string prefix = "c" + std::to_string(i);
    points.push_back(gen_test::point(prefix, Controller{cfgs[i]}));
    drivers.push_back(Driver{prefix + "_", cfgs[i], std::mt19937_64(100 + i), {}, {}, {}});
  }
  auto sim = gen_test::simulate(gen_test::wrap_points("ctrl_cosim", points));
  sim->reset(2);
  for (auto &d : drivers)
    d.new_config();
  for (int cycle = 0; cycle < 6000; ++cycle) {
    for (auto &d : drivers)
      d.drive(*sim);
    sim->step();
    for (auto &d : drivers)
      d.after_edge(*sim);
  }
  for (auto &d : drivers) {
    INFO(d.p);
    CHECK(d.runs_done >= 10); // every run reconfigured the same hardware
    CHECK(d.dones == d.runs_done);
  }
}
