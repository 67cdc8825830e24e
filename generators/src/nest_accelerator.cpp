#include <generators/nest_accelerator.h>
#include <generators/params.h>
#include <generators/require.h>

#include "delay.h"

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>

namespace hcl::gen {

const char *const kNestGenNames[kNestGens] = {"in_addr", "out_addr", "in_src", "out_src",
                                              "wt_src"};
const char *const kNestCounterNames[kNestCounters] = {
    "cycles",        "steps",      "in_src_reads", "in_fills",          "in_reads",
    "wt_src_reads",  "wt_fills",   "wt_reads",     "out_src_reads",     "out_fills",
    "out_src_updates", "out_reads", "out_updates"};

namespace {

constexpr int kMaxDepth = 1 << 20;
const char *const kUnits[] = {"in", "out"};

ArrayConfig array_of(const NestAcceleratorConfig &c) {
  ArrayConfig a = array_preset(c.preset);
  a.rows = c.rows;
  a.cols = c.cols;
  a.data_width = c.data_width;
  a.weight_width = c.weight_width;
  a.acc_width = c.acc_width;
  a.is_signed = c.is_signed;
  a.pipeline_stages = c.pipeline_stages;
  // Weights change only between runs, after the array drained: no shadow registers needed.
  a.double_buffer = false;
  return a;
}

void add_reg(NestAcceleratorPlan &p, const std::string &name, int width) {
  p.reg_names.push_back(name);
  p.reg_widths.push_back(width);
}

} // namespace

int NestAcceleratorPlan::reg(const std::string &name) const {
  const auto it = std::find(reg_names.begin(), reg_names.end(), name);
  if (it == reg_names.end())
    throw std::out_of_range("no nest accelerator register " + name);
  return static_cast<int>(it - reg_names.begin());
}

void NestAcceleratorConfig::validate() const { (void)plan_nest_accelerator(*this); }

NestAcceleratorPlan plan_nest_accelerator(const NestAcceleratorConfig &c) {
  require(c.preset == "tpu" || c.preset == "tree", "preset",
          fmt::format("must be tpu or tree, the weight-stationary C|K arrays (got '{}')",
                      c.preset));
  for (auto [key, depth] : {std::pair{"in_depth", c.in_depth}, std::pair{"out_depth", c.out_depth}})
    require(depth >= 2 && depth <= kMaxDepth, key,
            fmt::format("must be in [2, {}] (got {})", kMaxDepth, depth));
  require(c.rows >= 1 && c.rows <= 64, "rows",
          fmt::format("must be in [1, 64], one Inputs bank per row (got {})", c.rows));
  require(c.cols >= 1 && c.cols <= 64, "cols",
          fmt::format("must be in [1, 64], one Outputs bank per column (got {})", c.cols));
  require(c.loops >= 1 && c.loops <= 16, "loops",
          fmt::format("must be in [1, 16] (got {})", c.loops));
  require(c.counter_width >= 2 && c.counter_width <= 32, "counter_width",
          fmt::format("must be in [2, 32] (got {})", c.counter_width));
  require(c.dram_addr_width >= 8 && c.dram_addr_width <= 48, "dram_addr_width",
          fmt::format("must be in [8, 48] (got {})", c.dram_addr_width));
  require(c.dram_latency >= 1 && c.dram_latency <= 64, "dram_latency",
          fmt::format("must be in [1, 64] (got {})", c.dram_latency));
  require(c.count_width >= 16 && c.count_width <= 64, "count_width",
          fmt::format("must be in [16, 64] (got {})", c.count_width));
  require(c.acc_width >= c.data_width && c.acc_width >= c.weight_width, "acc_width",
          "must hold a data and a weight word (DRAM words are acc_width bits)");
  NestAcceleratorPlan p;
  p.array = array_of(c);
  p.array_plan = plan_array(p.array);
  if (p.array_plan.w.route != Route::Load || p.array_plan.x.route != Route::Horizontal ||
      p.array_plan.output_stationary || p.array_plan.out_route != Route::Vertical)
    throw ConfigError("preset", "the nest accelerator needs a weight-stationary C|K array");
  p.input = BufferConfig{c.in_depth, c.data_width, c.rows, 1, false,
                         BufferConfig{}.sram_threshold_bits};
  p.output = BufferConfig{c.out_depth, c.acc_width, c.cols, 1, false,
                          BufferConfig{}.sram_threshold_bits};
  p.input.validate();
  p.output.validate();
  p.in_addr_width = addr_bits(static_cast<std::uint64_t>(c.in_depth));
  p.out_addr_width = addr_bits(static_cast<std::uint64_t>(c.out_depth));
  p.timing.start = 0;
  p.timing.drain = p.array_plan.latency + 1; // buffer read, then the array
  p.timing.fill_tail = c.dram_latency;
  p.timing.writeback_tail = 1;

  const int cw = c.counter_width, aw = c.dram_addr_width;
  const int gen_width[kNestGens] = {p.in_addr_width, p.out_addr_width, aw, aw, aw};
  for (int j = 0; j < c.loops; ++j)
    add_reg(p, fmt::format("bound_{}", j), cw);
  for (int g = 0; g < kNestGens; ++g) {
    for (int j = 0; j < c.loops; ++j)
      add_reg(p, fmt::format("stride_{}_{}", kNestGenNames[g], j), gen_width[g]);
    add_reg(p, fmt::format("base_{}", kNestGenNames[g]), gen_width[g]);
  }
  const int tw = addr_bits(static_cast<std::uint64_t>(c.loops) + 1);
  for (const char *u : {"in", "out", "wt"})
    add_reg(p, fmt::format("trig_{}", u), tw);
  add_reg(p, "first_out", c.loops);
  add_reg(p, "tile_first_out", c.loops);
  add_reg(p, "rows_active", addr_bits(static_cast<std::uint64_t>(c.rows) + 1));
  add_reg(p, "cols_active", addr_bits(static_cast<std::uint64_t>(c.cols) + 1));
  const int dst_width[] = {p.in_addr_width, p.out_addr_width};
  for (int u = 0; u < 2; ++u)
    for (int k = 0; k < kCopyCoords; ++k) {
      add_reg(p, fmt::format("ext_{}_{}", kUnits[u], k), cw);
      add_reg(p, fmt::format("sstr_{}_{}", kUnits[u], k), aw);
      add_reg(p, fmt::format("dstr_{}_{}", kUnits[u], k), dst_width[u]);
    }
  for (int k = 0; k < 2; ++k) {
    add_reg(p, fmt::format("ext_wt_{}", k), cw);
    add_reg(p, fmt::format("sstr_wt_{}", k), aw);
  }
  p.cfg_addr_width = addr_bits(static_cast<std::uint64_t>(p.registers()));
  p.cfg_data_width = *std::max_element(p.reg_widths.begin(), p.reg_widths.end());
  return p;
}

void NestAcceleratorConfig::set(const std::string &key, const std::string &value) {
  const auto num = [&](int hi) { return static_cast<int>(parse_int(key, value, 0, hi)); };
  std::map<std::string, int *> ints = {
      {"rows", &rows},           {"cols", &cols},
      {"data_width", &data_width}, {"weight_width", &weight_width},
      {"acc_width", &acc_width}, {"pipeline_stages", &pipeline_stages},
      {"in_depth", &in_depth},   {"out_depth", &out_depth},
      {"loops", &loops},         {"counter_width", &counter_width},
      {"dram_addr_width", &dram_addr_width}, {"dram_latency", &dram_latency},
      {"count_width", &count_width}};
  if (key == "preset")
    preset = parse_choice(key, value, {"tpu", "tree"});
  else if (key == "signed")
    is_signed = parse_bool(key, value);
  else if (const auto it = ints.find(key); it != ints.end())
    *it->second = num(1 << 24);
  else {
    std::string valid = "preset, signed";
    for (const auto &[k, v] : ints)
      valid += ", " + k;
    throw ConfigError(key, "unknown nest accelerator parameter; valid: " + valid);
  }
}

std::string NestAcceleratorConfig::module_name() const {
  return fmt::format("hcl_nest_{}_{}x{}_{}{}x{}a{}_p{}_i{}o{}_l{}_m{}", preset, rows, cols,
                     is_signed ? 's' : 'u', data_width, weight_width, acc_width, pipeline_stages,
                     in_depth, out_depth, loops, dram_latency);
}

nlohmann::json NestAcceleratorConfig::to_json() const {
  const NestAcceleratorPlan p = plan_nest_accelerator(*this);
  nlohmann::json params = {{"preset", preset},
                           {"rows", rows},
                           {"cols", cols},
                           {"data_width", data_width},
                           {"weight_width", weight_width},
                           {"acc_width", acc_width},
                           {"signed", is_signed},
                           {"pipeline_stages", pipeline_stages},
                           {"in_depth", in_depth},
                           {"out_depth", out_depth},
                           {"loops", loops},
                           {"counter_width", counter_width},
                           {"dram_addr_width", dram_addr_width},
                           {"dram_latency", dram_latency},
                           {"count_width", count_width}};
  nlohmann::json reg = nlohmann::json::object();
  for (int r = 0; r < p.registers(); ++r)
    reg[p.reg_names[static_cast<std::size_t>(r)]] = r;
  nlohmann::json counters = nlohmann::json::object();
  for (int k = 0; k < kNestCounters; ++k)
    counters[kNestCounterNames[k]] = k;
  nlohmann::json derived = {
      {"array",
       {{"module", p.array.module_name()}, {"latency", p.array_plan.latency}}},
      {"input_buffer", {{"banks", rows}, {"depth", in_depth}, {"width", data_width}}},
      {"output_buffer", {{"banks", cols}, {"depth", out_depth}, {"width", acc_width}}},
      {"timing",
       {{"start", p.timing.start},
        {"drain", p.timing.drain},
        {"fill_tail", p.timing.fill_tail},
        {"writeback_tail", p.timing.writeback_tail}}},
      {"config_registers", p.registers()},
      {"cfg_addr_width", p.cfg_addr_width},
      {"cfg_data_width", p.cfg_data_width},
      {"reg", reg},
      {"counters", counters}};
  return {{"generator", "nest_accelerator"},
          {"top", module_name()},
          {"params", params},
          {"derived", derived}};
}

namespace {

// Machine states and transfer phases (plain ints: they are compared with hardware values).
constexpr int kIdle = 0, kXfer = 1, kRun = 2, kDrain = 3;
constexpr int kOutWb = 0, kOutFill = 1, kInFill = 2, kWtLoad = 3, kPhases = 4;


// The configuration registers, written while idle.
struct Registers {
  std::map<std::string, Signal> r;
  const Signal &operator[](const std::string &name) const { return r.at(name); }
};

Registers config_registers(const NestAcceleratorPlan &p, const NestAcceleratorConfig &c,
                           const Signal &write) {
  auto cfg_addr = Input("cfg_addr", UInt(p.cfg_addr_width));
  auto cfg_data = Input("cfg_data", UInt(p.cfg_data_width));
  Registers regs;
  for (int i = 0; i < p.registers(); ++i) {
    const auto &name = p.reg_names[static_cast<std::size_t>(i)];
    const int w = p.reg_widths[static_cast<std::size_t>(i)];
    // Bounds and extents reset to 1 and triggers to "never": a harmless one-step layer.
    int init = 0;
    if (name.rfind("bound_", 0) == 0 || name.rfind("ext_", 0) == 0 || name == "rows_active" ||
        name == "cols_active")
      init = 1;
    else if (name.rfind("trig_", 0) == 0)
      init = c.loops;
    auto reg = RegInit(UInt(w), init, "r_" + name);
    when(write && cfg_addr == i, [&] { reg <<= cfg_data.bits(static_cast<unsigned>(w - 1), 0); });
    regs.r[name] = reg;
  }
  return regs;
}

// The layer's loop nest: counters with runtime bounds advanced by `step`, carries, and the
// address generators' incremental offsets (the loop controller's rule).
struct Nest {
  std::vector<Signal> carry; // carry[j]: loop j advances at this step
  std::vector<Signal> zero;  // idx[j] == 0
  Signal finished;           // the last step of the nest is taken
  std::array<Signal, kNestGens> addr;
};

Nest nest(const NestAcceleratorConfig &c, const Registers &regs, const Signal &step,
          const Signal &clear) {
  const auto L = static_cast<std::size_t>(c.loops);
  const unsigned cw = static_cast<unsigned>(c.counter_width);
  Nest n;
  Signal carry = step;
  std::vector<Signal> wrap;
  std::vector<Signal> idx;
  for (std::size_t j = 0; j < L; ++j) {
    idx.push_back(RegInit(UInt(static_cast<int>(cw)), 0, fmt::format("idx_{}", j)));
    wrap.push_back(
        (idx[j].pad(cw + 1) + 1 >= regs[fmt::format("bound_{}", j)]).named(fmt::format("wrap_{}", j)));
    n.carry.push_back(carry.named(fmt::format("carry_{}", j)));
    n.zero.push_back((idx[j] == 0).named(fmt::format("zero_{}", j)));
    carry = carry && wrap[j];
  }
  n.finished = carry.named("nest_finished");
  for (int g = 0; g < kNestGens; ++g) {
    const std::string gn = kNestGenNames[g];
    Signal a = regs["base_" + gn];
    for (std::size_t j = 0; j < L; ++j) {
      const Signal &stride = regs[fmt::format("stride_{}_{}", gn, j)];
      auto off = RegInit(UInt(static_cast<int>(stride.width())), 0, fmt::format("off_{}_{}", gn, j));
      when(clear, [&] { off <<= 0; }).elsewhen(n.carry[j], [&] {
        when(wrap[j], [&] { off <<= 0; }).otherwise([&] { off <<= off.add_wrap(stride); });
      });
      a = a.add_wrap(off);
    }
    n.addr[static_cast<std::size_t>(g)] = a.named("addr_" + gn);
  }
  for (std::size_t j = 0; j < L; ++j)
    when(clear, [&] { idx[j] <<= 0; }).elsewhen(n.carry[j], [&] {
      when(wrap[j], [&] { idx[j] <<= 0; }).otherwise([&] { idx[j] <<= idx[j].add_wrap(1); });
    });
  return n;
}

// AND over the loops selected by `mask` of zero[j]: every selected loop is at index 0.
Signal all_zero(const Signal &mask, const std::vector<Signal> &zero, const std::string &name) {
  Signal s = Bool::lit(true);
  for (std::size_t j = 0; j < zero.size(); ++j)
    s = s && (!mask.bit(static_cast<unsigned>(j)) || zero[j]);
  return s.named(name);
}

// Loop j is `trig` and advances: the unit's tile changes.
Signal hit(const Signal &trig, const Nest &n, const std::string &name) {
  Signal s = Bool::lit(false);
  for (std::size_t j = 0; j < n.carry.size(); ++j)
    s = s || (trig == static_cast<int>(j) && n.carry[j]);
  return s.named(name);
}

// The transfer walker: five coordinates with the current phase's extents and strides.
struct Walker {
  std::array<Signal, kCopyCoords> idx;
  Signal src_off, dst_off;
  Signal first_wrap; // coordinate 0 wraps (a weight row is complete)
  Signal last;       // the last element of the walk
};

Walker walker(const NestAcceleratorPlan &p, const NestAcceleratorConfig &c, const Registers &regs,
              const Signal &ph, const Signal &step) {
  const unsigned cw = static_cast<unsigned>(c.counter_width);
  const int dw = std::max(p.in_addr_width, p.out_addr_width);
  Walker w;
  Signal src = UInt::lit(0, c.dram_addr_width), dst = UInt::lit(0, dw);
  Signal last = Bool::lit(true);
  const Signal is_in = (ph == kInFill).named("ph_in");
  const Signal is_wt = (ph == kWtLoad).named("ph_wt");
  for (int k = 0; k < kCopyCoords; ++k) {
    const auto r = [&](const char *what, const char *unit) {
      return regs[fmt::format("{}_{}_{}", what, unit, k)];
    };
    const Signal one = UInt::lit(1, static_cast<int>(cw)), zero_a = UInt::lit(0, c.dram_addr_width);
    const Signal ext = Mux(is_wt, k < 2 ? r("ext", "wt") : one, Mux(is_in, r("ext", "in"), r("ext", "out")));
    const Signal sstr =
        Mux(is_wt, k < 2 ? r("sstr", "wt") : zero_a, Mux(is_in, r("sstr", "in"), r("sstr", "out")));
    const Signal dstr = Mux(is_in, r("dstr", "in").pad(static_cast<unsigned>(dw)),
                            r("dstr", "out").pad(static_cast<unsigned>(dw)));
    auto idx = RegInit(UInt(static_cast<int>(cw)), 0, fmt::format("w_idx_{}", k));
    auto soff = RegInit(UInt(c.dram_addr_width), 0, fmt::format("w_soff_{}", k));
    auto doff = RegInit(UInt(dw), 0, fmt::format("w_doff_{}", k));
    const Signal wrap = (idx.pad(cw + 1) + 1 >= ext).named(fmt::format("w_wrap_{}", k));
    // Coordinate k advances when every inner one wraps.
    when(step && last, [&] {
      when(wrap, [&] {
        idx <<= 0;
        soff <<= 0;
        doff <<= 0;
      }).otherwise([&] {
        idx <<= idx.add_wrap(1);
        soff <<= soff.add_wrap(sstr);
        doff <<= doff.add_wrap(dstr);
      });
    });
    if (k == 0)
      w.first_wrap = wrap;
    last = (last && wrap).named(fmt::format("w_last_{}", k));
    w.idx[static_cast<std::size_t>(k)] = idx;
    src = src.add_wrap(soff);
    dst = dst.add_wrap(doff);
  }
  w.src_off = src.named("w_src_off");
  w.dst_off = dst.named("w_dst_off");
  w.last = last;
  return w;
}

// A counter cleared at start, plus `inc` every cycle.
void counter(std::vector<Signal> &counters, const NestAcceleratorConfig &c, const Signal &clear,
             const Signal &inc, int index) {
  auto q = RegInit(UInt(c.count_width), 0, fmt::format("cnt_{}", kNestCounterNames[index]));
  const Signal amount = inc.is_bool() ? Mux(inc, UInt::lit(1, 1), UInt::lit(0, 1)) : inc;
  when(clear, [&] { q <<= 0; }).otherwise([&] {
    q <<= q.add_wrap(amount.pad(static_cast<unsigned>(c.count_width)));
  });
  counters[static_cast<std::size_t>(index)] = q;
}

} // namespace

void NestAccelerator::body() const {
  const NestAcceleratorPlan p = plan_nest_accelerator(cfg);
  const int R = cfg.rows, K = cfg.cols, L = cfg.dram_latency;
  const int A = p.array_plan.latency;
  const int dw = std::max(p.in_addr_width, p.out_addr_width);
  const unsigned cw = static_cast<unsigned>(cfg.counter_width);
  const auto low = [](const Signal &s, int w) { return s.bits(static_cast<unsigned>(w - 1), 0); };

  auto cfg_we = Input("cfg_we", Bool());
  auto state = RegInit(UInt(2), kIdle, "state");
  const Signal idle = (state == kIdle).named("idle");
  const Registers regs = config_registers(p, cfg, cfg_we && idle);
  auto start = Input("start", Bool());
  auto cnt_sel = Input("cnt_sel", UInt(addr_bits(kNestCounters)));
  auto dram_rd_data = Input("dram_rd_data", UInt(cfg.acc_width));
  const Signal go = (start && idle).named("go");

  // ---- the layer's loop nest: one step per RUN cycle
  const Signal step = (state == kRun).named("step");
  const Nest n = nest(cfg, regs, step, go);
  const Signal hit_in = hit(regs["trig_in"], n, "hit_in");
  const Signal hit_out = hit(regs["trig_out"], n, "hit_out");
  const Signal hit_wt = hit(regs["trig_wt"], n, "hit_wt");
  const Signal tile_first = all_zero(regs["tile_first_out"], n.zero, "tile_first");
  const Signal step_first = all_zero(regs["first_out"], n.zero, "step_first");

  // ---- event sequencing
  auto final_ = RegInit(Bool(), false, "final");
  auto pend_in = RegInit(Bool(), false, "pend_in");
  auto pend_out = RegInit(Bool(), false, "pend_out");
  auto pend_wt = RegInit(Bool(), false, "pend_wt");
  auto ph = RegInit(UInt(2), 0, "phase");
  auto issuing = RegInit(Bool(), false, "issuing");
  // Which later phases the event needs (the first one is entered directly).
  std::array<Signal, kPhases> ph_en;
  for (int i = 1; i < kPhases; ++i)
    ph_en[static_cast<std::size_t>(i)] = RegInit(Bool(), false, fmt::format("ph_en_{}", i));
  const int max_tail = std::max(p.timing.fill_tail, p.timing.writeback_tail);
  const int tail_w = addr_bits(static_cast<std::uint64_t>(max_tail) + 1);
  auto tail = RegInit(UInt(tail_w), 0, "tail");
  const int drain_w = addr_bits(static_cast<std::uint64_t>(p.timing.drain) + 1);
  auto drain = RegInit(UInt(drain_w), 0, "drain");
  auto done = RegInit(Bool(), false, "done_q");
  auto out_base_cur = RegInit(UInt(cfg.dram_addr_width), 0, "out_base_cur");
  auto out_base_old = RegInit(UInt(cfg.dram_addr_width), 0, "out_base_old");

  const Walker wk = walker(p, cfg, regs, ph, issuing && state == kXfer);

  // Starting an event: the phases it needs, in order; none left -> run (or finish).
  const auto enter_xfer = [&](const Signal &en_wb, const Signal &en_ofill, const Signal &en_ifill,
                              const Signal &en_wt, const Signal &is_final) {
    const Signal any = en_wb || en_ofill || en_ifill || en_wt;
    const Signal first_ph = Mux(en_wb, UInt::lit(kOutWb, 2),
                                Mux(en_ofill, UInt::lit(kOutFill, 2),
                                    Mux(en_ifill, UInt::lit(kInFill, 2), UInt::lit(kWtLoad, 2))));
    ph_en[kOutFill] <<= en_ofill;
    ph_en[kInFill] <<= en_ifill;
    ph_en[kWtLoad] <<= en_wt;
    when(any, [&] {
      state <<= kXfer;
      ph <<= first_ph;
      issuing <<= true;
    }).elsewhen(is_final, [&] {
      state <<= kIdle;
      done <<= true;
    }).otherwise([&] { state <<= kRun; });
  };

  // The phase after the current one that this event needs.
  Signal next_any = Bool::lit(false);
  Signal next_ph = UInt::lit(kWtLoad, 2);
  for (int i = kPhases - 1; i >= 1; --i) {
    const Signal later = (ph < i) && ph_en[static_cast<std::size_t>(i)];
    next_ph = Mux(later, UInt::lit(i, 2), next_ph);
    next_any = next_any || later;
  }
  next_ph = next_ph.named("next_phase");
  next_any = next_any.named("next_any");

  done <<= false;
  when(go, [&] {
    final_ <<= false;
    out_base_cur <<= regs["base_out_src"];
    enter_xfer(Bool::lit(false), Bool::lit(false), Bool::lit(true), Bool::lit(true),
               Bool::lit(false));
  }).elsewhen(state == kXfer, [&] {
    when(issuing && wk.last, [&] {
      issuing <<= false;
      tail <<= Mux(ph == kOutWb, UInt::lit(p.timing.writeback_tail - 1, tail_w),
                   UInt::lit(p.timing.fill_tail - 1, tail_w));
    }).elsewhen(!issuing, [&] {
      tail <<= tail.sub_wrap(1);
      when(tail == 0, [&] {
        when(next_any, [&] {
          ph <<= next_ph;
          issuing <<= true;
        }).elsewhen(final_, [&] {
          state <<= kIdle;
          done <<= true;
        }).otherwise([&] { state <<= kRun; });
      });
    });
  }).elsewhen(state == kRun, [&] {
    when(n.finished || hit_in || hit_out || hit_wt, [&] {
      state <<= kDrain;
      drain <<= p.timing.drain - 1;
      final_ <<= n.finished;
      pend_in <<= hit_in;
      pend_out <<= hit_out;
      pend_wt <<= hit_wt;
    });
  }).elsewhen(state == kDrain, [&] {
    drain <<= drain.sub_wrap(1);
    when(drain == 0, [&] {
      when(final_, [&] { out_base_old <<= out_base_cur; }).elsewhen(pend_out, [&] {
        out_base_old <<= out_base_cur;
        out_base_cur <<= n.addr[kGenOutSrc];
      });
      // A first-touch Outputs tile is never fetched (the start event has none to write back).
      enter_xfer(final_ || pend_out, !final_ && pend_out && !tile_first,
                 !final_ && pend_in, !final_ && pend_wt, final_);
    });
  });

  // ---- memory port: fills read DRAM, write-backs write it one cycle after the buffer read
  const Signal xfer_issue = (state == kXfer && issuing).named("xfer_issue");
  const Signal src_base =
      Mux(ph == kOutWb, out_base_old,
          Mux(ph == kOutFill, out_base_cur,
              Mux(ph == kInFill, n.addr[kGenInSrc], n.addr[kGenWtSrc])));
  const Signal src = src_base.add_wrap(wk.src_off).named("xfer_src");
  const Signal rd_issue = (xfer_issue && ph != kOutWb).named("dram_read");
  const Signal wb_issue = (xfer_issue && ph == kOutWb).named("wb_read");
  Output("dram_rd_en", Bool()) <<= rd_issue;
  Output("dram_rd_addr", UInt(cfg.dram_addr_width)) <<= src;

  // Arrivals `dram_latency` cycles after the request, with what the request needs.
  const Signal arr = delayed(rd_issue, L, "arr", true);
  const Signal arr_ph = delayed(ph, L, "arr_ph", false);
  const Signal arr_bank = delayed(wk.idx[kBankCoord], L, "arr_bank", false);
  const Signal arr_col = delayed(wk.idx[0], L, "arr_col", false);
  const Signal arr_dst = delayed(wk.dst_off, L, "arr_dst", false);
  const Signal arr_row_done = delayed(wk.first_wrap, L, "arr_row_done", false);
  const Signal arr_in = (arr && arr_ph == kInFill).named("arr_in");
  const Signal arr_out = (arr && arr_ph == kOutFill).named("arr_out");
  const Signal arr_wt = (arr && arr_ph == kWtLoad).named("arr_wt");

  Instance ibuf = instance("u_inputs", Buffer{p.input});
  Instance obuf = instance("u_outputs", Buffer{p.output});
  Instance array = instance("u_array", Array{p.array});

  // ---- steps: Inputs read, the array, Outputs read-modify-write
  const Signal en = delayed(step, 1, "array_en", true);
  const Signal in_raddr = low(n.addr[kGenInAddr], p.in_addr_width);
  for (int r = 0; r < R; ++r) {
    ibuf[fmt::format("wr_en_{}", r)] <<= arr_in && arr_bank == r;
    ibuf[fmt::format("wr_addr_{}", r)] <<= low(arr_dst, p.in_addr_width);
    ibuf[fmt::format("wr_data_{}", r)] <<= low(dram_rd_data, cfg.data_width);
    const Signal lane_on = (regs["rows_active"] > r).named(fmt::format("row_on_{}", r));
    ibuf[fmt::format("rd_en_{}_0", r)] <<= step && lane_on;
    ibuf[fmt::format("rd_addr_{}_0", r)] <<= in_raddr;
    const Signal d = Mux(RegNext(lane_on, fmt::format("row_on_q{}", r)),
                         ibuf[fmt::format("rd_data_{}_0", r)], UInt::lit(0, cfg.data_width));
    array[fmt::format("x_{}", r)] <<= cfg.is_signed ? d.as_sint() : d;
  }
  array["en"] <<= en;

  // Weight rows: collected from the arrivals, shifted in when a row is complete.
  const Signal wt_word = low(dram_rd_data, cfg.weight_width);
  array["load"] <<= arr_wt && arr_row_done;
  for (int k = 0; k < K; ++k) {
    auto stage = Reg(UInt(cfg.weight_width), fmt::format("wt_stage_{}", k));
    const Signal here = (arr_wt && arr_col == k).named(fmt::format("wt_here_{}", k));
    when(here, [&] { stage <<= wt_word; });
    const Signal w = Mux(here, wt_word, stage);
    array[fmt::format("w_{}", k)] <<= cfg.is_signed ? w.as_sint() : w;
  }

  // The step's Outputs address and first-touch flag travel with it: the old sum is read one
  // cycle before the array's result arrives, and written back with it.
  const Signal oaddr = delayed(low(n.addr[kGenOutAddr], p.out_addr_width), A, "oaddr", false);
  const Signal ofirst = delayed(step_first, A, "ofirst", false);
  const Signal rmw_rd = delayed(step, A, "ord", true);
  const Signal wr_addr = RegNext(oaddr, "oaddr_wr");
  const Signal wr_first = RegNext(ofirst, "ofirst_wr");
  const Signal out_valid = array["out_valid"];
  const Signal wb_bank = RegNext(wk.idx[kBankCoord], "wb_bank");
  const Signal wb_q = RegInit(Bool(), false, "wb_q");
  wb_q <<= wb_issue;
  Signal wb_data = obuf["rd_data_0_0"];
  for (int k = 0; k < K; ++k) {
    const Signal col_on = (regs["cols_active"] > k).named(fmt::format("col_on_{}", k));
    const Signal wb_here = wb_issue && wk.idx[kBankCoord] == k;
    obuf[fmt::format("rd_en_{}_0", k)] <<= wb_here || rmw_rd;
    obuf[fmt::format("rd_addr_{}_0", k)] <<= Mux(wb_issue, low(wk.dst_off, p.out_addr_width), oaddr);
    const Signal result = array[fmt::format("out_{}", k)];
    const Signal fresh = cfg.is_signed ? result.as_uint() : result;
    const Signal old = obuf[fmt::format("rd_data_{}_0", k)];
    const Signal fill_here = arr_out && arr_bank == k;
    obuf[fmt::format("wr_en_{}", k)] <<= fill_here || (out_valid && col_on);
    obuf[fmt::format("wr_addr_{}", k)] <<= Mux(arr_out, low(arr_dst, p.out_addr_width), wr_addr);
    obuf[fmt::format("wr_data_{}", k)] <<=
        Mux(arr_out, dram_rd_data, Mux(wr_first, fresh, fresh.add_wrap(old)));
    if (k > 0)
      wb_data = Mux(wb_bank == k, old, wb_data);
  }
  Output("dram_wr_en", Bool()) <<= wb_q;
  Output("dram_wr_addr", UInt(cfg.dram_addr_width)) <<= RegNext(src, "wb_addr");
  Output("dram_wr_data", UInt(cfg.acc_width)) <<= wb_data;

  // ---- counters
  std::vector<Signal> counters(kNestCounters);
  const auto lanes = [&](const Signal &on, const Signal &n_lanes) {
    return Mux(on, n_lanes, UInt::lit(0, static_cast<int>(n_lanes.width())));
  };
  const Signal pes = (regs["rows_active"] * regs["cols_active"]).named("pes_active");
  counter(counters, cfg, go, !idle, kCntCycles);
  counter(counters, cfg, go, step, kCntSteps);
  counter(counters, cfg, go, rd_issue && ph == kInFill, kCntInSrcReads);
  counter(counters, cfg, go, arr_in, kCntInFills);
  counter(counters, cfg, go, lanes(step, regs["rows_active"]), kCntInReads);
  counter(counters, cfg, go, rd_issue && ph == kWtLoad, kCntWtSrcReads);
  counter(counters, cfg, go, arr_wt, kCntWtFills);
  counter(counters, cfg, go, lanes(step, pes), kCntWtReads);
  counter(counters, cfg, go, rd_issue && ph == kOutFill, kCntOutSrcReads);
  counter(counters, cfg, go, arr_out, kCntOutFills);
  counter(counters, cfg, go, wb_q, kCntOutSrcUpdates);
  counter(counters, cfg, go, lanes(step && !step_first, regs["cols_active"]), kCntOutReads);
  counter(counters, cfg, go, lanes(step, regs["cols_active"]), kCntOutUpdates);
  Signal cnt = counters[0];
  for (int k = 1; k < kNestCounters; ++k)
    cnt = Mux(cnt_sel == k, counters[static_cast<std::size_t>(k)], cnt);
  Output("cnt_data", UInt(cfg.count_width)) <<= cnt;
  Output("busy", Bool()) <<= !idle;
  Output("done", Bool()) <<= done;
  (void)cw;
  (void)dw;
}

} // namespace hcl::gen
