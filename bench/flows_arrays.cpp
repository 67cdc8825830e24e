// Flows benchmark: Verilator build time, simulated cycles per second and hierarchical Yosys
// time for the hand-written int8 MAC arrays of bench/reference/ (4x4, 8x8, 16x16), whose only
// result port is 32 bits wide. Targets: >= 1 M simulated cycles/s for 16x16, and a
// hierarchical synth of 16x16 in < 10 s. Each array is also checked against a C++ matrix
// product, so the numbers are for a design that works.
//
// Simulation speed is given per wall-clock second and per CPU second of this process; on a
// shared machine the second is the meaningful one. Knobs: HCL_BENCH_OPT (model -O level,
// default -O2), HCL_BENCH_VARGS (extra Verilator arguments), HCL_BENCH_ONLY=16 (one size).
#include <flows/sim.h>
#include <flows/synth.h>

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const fs::path ref_dir = fs::path(HCL_SOURCE_DIR) / "bench" / "reference";

std::vector<std::uint32_t> pack_bytes(const std::vector<int> &bytes) {
  std::vector<std::uint32_t> words((bytes.size() + 3) / 4, 0);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    words[i / 4] |= static_cast<std::uint32_t>(bytes[i] & 0xff) << (8 * (i % 4));
  }
  return words;
}

// Feeds A (n x k) and B (k x n) with the skew the array expects, drains it, and compares every
// accumulator with the C++ product. Returns the number of wrong results.
int check_matmul(hcl::flows::Simulator &sim, int n, int k, std::mt19937 &rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<std::vector<int>> a(n, std::vector<int>(k)), b(k, std::vector<int>(n));
  for (auto &row : a) {
    for (auto &v : row)
      v = d(rng);
  }
  for (auto &row : b) {
    for (auto &v : row)
      v = d(rng);
  }
  sim.poke("en", 0);
  sim.poke("drain", 0);
  sim.reset();
  sim.poke("en", 1);
  for (int t = 0; t < k + 2 * n - 2; ++t) {
    std::vector<int> ain(n, 0), bin(n, 0);
    for (int i = 0; i < n; ++i) {
      if (t - i >= 0 && t - i < k) {
        ain[i] = a[i][t - i];
        bin[i] = b[t - i][i];
      }
    }
    sim.poke_words("a_in", pack_bytes(ain));
    sim.poke_words("b_in", pack_bytes(bin));
    sim.step();
  }
  sim.poke("en", 0);
  sim.poke("drain", 1);
  int wrong = 0;
  for (int idx = n * n - 1; idx >= 0; --idx) {
    const int i = idx / n, j = idx % n;
    std::int64_t want = 0;
    for (int x = 0; x < k; ++x)
      want += a[i][x] * b[x][j];
    if (sim.peek("out_data") != (static_cast<std::uint64_t>(want) & 0xffffffffu))
      ++wrong;
    sim.step();
  }
  sim.poke("drain", 0);
  return wrong;
}

double cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Rate {
  double wall = 0; // cycles per wall-clock second
  double cpu = 0;  // cycles per CPU second of this process (robust on a shared machine)
};

Rate cycles_per_second(hcl::flows::Simulator &sim, int n, std::mt19937 &rng) {
  // A pool of random operand vectors, so the timed loop only pokes, steps and peeks.
  std::vector<std::vector<std::uint32_t>> pool;
  std::uniform_int_distribution<int> d(-128, 127);
  for (int p = 0; p < 64; ++p) {
    std::vector<int> v(n);
    for (auto &x : v)
      x = d(rng);
    pool.push_back(pack_bytes(v));
  }
  const auto a_in = sim.port("a_in"), b_in = sim.port("b_in"), out = sim.port("out_data");
  sim.poke("en", 1);
  std::uint64_t cycles = 0, sink = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  double elapsed = 0;
  while (elapsed < 1.5) {
    for (int c = 0; c < 20000; ++c, ++cycles) {
      sim.poke_words(a_in, pool[cycles % 64]);
      sim.poke_words(b_in, pool[(cycles + 7) % 64]);
      sim.step();
      sink += sim.peek(out);
    }
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (sink == 42)
    fmt::print(" "); // keeps the peeks observable
  const auto c = static_cast<double>(cycles);
  return {c / elapsed, c / (cpu_seconds() - cpu_start)};
}

} // namespace

int main() {
  const std::vector<fs::path> files = {ref_dir / "mac_array.v", ref_dir / "mac_pe.v"};
  // A private cache, so that the Verilator build is really timed.
  const fs::path cache = fs::temp_directory_path() / fmt::format("hcl-bench-flows-{}", ::getpid());
  std::mt19937 rng(7);
  fmt::print("flows_arrays: int8 MAC arrays (bench/reference/mac_array.v), 32-bit result port\n");
  fmt::print("{:>6} {:>8} {:>12} {:>16} {:>16} {:>8} {:>12} {:>7}\n", "array", "in bits",
             "verilator s", "Mcyc/s (wall)", "Mcyc/s (cpu)", "yosys s", "area um2", "matmul");
  bool ok = true;
  double mcps16 = 0, yosys16 = 0;
  for (int n : {4, 8, 16}) {
    hcl::flows::SimOptions sopts;
    sopts.model.cache_dir = cache;
    sopts.model.top_parameters = {{"R", std::to_string(n)}, {"C", std::to_string(n)}};
    // Long simulations of big arrays are worth the slower -O2 model build.
    sopts.model.opt_fast = "-O2";
    if (const char *o = std::getenv("HCL_BENCH_OPT"); o != nullptr)
      sopts.model.opt_fast = o;
    if (const char *v = std::getenv("HCL_BENCH_VARGS"); v != nullptr) {
      std::istringstream in(v);
      for (std::string arg; in >> arg;)
        sopts.model.verilator_args.push_back(arg);
    }
    if (const char *only = std::getenv("HCL_BENCH_ONLY"); only != nullptr && std::atoi(only) != n)
      continue;
    const auto built = hcl::flows::build_model(files, "mac_array", sopts.model);
    hcl::flows::Simulator sim(files, "mac_array", sopts);
    const int wrong = check_matmul(sim, n, 3 * n, rng);
    ok = ok && wrong == 0;
    const Rate cps = cycles_per_second(sim, n, rng);

    hcl::flows::SynthOptions yopts;
    yopts.top_parameters = sopts.model.top_parameters;
    const auto report = hcl::flows::synthesize(files, "mac_array", yopts);
    fmt::print("{:>6} {:>8} {:>12.1f} {:>16.2f} {:>16.2f} {:>8.2f} {:>12.0f} {:>7}\n",
               fmt::format("{}x{}", n, n), 2 * 8 * n, built.build_seconds, cps.wall / 1e6,
               cps.cpu / 1e6, report.yosys_seconds, report.total_area_um2,
               wrong == 0 ? "ok" : "WRONG");
    if (n == 16) {
      mcps16 = cps.cpu / 1e6;
      yosys16 = report.yosys_seconds;
    }
  }
  fs::remove_all(cache);
  fmt::print("16x16 simulation: {:.2f} M cycles per CPU second (target >= 1.0): {}\n", mcps16,
             mcps16 >= 1.0 ? "met" : "MISSED");
  fmt::print("16x16 hierarchical synth: {:.2f} s (target < 10): {}\n", yosys16,
             yosys16 < 10.0 ? "met" : "MISSED");
  return ok ? 0 : 1;
}
