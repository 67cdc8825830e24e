#include <scheduler/search/search.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/io/timeloop_ert.h>
#include <scheduler/io/timeloop_export.h>
#include <scheduler/io/timeloop_import.h>
#include <scheduler/network/network.h>
#include <scheduler/schedule.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>

#include "support/space_brute_force.h"
#include "support/timeloop_cases.h"
#include "support/tiny_random.h"

#include <cmath>
#include <filesystem>
#include <random>
#include <unistd.h>

using namespace hcl::sched;

namespace {

bool same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

} // namespace

TEST_CASE("search: optimum equals brute-force enumeration on 60 random tiny layers") {
  std::mt19937 rng(20261126);
  int compared = 0;
  std::int64_t brute_points = 0, searched = 0;
  for (int i = 0; i < 60; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    const Mode mode = i % 3 == 0 ? Mode::Timeloop : Mode::Hcl;
    const Objective obj = i % 4 == 1   ? Objective::Cycles
                          : i % 4 == 2 ? Objective::Edp
                                       : Objective::Energy;
    SearchOptions o;
    o.mode = mode;
    o.objective = obj;
    o.space.bypass = i % 5 != 4;
    const auto brute = bf::enumerate(p, a, mode, obj, o.space);
    const SearchResult r = search(p, a, o);
    INFO("layer " << i << " " << p.name << " bounds R" << p.bounds[0] << " P" << p.bounds[2] << " C"
                  << p.bounds[4] << " K" << p.bounds[5] << " N" << p.bounds[6] << " objective "
                  << objective_name(obj));
    brute_points += brute.valid;
    searched += r.stats.evaluations;
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    CHECK(r.optimal);
    CHECK(r.gap == 0);
    CHECK(same(r.objective, brute.best));
    CHECK(check_mapping(p, a, r.mapping).empty());
    CHECK(same(objective_value(evaluate(p, a, r.mapping, mode), obj), r.objective));
    ++compared;
  }
  CHECK(compared >= 50);
  // The point of the search: far fewer model evaluations than the space has mappings.
  CHECK(searched < brute_points);
}

TEST_CASE("search: optimum equals brute force on per-tensor scratchpad architectures") {
  // The refetch bound of undecided small levels (lower_bound.h) prunes here the most.
  std::mt19937 rng(314159);
  int compared = 0;
  for (int i = 0; i < 16; ++i) {
    const Problem p = tiny::layer(rng, i, 16);
    const Arch a = tiny::spad_arch(rng);
    SearchOptions o;
    o.mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    o.objective = i % 3 == 1 ? Objective::Edp : Objective::Energy;
    o.space.bypass = i % 4 != 3;
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    REQUIRE(brute.complete);
    const SearchResult r = search(p, a, o);
    INFO("layer " << i << " " << p.name << " on " << a.levels[0].name << "," << a.levels[1].name
                  << "," << a.levels[2].name);
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    CHECK(r.optimal);
    CHECK(same(r.objective, brute.best));
    ++compared;
  }
  CHECK(compared >= 12);
}

TEST_CASE("search: levels with a min_utilization: optimum equals brute force, and it binds") {
  // Timeloop's min-utilization rejects mappings whose tiles leave most of a buffer empty; the
  // search must find the best mapping that meets it, as brute force over valid mappings does.
  std::mt19937 rng(20261207);
  int compared = 0, changed = 0;
  for (int i = 0; i < 20; ++i) {
    const Problem p = tiny::layer(rng, i);
    Arch a = tiny::arch(rng);
    SearchOptions o;
    o.mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    const SearchResult free_run = search(p, a, o);
    for (std::size_t l = 0; l + 1 < a.levels.size(); ++l) {
      a.levels[l].min_utilization = a.levels[l].size_words > 0 ? 0.5 : 0.0;
    }
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    REQUIRE(brute.complete);
    const SearchResult r = search(p, a, o);
    INFO("layer " << i << " " << p.name);
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    CHECK(r.optimal);
    CHECK(same(r.objective, brute.best));
    CHECK(check_mapping(p, a, r.mapping).empty());
    ++compared;
    changed += free_run.found && !same(free_run.objective, r.objective) ? 1 : 0;
  }
  CHECK(compared >= 8);
  CHECK(changed >= 1);
}

TEST_CASE("search: dataflow X|Y with replication equals brute force") {
  std::mt19937 rng(515);
  int compared = 0;
  for (int i = 0; i < 200 && compared < 8; ++i) {
    const Problem p = tiny::layer(rng, i);
    if (p.bounds[static_cast<std::size_t>(p.dim_index("K"))] % 2 != 0 ||
        p.bounds[static_cast<std::size_t>(p.dim_index("C"))] % 2 != 0) {
      continue;
    }
    Arch a = tiny::arch(rng);
    a.levels[1].fanout_x = 2;
    a.levels[1].fanout_y = 2;
    SearchOptions o;
    o.space.dataflow_x = p.dim_index("K");
    o.space.dataflow_y = p.dim_index("C");
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    const SearchResult r = search(p, a, o);
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    ++compared;
    CHECK(same(r.objective, brute.best));
    bool k_on_x = false;
    for (const auto &l : r.mapping.levels[1].spatial_x) {
      k_on_x |= l.dim == p.dim_index("K");
    }
    CHECK(k_on_x);
  }
  CHECK(compared >= 8);
}

TEST_CASE("search: result does not depend on the thread count") {
  std::mt19937 rng(7);
  for (int i = 0; i < 6; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    SearchOptions o;
    const SearchResult one = search(p, a, o);
    o.threads = 2;
    const SearchResult two = search(p, a, o);
    o.threads = 5;
    const SearchResult five = search(p, a, o);
    REQUIRE(one.found == two.found);
    if (!one.found) {
      continue;
    }
    CHECK(one.objective == two.objective);
    CHECK(one.objective == five.objective);
    CHECK(describe(p, a, one.mapping) == describe(p, a, two.mapping));
    CHECK(describe(p, a, one.mapping) == describe(p, a, five.mapping));
    CHECK(one.stats.evaluations == two.stats.evaluations);
    CHECK(one.stats.nodes == five.stats.nodes);
  }
}

TEST_CASE("search: fixed dataflow and minimum utilization restrict the spatial loops") {
  std::mt19937 rng(99);
  for (int i = 0; i < 8; ++i) {
    const Problem p = tiny::layer(rng, i);
    Arch a = tiny::arch(rng);
    a.levels[1].fanout_x = 2;
    a.levels[1].fanout_y = 2;
    SearchOptions o;
    o.space.unroll_dims = {p.dim_index("K"), p.dim_index("C")};
    o.space.min_utilization = 0.5;
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space);
    const SearchResult r = search(p, a, o);
    REQUIRE(r.found == (brute.valid > 0));
    if (!r.found) {
      continue;
    }
    CHECK(same(r.objective, brute.best));
    std::int64_t pes = 1;
    for (const auto &lm : r.mapping.levels) {
      for (const auto *loops : {&lm.spatial_x, &lm.spatial_y}) {
        for (const auto &l : *loops) {
          CHECK((l.dim == p.dim_index("K") || l.dim == p.dim_index("C")));
          pes *= l.factor;
        }
      }
    }
    CHECK(2 * pes >= a.total_macs());
  }
}

TEST_CASE("search: never worse than the Timeloop reference mappings under the same model") {
  // Problems, architectures and reference mappings of the Timeloop exercises (support/
  // timeloop_cases.h, transcribed from Timeloop v0.4's reference runs).
  for (const auto &c : tlcase::all_cases()) {
    if (c.legacy) {
      continue;
    }
    INFO(c.name);
    const Evaluation ref = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
    SearchOptions o;
    o.mode = Mode::Timeloop;
    o.space.bypass = false; // the cases keep what the architecture keeps
    const SearchResult r = search(c.problem, c.arch, o);
    REQUIRE(r.found);
    CHECK(r.optimal);
    CHECK(r.evaluation.energy_pj <= ref.energy_pj * (1 + 1e-12));
    o.objective = Objective::Cycles;
    const SearchResult rc = search(c.problem, c.arch, o);
    REQUIRE(rc.found);
    CHECK(rc.evaluation.cycles <= ref.cycles);
  }
}

TEST_CASE("search: a time limit returns the best so far with a lower bound and gap") {
  ConvShape s;
  s.name = "mid";
  s.R = s.S = 3;
  s.P = s.Q = 14;
  s.C = 32;
  s.K = 64;
  const Problem p = make_conv2d(s);
  Arch a = tlcase::arch_with(
      {tlcase::regfile("RF"), tlcase::sram("Buffer", 2048), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 8;
  a.levels[1].fanout_y = 8;
  SearchOptions o;
  o.time_limit_s = 0.05;
  const SearchResult r = search(p, a, o);
  REQUIRE(r.found);
  CHECK(r.lower_bound <= r.objective);
  CHECK(r.gap >= 0);
  CHECK(r.gap <= 1);
  if (!r.optimal) {
    CHECK(r.gap > 0);
  }
  CHECK(check_mapping(p, a, r.mapping).empty());
}

TEST_CASE("search: no mapping fits -> not found, proven") {
  std::mt19937 rng(3);
  const Problem p = tiny::layer(rng, 0);
  Arch a = tiny::arch(rng);
  a.levels[1].size_words = 1; // nothing fits the buffer
  a.levels[1].keeps = {true, true, true};
  SearchOptions o;
  o.space.bypass = false;
  const SearchResult r = search(p, a, o);
  CHECK_FALSE(r.found);
  CHECK(r.optimal);
}

TEST_CASE("search: objective names") {
  CHECK(parse_objective("edp") == Objective::Edp);
  CHECK(std::string(objective_name(Objective::Cycles)) == "cycles");
  CHECK_THROWS_WITH(parse_objective("power"), Catch::Contains("valid: energy, cycles, edp"));
}

TEST_CASE("search: never worse than the Timeloop reference cases' mappings (when present)") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(HCL_REFERENCE_CASES) / "cases/timeloop";
  if (!fs::exists(dir)) {
    WARN("HCL_REFERENCE_CASES has no cases/timeloop; skipped");
    return;
  }
  int compared = 0;
  for (const auto &c : fs::directory_iterator(dir)) {
    if (!c.is_directory()) {
      continue;
    }
    std::string ert;
    for (const auto &sub : fs::directory_iterator(c.path())) {
      const auto n = sub.path().filename().string();
      if (n.rfind("ref_v4", 0) == 0 && fs::exists(sub.path() / "timeloop-model.ERT_summary.yaml")) {
        ert = (sub.path() / "timeloop-model.ERT_summary.yaml").string();
      }
    }
    for (const auto &sub : fs::directory_iterator(c.path())) {
      const auto n = sub.path().filename().string();
      if (n.rfind("inputs", 0) != 0 || n.find("v02") != std::string::npos || !sub.is_directory()) {
        continue;
      }
      std::string prob, arch;
      std::vector<std::string> maps;
      for (const auto &f : fs::directory_iterator(sub.path())) {
        const auto fn = f.path().filename().string();
        if (fn.find(".prob.") != std::string::npos) {
          prob = f.path().string();
        } else if (fn.find(".arch.") != std::string::npos) {
          arch = f.path().string();
        } else if (fn.find(".map.") != std::string::npos) {
          maps.push_back(f.path().string());
        }
      }
      if (prob.empty() || arch.empty()) {
        continue;
      }
      INFO(sub.path().string());
      const Problem p = load_timeloop_problem(prob);
      TimeloopArch ta = load_timeloop_arch(arch, p);
      if (!ert.empty()) {
        apply_timeloop_ert(ert, ta);
      }
      SearchOptions o;
      o.mode = Mode::Timeloop;
      o.space.constraints = constraints_from_timeloop(p, ta.arch, ta.constraints);
      const SearchResult r = search(p, ta.arch, o);
      REQUIRE(r.found);
      CHECK(r.optimal);
      for (const auto &m : maps) {
        INFO(m);
        const Mapping ref = load_timeloop_mapping(m, p, ta.arch);
        CHECK(r.evaluation.energy_pj <=
              evaluate(p, ta.arch, ref, Mode::Timeloop).energy_pj * (1 + 1e-12));
        ++compared;
      }
    }
  }
  CHECK(compared >= 5);
}

TEST_CASE("search: attainable single-buffer traffic bound (Orojenesis)") {
  ConvShape s;
  s.name = "c";
  s.R = s.S = 3;
  s.P = s.Q = 8;
  s.C = 8;
  s.K = 16;
  const Problem p = make_conv2d(s);
  std::int64_t compulsory = 0;
  for (int t = 0; t < 3; ++t) {
    compulsory += p.tensor_size(t);
  }
  // A buffer holding everything moves every word once; smaller buffers move more, monotonically.
  CHECK(single_buffer_traffic_bound(p, compulsory) == Approx(static_cast<double>(compulsory)));
  const double t512 = single_buffer_traffic_bound(p, 512);
  const double t128 = single_buffer_traffic_bound(p, 128);
  CHECK(t512 > static_cast<double>(compulsory));
  CHECK(t128 >= t512);
  // No schedule of a hierarchy whose only buffer has 512 words beats it.
  Arch a = tlcase::arch_with({tlcase::sram("Buffer", 64), tlcase::dram("DRAM")});
  a.levels[1].block_size = 1;
  SearchOptions o;
  o.objective = Objective::Energy;
  o.space.bypass = false;
  const SearchResult r = search(p, a, o);
  REQUIRE(r.found);
  CHECK(static_cast<double>(r.evaluation.backing_words) >= t512 * (1 - 1e-12));
  CHECK(arch_on_chip_words(a) == 512);
}

TEST_CASE("search: emitted schedules (ours and Timeloop v0.4) load back to the same cost") {
  ConvShape s;
  s.name = "emit";
  s.R = s.S = 3;
  s.P = s.Q = 6;
  s.C = 8;
  s.K = 16;
  const Problem p = make_conv2d(s);
  Arch a =
      tlcase::arch_with({tlcase::regfile("RF"), tlcase::sram("Buffer", 512), tlcase::dram("DRAM")});
  a.levels[1].fanout_x = 4;
  a.levels[1].fanout_y = 4;
  const SearchResult r = search(p, a, SearchOptions{});
  REQUIRE(r.found);
  const std::filesystem::path dir =
      std::filesystem::path(HCL_BINARY_DIR) / "test_search_emit" / std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  save_mapping_yaml((dir / "emit.schedule.yaml").string(), p, a, r.mapping);
  save_timeloop_mapping((dir / "emit.timeloop.map.yaml").string(), p, a, r.mapping);
  const Mapping ours = load_mapping_yaml((dir / "emit.schedule.yaml").string(), p, a);
  const Mapping tl = load_timeloop_mapping((dir / "emit.timeloop.map.yaml").string(), p, a);
  CHECK(evaluate(p, a, ours).energy_pj == r.evaluation.energy_pj);
  CHECK(evaluate(p, a, tl).energy_pj == r.evaluation.energy_pj);
  CHECK(evaluate(p, a, tl).cycles == r.evaluation.cycles);
  std::filesystem::remove_all(dir);
}

TEST_CASE("search: spatial choices with equal per-dimension products are searched once") {
  // The search skips a spatial choice whose per-level, per-dimension factor products equal an
  // earlier one's (space.h, repeats_earlier_cost); that is exact only while the model is blind
  // to which axis a loop is on and to the order of loops on an axis. Check that on random
  // complete mappings (mirror images, and the loops regrouped over the axes at random), then
  // that the skip happened and the optimum still is brute force's.
  std::mt19937 rng(2718);
  int mirrored = 0, regrouped = 0;
  for (int i = 0; i < 12; ++i) {
    const Problem p = tiny::layer(rng, i);
    Arch a = tiny::arch(rng);
    a.levels[1].fanout_x = a.levels[1].fanout_y = 4; // both orientations fit
    SearchOptions o;
    o.mode = i % 2 ? Mode::Timeloop : Mode::Hcl;
    const auto brute = bf::enumerate(p, a, o.mode, o.objective, o.space, true, 200000);
    Evaluator ev(p, a, o.mode);
    for (std::size_t k = 0; k < brute.all.size(); k += 3) {
      const Mapping base = brute.all[k];
      const double e = ev.evaluate(base).energy_pj;
      const std::int64_t c = ev.evaluate(base).cycles;
      for (int variant = 0; variant < 2; ++variant) {
        Mapping m = base;
        for (auto &lv : m.levels) {
          if (variant == 0) {
            std::swap(lv.spatial_x, lv.spatial_y);
            continue;
          }
          std::vector<Loop> all = lv.spatial_x;
          all.insert(all.end(), lv.spatial_y.begin(), lv.spatial_y.end());
          std::shuffle(all.begin(), all.end(), rng);
          const auto cut = static_cast<std::ptrdiff_t>(rng() % (all.size() + 1));
          lv.spatial_x.assign(all.begin(), all.begin() + cut);
          lv.spatial_y.assign(all.begin() + cut, all.end());
        }
        if (!check_mapping(p, a, m).empty()) {
          continue;
        }
        ++(variant == 0 ? mirrored : regrouped);
        REQUIRE(ev.evaluate(m).energy_pj == e);
        REQUIRE(ev.evaluate(m).cycles == c);
      }
    }
    const SearchResult r = search(p, a, o);
    REQUIRE(r.found == (brute.valid > 0));
    if (r.found && brute.complete) {
      CHECK(same(r.objective, brute.best));
    }
    const auto spatial = enumerate_spatial(p, a, o.space);
    const auto keeps = enumerate_keeps(p, a, o.space);
    const auto repeat = repeats_earlier_cost(spatial);
    const auto distinct = std::count(repeat.begin(), repeat.end(), false);
    CHECK(r.stats.subproblems == distinct * static_cast<std::int64_t>(keeps.size()));
    bool asymmetric = false; // some choice differs from its own mirror image
    for (const auto &sc : spatial) {
      asymmetric = asymmetric || sc.x[1].size() != sc.y[1].size();
    }
    if (asymmetric) {
      CHECK(distinct < static_cast<std::int64_t>(spatial.size()));
    }
  }
  CHECK(mirrored > 100);
  CHECK(regrouped > 100);
}

TEST_CASE("search: objective_floor is below every mapping's cost on random tiny layers") {
  // The floor stands in for root bounds a time-limited search had no time to compute, so it
  // must hold for every mapping: checked against the brute-force optimum of each objective.
  std::mt19937 rng(31);
  int checked = 0;
  for (int i = 0; i < 20; ++i) {
    const Problem p = tiny::layer(rng, i);
    const Arch a = tiny::arch(rng);
    for (Objective obj : {Objective::Energy, Objective::Cycles, Objective::Edp}) {
      const Mode mode = i % 2 == 0 ? Mode::Hcl : Mode::Timeloop;
      const auto brute = bf::enumerate(p, a, mode, obj, SpaceOptions{});
      if (brute.valid == 0) {
        continue;
      }
      INFO("layer " << i << " " << objective_name(obj));
      const double floor = objective_floor(p, a, obj);
      CHECK(floor > 0);
      CHECK(floor <= brute.best * (1 + 1e-12));
      ++checked;
    }
  }
  CHECK(checked >= 40);
}

TEST_CASE("search: resuming time-limited runs (resume_below) ends at the unlimited optimum") {
  // Network mode re-runs unproven layers this way; a resume that skipped a subproblem the
  // earlier run had not finished would miss mappings and claim a wrong optimum.
  const Arch a = load_arch_yaml(HCL_SOURCE_DIR "/examples/arch/eyeriss_like.yaml");
  const Network net = load_network_yaml(HCL_SOURCE_DIR "/examples/networks/resnet50.yaml");
  const Problem *p = nullptr;
  for (const auto &l : net.layers) {
    p = l.problem.name == "layer2.1.conv1" ? &l.problem : p;
  }
  REQUIRE(p != nullptr);
  SearchOptions o;
  o.threads = 2;
  const SearchResult full = search(*p, a, o);
  REQUIRE(full.optimal);

  SearchOptions limited = o;
  limited.time_limit_s = 0.02;
  SearchResult r = search(*p, a, limited);
  REQUIRE(r.found); // the incumbent's starts always finish one start
  double best = r.found ? r.objective : std::numeric_limits<double>::infinity();
  double lower = r.lower_bound;
  bool proven = r.optimal;
  int runs = 1;
  std::int64_t resumed_nodes = 0;
  while (!proven && runs < 40) {
    CHECK(lower <= full.objective * (1 + 1e-9));
    limited.beat = best;
    limited.resume_below = lower;
    limited.time_limit_s *= 1.5; // grows, so a run that skipped nothing would also end
    r = search(*p, a, limited);
    resumed_nodes += r.stats.nodes;
    best = r.found ? std::min(best, r.objective) : best;
    lower = std::max(lower, r.lower_bound);
    proven = r.optimal;
    ++runs;
  }
  INFO(runs << " runs, " << resumed_nodes << " nodes resumed, " << full.stats.nodes
            << " unlimited");
  REQUIRE(proven);
  CHECK(same(best, full.objective));

  // Everything below the optimum finished: a resume has nothing left to search.
  SearchOptions done = o;
  done.beat = full.objective;
  done.resume_below = full.objective;
  const SearchResult none = search(*p, a, done);
  CHECK_FALSE(none.found);
  CHECK(none.optimal);
  CHECK(none.stats.nodes == 0);
  // Without an incumbent there is nothing to resume from: ignored.
  SearchOptions no_beat = o;
  no_beat.resume_below = 1e30;
  CHECK(same(search(*p, a, no_beat).objective, full.objective));
}
