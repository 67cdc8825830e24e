#include <flows/flow_cosim.h>

#include <flows/sim.h>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace hcl::flows {

std::int64_t wrap_bits(std::int64_t v, int bits, bool is_signed) {
  if (bits >= 64)
    return v;
  const std::uint64_t m = (std::uint64_t{1} << bits) - 1;
  std::uint64_t u = static_cast<std::uint64_t>(v) & m;
  if (is_signed && (u >> (bits - 1)) & 1)
    u |= ~m;
  return static_cast<std::int64_t>(u);
}

std::vector<std::int64_t> reference_conv(const ConvLayer &c, const std::vector<std::int64_t> &in,
                                         const std::vector<std::int64_t> &w, int acc_width,
                                         bool is_signed, std::int64_t n_end, std::int64_t g_end,
                                         std::int64_t k_begin, std::int64_t k_end) {
  const std::int64_t H = c.H(), W = c.W();
  n_end = n_end < 0 ? c.N : n_end;
  g_end = g_end < 0 ? c.G : g_end;
  k_end = k_end < 0 ? c.K : k_end;
  std::vector<std::int64_t> out(static_cast<std::size_t>(c.N * c.G * c.K * c.P * c.Q), 0);
  for (std::int64_t n = 0; n < n_end; ++n)
    for (std::int64_t g = 0; g < g_end; ++g)
      for (std::int64_t k = k_begin; k < k_end; ++k)
        for (std::int64_t p = 0; p < c.P; ++p)
          for (std::int64_t q = 0; q < c.Q; ++q) {
            std::int64_t sum = 0;
            for (std::int64_t ch = 0; ch < c.C; ++ch)
              for (std::int64_t r = 0; r < c.R; ++r)
                for (std::int64_t s = 0; s < c.S; ++s) {
                  const std::int64_t h = p * c.stride_h + r * c.dil_h,
                                     x = q * c.stride_w + s * c.dil_w;
                  sum += in[static_cast<std::size_t>((((n * c.G + g) * c.C + ch) * H + h) * W + x)] *
                         w[static_cast<std::size_t>((((g * c.K + k) * c.C + ch) * c.R + r) * c.S + s)];
                }
            out[static_cast<std::size_t>((((n * c.G + g) * c.K + k) * c.P + p) * c.Q + q)] =
                wrap_bits(sum, acc_width, is_signed);
          }
  return out;
}

namespace {

// Simulated cycles of a set of invocations: fills (the input and weight ports in parallel),
// register writes, the run and one cycle per output read.
std::uint64_t estimate(const gen::LayerConfig &l) {
  const std::uint64_t in = static_cast<std::uint64_t>(l.in_words) * static_cast<std::uint64_t>(l.rows),
                      wt = static_cast<std::uint64_t>(l.wt_words) * static_cast<std::uint64_t>(l.cols);
  return std::max(in, wt) + l.writes.size() + l.cycles +
         static_cast<std::uint64_t>(l.shape.K) * static_cast<std::uint64_t>(l.shape.X) + 4;
}

} // namespace

CosimResult cosimulate_layer(const std::vector<std::filesystem::path> &rtl, const std::string &top,
                             const gen::AcceleratorConfig &cfg, const LayerPlan &plan,
                             const CosimOptions &opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const ConvLayer &c = plan.conv;
  const auto say = [&](const std::string &s) {
    if (opt.progress)
      opt.progress(s);
  };
  CosimResult res;
  res.layer = c.name;
  res.layer_invocations = plan.invocations;

  // Scope: the whole layer, or image 0 / group 0 / K chunk 0 (/ X chunk 0).
  const std::int64_t Cp = c.gemm_c(), X = c.gemm_x();
  std::uint64_t per_image = 0, per_kchunk = 0, per_xchunk = 0;
  for (std::int64_t k0 = 0; k0 < c.K; k0 += plan.k_chunk)
    for (std::int64_t x0 = 0; x0 < X; x0 += plan.x_chunk)
      for (std::int64_t c0 = 0; c0 < Cp; c0 += plan.c_chunk) {
        const std::uint64_t e = estimate(plan.chunk(c0, k0, x0));
        per_image += e;
        per_kchunk += k0 == 0 ? e : 0;
        per_xchunk += k0 == 0 && x0 == 0 ? e : 0;
      }
  std::int64_t n_end = c.N, g_end = c.G, k_end = c.K, x_end = X;
  if (per_image * static_cast<std::uint64_t>(c.N * c.G) > opt.max_cycles) {
    res.full_layer = false;
    n_end = g_end = 1;
    k_end = std::min(c.K, plan.k_chunk);
    if (per_kchunk > opt.max_cycles)
      x_end = std::min(X, plan.x_chunk);
    // One image, group and chunk may already be all of the layer (an FC layer, batch 1).
    res.full_layer = n_end == c.N && g_end == c.G && k_end == c.K && x_end == X;
  }
  res.scope = res.full_layer
                  ? "the whole layer"
                  : fmt::format("a slice: batch image 0 of {}, group 0 of {}, output channels "
                                "k < {} of {}, output pixels x < {} of {} (every C' chunk)",
                                c.N, c.G, k_end, c.K, x_end, X);
  std::int64_t todo = 0;
  for (std::int64_t k0 = 0; k0 < k_end; k0 += plan.k_chunk)
    for (std::int64_t x0 = 0; x0 < x_end; x0 += plan.x_chunk)
      todo += plan.c_chunks;
  todo *= n_end * g_end;

  // Data: int8 values (narrower when the datapath is narrower).
  std::mt19937_64 rng(opt.seed);
  const auto rand_vec = [&](std::size_t n, int width) {
    const int b = std::min(8, width);
    const std::int64_t lo = cfg.is_signed ? -(std::int64_t{1} << (b - 1)) : 0;
    const std::int64_t hi = cfg.is_signed ? (std::int64_t{1} << (b - 1)) - 1 : (std::int64_t{1} << b) - 1;
    std::uniform_int_distribution<std::int64_t> d(lo, hi);
    std::vector<std::int64_t> v(n);
    for (auto &x : v)
      x = d(rng);
    return v;
  };
  const auto in = rand_vec(static_cast<std::size_t>(c.N * c.G * c.C * c.H() * c.W()), cfg.data_width);
  const auto wt = rand_vec(static_cast<std::size_t>(c.G * c.K * Cp), cfg.weight_width);
  say(fmt::format("co-sim {}: reference convolution ({})", c.name, res.scope));
  const auto ref = reference_conv(c, in, wt, cfg.acc_width, cfg.is_signed, n_end, g_end, 0, k_end);

  SimOptions so;
  so.clock = "clock";
  so.reset = "reset";
  Simulator sim(rtl, top, so);
  res.model_cached = sim.cache_hit();
  say(fmt::format("co-sim {}: Verilator model {}", c.name, res.model_cached ? "from the cache" : "built"));
  const auto P = [&](const char *n) { return sim.port(n); };
  const PortId cfg_we = P("cfg_we"), cfg_addr = P("cfg_addr"), cfg_data = P("cfg_data"),
               start = P("start"), done = P("done"), in_we = P("in_we"), in_bank = P("in_bank"),
               in_addr = P("in_addr"), in_data = P("in_data"), wt_we = P("wt_we"),
               wt_bank = P("wt_bank"), wt_addr = P("wt_addr"), wt_data = P("wt_data"),
               rd_en = P("out_rd_en"), rd_bank = P("out_rd_bank"), rd_addr = P("out_rd_addr"),
               rd_data = P("out_rd_data");
  std::vector<PortId> inputs;
  for (PortId i = 0; i < sim.ports().size(); ++i)
    if (!sim.ports()[i].output && sim.ports()[i].name != "clock" && sim.ports()[i].name != "reset")
      inputs.push_back(i);
  const auto idle = [&] {
    for (PortId i : inputs)
      sim.poke(i, 0);
  };
  const auto mask = [](std::int64_t v, int w) {
    return w >= 64 ? static_cast<std::uint64_t>(v)
                   : static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << w) - 1);
  };
  sim.reset(2);
  idle();

  // Host accumulators of the compared outputs, [n][g][k][x].
  std::vector<std::int64_t> acc(static_cast<std::size_t>(n_end * g_end * k_end * X), 0);
  const std::int64_t RS = c.R * c.S;
  const std::int64_t report_every = std::max<std::int64_t>(1, todo / 10);
  for (std::int64_t n = 0; n < n_end; ++n)
    for (std::int64_t g = 0; g < g_end; ++g)
      for (std::int64_t k0 = 0; k0 < k_end; k0 += plan.k_chunk)
        for (std::int64_t x0 = 0; x0 < x_end; x0 += plan.x_chunk)
          for (std::int64_t c0 = 0; c0 < Cp; c0 += plan.c_chunk) {
            const gen::LayerConfig &l = plan.chunk(c0, k0, x0);
            const int Cc = l.shape.C, Kc = l.shape.K, Xc = l.shape.X;
            // im2col value of row c' = c0 + cl, column x0 + xl; pad rows hold 0.
            const auto input = [&](int cl, int xl) -> std::int64_t {
              if (cl >= Cc)
                return 0;
              const std::int64_t cp = c0 + cl, x = x0 + xl, ch = cp / RS, r = (cp / c.S) % c.R,
                                 s = cp % c.S, p = x / c.Q, q = x % c.Q;
              const std::int64_t h = p * c.stride_h + r * c.dil_h, w = q * c.stride_w + s * c.dil_w;
              return in[static_cast<std::size_t>((((n * c.G + g) * c.C + ch) * c.H() + h) * c.W() + w)];
            };
            // Weights of pad rows (c >= C) must be 0; pad columns may hold anything (0 here).
            const auto weight = [&](int kl, int cl) -> std::int64_t {
              if (cl >= Cc || kl >= Kc)
                return 0;
              return wt[static_cast<std::size_t>((g * c.K + k0 + kl) * Cp + c0 + cl)];
            };
            std::vector<std::pair<gen::Slot, std::uint64_t>> fi, fw;
            for (int cl = 0; cl < l.c_tiles * l.rows; ++cl)
              for (int xl = 0; xl < Xc; ++xl)
                fi.push_back({l.input(cl, xl), mask(input(cl, xl), cfg.data_width)});
            for (int kl = 0; kl < l.k_tiles * l.cols; ++kl)
              for (int cl = 0; cl < l.c_tiles * l.rows; ++cl)
                fw.push_back({l.weight(kl, cl), mask(weight(kl, cl), cfg.weight_width)});
            for (std::size_t i = 0; i < std::max(fi.size(), fw.size()); ++i) {
              if (i < fi.size()) {
                sim.poke(in_we, 1);
                sim.poke(in_bank, static_cast<std::uint64_t>(fi[i].first.bank));
                sim.poke(in_addr, static_cast<std::uint64_t>(fi[i].first.addr));
                sim.poke(in_data, fi[i].second);
              }
              if (i < fw.size()) {
                sim.poke(wt_we, 1);
                sim.poke(wt_bank, static_cast<std::uint64_t>(fw[i].first.bank));
                sim.poke(wt_addr, static_cast<std::uint64_t>(fw[i].first.addr));
                sim.poke(wt_data, fw[i].second);
              }
              sim.step();
              idle();
            }
            for (const auto &[a, v] : l.writes) {
              sim.poke(cfg_we, 1);
              sim.poke(cfg_addr, static_cast<std::uint64_t>(a));
              sim.poke(cfg_data, v);
              sim.step();
              idle();
            }
            sim.poke(start, 1);
            std::uint64_t cycles = 0;
            const std::uint64_t limit = 4 * l.cycles + 1000;
            while (true) {
              sim.step();
              ++cycles;
              idle();
              if (sim.peek(done) != 0 || cycles > limit)
                break;
            }
            res.array_cycles += cycles;
            res.expected_cycles += l.cycles;
            for (int kl = 0; kl < Kc; ++kl)
              for (int xl = 0; xl < Xc; ++xl) {
                const gen::Slot s = l.output(kl, xl);
                sim.poke(rd_en, 1);
                sim.poke(rd_bank, static_cast<std::uint64_t>(s.bank));
                sim.poke(rd_addr, static_cast<std::uint64_t>(s.addr));
                sim.step();
                idle();
                const std::int64_t v = wrap_bits(static_cast<std::int64_t>(sim.peek(rd_data)),
                                                 cfg.acc_width, cfg.is_signed);
                auto &a = acc[static_cast<std::size_t>(((n * g_end + g) * k_end + k0 + kl) * X + x0 + xl)];
                a = wrap_bits(a + v, cfg.acc_width, cfg.is_signed);
              }
            ++res.invocations;
            if (res.invocations % report_every == 0 || res.invocations == todo)
              say(fmt::format("co-sim {}: invocation {}/{} ({} simulated cycles)", c.name,
                              res.invocations, todo, sim.cycle()));
          }
  res.sim_cycles = sim.cycle();
  for (std::int64_t n = 0; n < n_end; ++n)
    for (std::int64_t g = 0; g < g_end; ++g)
      for (std::int64_t k = 0; k < k_end; ++k)
        for (std::int64_t x = 0; x < x_end; ++x) {
          const std::int64_t got = acc[static_cast<std::size_t>(((n * g_end + g) * k_end + k) * X + x)];
          const std::int64_t want =
              ref[static_cast<std::size_t>(((n * c.G + g) * c.K + k) * X + x)];
          ++res.outputs_compared;
          if (got != want && res.mismatches++ == 0)
            res.first_mismatch = fmt::format("O[n={}][g={}][k={}][p={}][q={}]: expected {} got {}",
                                             n, g, k, x / c.Q, x % c.Q, want, got);
        }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

} // namespace hcl::flows
