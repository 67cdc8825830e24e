// Evaluations per second of the closed-form cost model (target: >= 1,000,000/s on a
// ResNet-50 3x3 conv layer with a 4-level architecture, single thread). Mappings are drawn at
// random beforehand so the loop measures evaluate() alone, over varied loop nests.
#include <scheduler/model/model.h>
#include <scheduler/search/factorize.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

using namespace hcl::sched;

namespace {
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
} // namespace

int main() {
  ConvShape s;
  s.name = "resnet50_res2a_branch2b";
  s.N = 1, s.K = 64, s.C = 64, s.P = 56, s.Q = 56, s.R = 3, s.S = 3;
  const Problem p = make_conv2d(s);

  Arch a;
  a.name = "4-level";
  auto level = [](const char *name, MemKind kind, std::int64_t words, int block, double bw,
                  bool dbl, double energy, std::int64_t fx, std::int64_t fy) {
    Level l;
    l.name = name;
    l.kind = kind;
    l.size_words = words;
    l.block_size = block;
    l.read_bandwidth = l.write_bandwidth = bw;
    l.double_buffered = dbl;
    l.read_energy_pj = l.write_energy_pj = l.update_energy_pj = energy;
    l.fanout_x = fx;
    l.fanout_y = fy;
    return l;
  };
  a.levels = {level("Reg", MemKind::Register, 1, 1, 0, false, 0.01, 1, 1),
              level("RF", MemKind::RegFile, 256, 1, 2, false, 0.5, 1, 1),
              level("GLB", MemKind::SRAM, 65536, 4, 16, true, 9, 14, 12),
              level("DRAM", MemKind::DRAM, 0, 4, 8, false, 200, 1, 1)};
  a.mac_energy_pj = 0.2;

  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::vector<std::int64_t>> &v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  std::vector<Mapping> maps;
  for (int n = 0; n < 1024; ++n) {
    Mapping m;
    m.levels.resize(4);
    for (int d = 0; d < static_cast<int>(p.dim_names.size()); ++d) {
      const auto &name = p.dim_names[static_cast<std::size_t>(d)];
      const bool sp = name == "K" || name == "C";
      std::int64_t rest = p.bounds[static_cast<std::size_t>(d)];
      if (sp) {
        std::vector<std::vector<std::int64_t>> fit;
        for (auto f : divisors(rest)) {
          if (f <= (name == "K" ? 14 : 12)) {
            fit.push_back({f});
          }
        }
        const std::int64_t f = pick(fit)[0];
        (name == "K" ? m.levels[2].spatial_x : m.levels[2].spatial_y).push_back({d, f});
        rest /= f;
      }
      const auto parts = pick(ordered_factorizations(rest, 4));
      for (int l = 0; l < 4; ++l) {
        m.levels[static_cast<std::size_t>(l)].temporal.push_back(
            {d, parts[static_cast<std::size_t>(l)]});
      }
    }
    for (auto &lm : m.levels) {
      std::shuffle(lm.temporal.begin(), lm.temporal.end(), rng);
    }
    m.levels[0].keep = {true, false, false};
    maps.push_back(m);
  }

  for (Mode mode : {Mode::Timeloop, Mode::Hcl}) {
    Evaluator ev(p, a, mode);
    double sink = 0;
    std::int64_t evals = 0;
    // Thread CPU time, not wall time: the machine is shared, and the target is about what one
    // core does per second of its own time.
    const double c0 = thread_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    double seconds = 0;
    while (seconds < 1.0) {
      for (const auto &m : maps) {
        sink += ev.evaluate(m).energy_pj;
      }
      evals += static_cast<std::int64_t>(maps.size());
      seconds = thread_seconds() - c0;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = static_cast<double>(evals) / seconds;
    fmt::print("evaluate ({} mode, {}, {} levels): {:.0f} evals/s single thread (CPU time; "
               "{:.0f}/s wall); target 1,000,000; ratio {:.2f}x (checksum {:.3g})\n",
               mode == Mode::Timeloop ? "timeloop" : "hcl", s.name, a.levels.size(), rate,
               static_cast<double>(evals) / wall, rate / 1e6, sink);
  }
  return 0;
}
