#include <flows/nest_cosim.h>

#include <flows/reference_conv.h>

#include <fmt/core.h>

#include <scheduler/model/access_energy.h>
#include <scheduler/model/model.h>

#include <chrono>
#include <cmath>
#include <random>

namespace hcl::flows {

namespace {

std::vector<std::int64_t> random_tensor(std::size_t n, int bits, std::mt19937_64 &rng) {
  std::uniform_int_distribution<std::int64_t> d(-(std::int64_t{1} << (bits - 1)),
                                                (std::int64_t{1} << (bits - 1)) - 1);
  std::vector<std::int64_t> v(n);
  for (auto &x : v) {
    x = d(rng);
  }
  return v;
}

std::uint64_t word_of(std::int64_t v, int bits) {
  return bits >= 64 ? static_cast<std::uint64_t>(v)
                    : static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << bits) - 1);
}

// The backing store: `width` independent lanes, each one read answered exactly `latency` cycles
// after its request and one posted write per cycle.
class Dram {
public:
  Dram(Simulator &sim, std::vector<std::uint64_t> words, int latency, int width)
      : sim_(sim), mem_(std::move(words)) {
    if (latency < 1) {
      throw std::invalid_argument("dram_latency: must be >= 1");
    }
    if (width < 1) {
      throw std::invalid_argument("dram_width: must be >= 1");
    }
    for (int l = 0; l < width; ++l) {
      const auto port = [&](const char *name) { return sim.port(fmt::format("{}_{}", name, l)); };
      lanes_.push_back({port("dram_rd_en"), port("dram_rd_addr"), port("dram_rd_data"),
                        port("dram_wr_en"), port("dram_wr_addr"), port("dram_wr_data"),
                        std::vector<std::int64_t>(static_cast<std::size_t>(latency), -1)});
    }
  }
  // One clock cycle: sample this cycle's requests, drive the answers due now, clock edge.
  void cycle() {
    for (Lane &l : lanes_) {
      const std::int64_t req =
          sim_.peek(l.rd_en) ? static_cast<std::int64_t>(sim_.peek(l.rd_addr)) : -1;
      // A ring of the last `latency` requests: the slot about to be reused is the one due now.
      const std::int64_t due = l.pending[next_];
      l.pending[next_] = req;
      sim_.poke(l.rd_data, due >= 0 ? at(due) : 0);
      if (sim_.peek(l.wr_en)) {
        at(static_cast<std::int64_t>(sim_.peek(l.wr_addr))) = sim_.peek(l.wr_data);
      }
    }
    next_ = (next_ + 1) % lanes_.front().pending.size();
    sim_.step();
  }
  std::uint64_t &at(std::int64_t addr) {
    if (addr < 0 || static_cast<std::size_t>(addr) >= mem_.size()) {
      throw std::runtime_error(fmt::format("the accelerator addressed DRAM word {} past the "
                                           "layer's {} words",
                                           addr, mem_.size()));
    }
    return mem_[static_cast<std::size_t>(addr)];
  }

private:
  struct Lane {
    PortId rd_en, rd_addr, rd_data, wr_en, wr_addr, wr_data;
    std::vector<std::int64_t> pending;
  };
  Simulator &sim_;
  std::vector<std::uint64_t> mem_;
  std::vector<Lane> lanes_;
  std::size_t next_ = 0;
};

} // namespace

NestRun run_nest_layer(Simulator &sim, const gen::NestAcceleratorConfig &cfg,
                       const NestLayer &layer, const NestLayerConfig &config, std::uint64_t seed,
                       std::uint64_t max_cycles, const CycleProgress &progress) {
  const ConvLayer &c = layer.conv;
  std::mt19937_64 rng(seed);
  const auto in = random_tensor(static_cast<std::size_t>(c.N * c.G * c.C * c.H() * c.W()),
                                std::min(cfg.data_width, 8), rng);
  const auto wt = random_tensor(static_cast<std::size_t>(c.G * c.K * c.C * c.R * c.S),
                                std::min(cfg.weight_width, 8), rng);
  std::vector<std::uint64_t> mem(static_cast<std::size_t>(config.dram_words));
  for (std::size_t i = 0; i < in.size(); ++i) {
    mem[static_cast<std::size_t>(config.in_base) + i] = word_of(in[i], cfg.data_width);
  }
  for (std::size_t i = 0; i < wt.size(); ++i) {
    mem[static_cast<std::size_t>(config.wt_base) + i] = word_of(wt[i], cfg.weight_width);
  }
  // Garbage where the outputs go: a first touch that read the old value would show.
  for (auto i = static_cast<std::size_t>(config.out_base); i < mem.size(); ++i) {
    mem[i] = word_of(static_cast<std::int64_t>(rng()), cfg.acc_width);
  }

  NestRun run;
  run.layer = layer.name;
  sim.reset();
  const PortId we = sim.port("cfg_we"), addr = sim.port("cfg_addr"), data = sim.port("cfg_data");
  for (const auto &[a, v] : config.writes) {
    sim.poke(we, 1);
    sim.poke(addr, static_cast<std::uint64_t>(a));
    sim.poke(data, v);
    sim.step();
  }
  sim.poke(we, 0);
  Dram dram(sim, std::move(mem), cfg.dram_latency, cfg.dram_width);
  const PortId start = sim.port("start"), done = sim.port("done");
  sim.poke(start, 1);
  dram.cycle();
  sim.poke(start, 0);
  for (std::uint64_t t = 0; t < max_cycles; ++t) {
    if (progress && t % 65536 == 0) {
      progress(t);
    }
    if (sim.peek(done)) {
      run.finished = true;
      break;
    }
    dram.cycle();
  }
  const PortId sel = sim.port("cnt_sel"), cnt = sim.port("cnt_data");
  for (int k = 0; k < gen::kNestCounters; ++k) {
    sim.poke(sel, static_cast<std::uint64_t>(k));
    run.counts[static_cast<std::size_t>(k)] = sim.peek(cnt);
  }
  run.measured_cycles = run.counts[gen::kCntCycles];
  if (!run.finished) {
    return run;
  }

  const auto ref = reference_conv(c, in, wt, cfg.acc_width, cfg.is_signed);
  for (std::int64_t n = 0; n < c.N; ++n) {
    for (std::int64_t k = 0; k < c.G * c.K; ++k) { // group-major: k = g * K + k_in_group
      for (std::int64_t p = 0; p < c.P; ++p) {
        for (std::int64_t q = 0; q < c.Q; ++q) {
          const std::int64_t i = ((n * c.G * c.K + k) * c.P + p) * c.Q + q;
          const std::int64_t got =
              wrap_bits(static_cast<std::int64_t>(dram.at(config.out_base + i)), cfg.acc_width,
                        cfg.is_signed);
          const std::int64_t want = ref[static_cast<std::size_t>(i)];
          ++run.outputs_checked;
          if (got != want && run.mismatches++ == 0) {
            run.first_mismatch = fmt::format("O[{}][{}][{}][{}][{}]: expected {} got {}", n,
                                             k / c.K, k % c.K, p, q, want, got);
          }
        }
      }
    }
  }
  return run;
}

std::vector<CountCheck> compare_counts(const NestCounts &rtl, const sched::Evaluation &model,
                                       const sched::Arch &arch, const NestLayer &layer) {
  const int dram = static_cast<int>(arch.levels.size()) - 1;
  static const char *const tensor_names[] = {"Weights", "Inputs", "Outputs"};
  struct Row {
    int level, tensor;
    const char *kind;
    gen::NestCounter counter;
  };
  const Row rows[] = {
      {dram, kInputs, "reads", gen::kCntInSrcReads},
      {layer.in_level, kInputs, "fills", gen::kCntInFills},
      {layer.in_level, kInputs, "reads", gen::kCntInReads},
      {dram, kWeights, "reads", gen::kCntWtSrcReads},
      {layer.wt_level, kWeights, "fills", gen::kCntWtFills},
      {layer.wt_level, kWeights, "reads", gen::kCntWtReads},
      {dram, kOutputs, "reads", gen::kCntOutSrcReads},
      {dram, kOutputs, "updates", gen::kCntOutSrcUpdates},
      {layer.out_level, kOutputs, "fills", gen::kCntOutFills},
      {layer.out_level, kOutputs, "reads", gen::kCntOutReads},
      {layer.out_level, kOutputs, "updates", gen::kCntOutUpdates},
  };
  std::vector<CountCheck> out;
  for (const Row &r : rows) {
    const auto &lr = model.levels[static_cast<std::size_t>(r.level)];
    const auto &tc = lr.tensors[static_cast<std::size_t>(r.tensor)];
    std::int64_t per = 0;
    if (tc) {
      per = std::string(r.kind) == "reads"   ? tc->reads
            : std::string(r.kind) == "fills" ? tc->fills
                                             : tc->updates;
    }
    const std::int64_t inst = tc ? tc->utilized_instances : 0;
    out.push_back({arch.levels[static_cast<std::size_t>(r.level)].name, tensor_names[r.tensor],
                   r.kind, rtl[static_cast<std::size_t>(r.counter)],
                   static_cast<std::uint64_t>(per * inst)});
  }
  return out;
}

bool counts_equal(const std::vector<CountCheck> &counts) {
  for (const auto &c : counts) {
    if (c.rtl != c.model) {
      return false;
    }
  }
  return !counts.empty();
}

std::string describe_mismatches(const std::vector<CountCheck> &counts) {
  std::string s;
  for (const auto &c : counts) {
    if (c.rtl != c.model) {
      s += fmt::format("{}{} {} {}: RTL {}, model {}", s.empty() ? "" : "; ", c.level, c.tensor,
                       c.kind, c.rtl, c.model);
    }
  }
  return s;
}

bool cycles_within(std::uint64_t measured, std::uint64_t predicted, double tolerance) {
  if (predicted == 0) {
    return measured == 0;
  }
  const double d = std::fabs(static_cast<double>(measured) - static_cast<double>(predicted));
  return d <= tolerance * static_cast<double>(predicted);
}

namespace {

sched::Access access_of(const std::string &kind) {
  return kind == "reads"   ? sched::Access::Read
         : kind == "fills" ? sched::Access::Fill
                           : sched::Access::Update;
}

// Each count is the sum over the level's utilized instances, which pay per instance.
double measured_energy_pj(const std::vector<CountCheck> &counts, std::uint64_t cycles,
                          const sched::Evaluation &ev, const sched::Arch &arch) {
  double e = ev.mac_energy_pj; // the MACs are the layer's, whatever ran them
  for (std::size_t i = 0; i < arch.levels.size(); ++i) {
    e += arch.levels[i].leak_energy_pj * static_cast<double>(cycles) *
         static_cast<double>(ev.levels[i].instances);
  }
  for (const auto &c : counts) {
    std::size_t l = 0;
    while (arch.levels[l].name != c.level) {
      ++l;
    }
    const int t = c.tensor == "Weights" ? kWeights : c.tensor == "Inputs" ? kInputs : kOutputs;
    const auto &tc = ev.levels[l].tensors[static_cast<std::size_t>(t)];
    const std::int64_t inst = std::max<std::int64_t>(tc ? tc->utilized_instances : 1, 1);
    const auto per = static_cast<std::int64_t>((c.rtl + static_cast<std::uint64_t>(inst) - 1) /
                                               static_cast<std::uint64_t>(inst));
    e +=
        static_cast<double>(inst) * sched::access_energy_pj(arch.levels[l], access_of(c.kind), per);
  }
  return e;
}

} // namespace

NestCheck judge_nest_run(NestRun run, const sched::Arch &arch, const sched::Problem &problem,
                         const sched::Mapping &mapping, const NestLayer &layer) {
  NestCheck c;
  c.run = std::move(run);
  const sched::Evaluation ev = sched::evaluate(problem, arch, mapping, sched::Mode::Hcl);
  c.counts = compare_counts(c.run.counts, ev, arch, layer);
  c.predicted = static_cast<std::uint64_t>(ev.cycles);
  c.predicted_energy_pj = ev.energy_pj;
  c.measured_energy_pj = measured_energy_pj(c.counts, c.run.measured_cycles, ev, arch);
  c.passed = c.run.finished && c.run.mismatches == 0 && c.run.outputs_checked > 0 &&
             counts_equal(c.counts) && cycles_within(c.run.measured_cycles, c.predicted);
  return c;
}

NestCheck check_nest_layer(Simulator &sim, const gen::NestAcceleratorConfig &cfg,
                           const sched::Arch &arch, const sched::Problem &problem,
                           const sched::Mapping &mapping, const NestLayer &layer,
                           const NestLayerConfig &config, std::uint64_t max_cycles,
                           std::uint64_t seed, const CycleProgress &progress) {
  const auto t0 = std::chrono::steady_clock::now();
  NestCheck c = judge_nest_run(run_nest_layer(sim, cfg, layer, config, seed, max_cycles, progress),
                               arch, problem, mapping, layer);
  c.model_cached = sim.cache_hit();
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return c;
}

NestCheck check_nest_layer(const std::vector<std::filesystem::path> &rtl, const std::string &top,
                           const gen::NestAcceleratorConfig &cfg, const sched::Arch &arch,
                           const sched::Problem &problem, const sched::Mapping &mapping,
                           const NestLayer &layer, const NestLayerConfig &config,
                           std::uint64_t max_cycles, std::uint64_t seed,
                           const CycleProgress &progress) {
  SimOptions so;
  so.clock = "clock";
  so.reset = "reset";
  Simulator sim(rtl, top, so);
  return check_nest_layer(sim, cfg, arch, problem, mapping, layer, config, max_cycles, seed,
                          progress);
}

nlohmann::json cosim_json(const NestCheck &k) {
  nlohmann::json c = nlohmann::json::object();
  for (const auto &x : k.counts) {
    c[x.level][x.tensor][x.kind] = {x.rtl, x.model};
  }
  nlohmann::json j = {{"layer", k.run.layer},
                      {"pass", k.passed},
                      {"outputs_checked", k.run.outputs_checked},
                      {"mismatches", k.run.mismatches},
                      {"measured_cycles", k.run.measured_cycles},
                      {"predicted_cycles", k.predicted},
                      {"counts", c},
                      {"counts_equal", counts_equal(k.counts)},
                      {"measured_energy_pj", k.measured_energy_pj},
                      {"predicted_energy_pj", k.predicted_energy_pj},
                      {"cycles_within_2pct", cycles_within(k.run.measured_cycles, k.predicted)},
                      {"model_from_cache", k.model_cached},
                      {"run_from_cache", k.run_cached},
                      {"seconds", k.seconds}};
  if (!k.run.first_mismatch.empty()) {
    j["first_mismatch"] = k.run.first_mismatch;
  }
  if (!k.run.finished) {
    j["error"] = "done never came within the cycle budget";
  }
  return j;
}

} // namespace hcl::flows
