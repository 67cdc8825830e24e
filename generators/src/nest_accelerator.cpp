#include <generators/nest_accelerator.h>
#include <generators/params.h>
#include <generators/require.h>

#include "delay.h"

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>

namespace hcl::gen {

const char *const kNestGenNames[kNestGens] = {"in_addr", "out_addr", "in_src", "out_src", "wt_src"};
const char *const kNestCounterNames[kNestCounters] = {
    "cycles",          "steps",     "in_src_reads", "in_fills",      "in_reads",
    "wt_src_reads",    "wt_fills",  "wt_reads",     "out_src_reads", "out_fills",
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
  // The machine swaps only at the start of a run, when the array has drained: every PE at once,
  // so a prefetch may load the next weights right after.
  a.double_buffer = c.wt_double;
  a.swap_all = true;
  return a;
}

void add_reg(NestAcceleratorPlan &p, const std::string &name, int width) {
  p.reg_names.push_back(name);
  p.reg_widths.push_back(width);
}

} // namespace

int NestAcceleratorPlan::reg(const std::string &name) const {
  const auto it = std::find(reg_names.begin(), reg_names.end(), name);
  if (it == reg_names.end()) {
    throw std::out_of_range("no nest accelerator register " + name);
  }
  return static_cast<int>(it - reg_names.begin());
}

void NestAcceleratorConfig::validate() const { (void)plan_nest_accelerator(*this); }

NestAcceleratorPlan plan_nest_accelerator(const NestAcceleratorConfig &c) {
  require(
      c.preset == "tpu" || c.preset == "tree", "preset",
      fmt::format("must be tpu or tree, the weight-stationary C|K arrays (got '{}')", c.preset));
  for (auto [key, depth] :
       {std::pair{"in_depth", c.in_depth}, std::pair{"out_depth", c.out_depth}}) {
    require(depth >= 2 && depth <= kMaxDepth, key,
            fmt::format("must be in [2, {}] (got {})", kMaxDepth, depth));
  }
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
  require(c.dram_width >= 1 && c.dram_width <= 64, "dram_width",
          fmt::format("must be in [1, 64] words per cycle (got {})", c.dram_width));
  require(c.count_width >= 16 && c.count_width <= 64, "count_width",
          fmt::format("must be in [16, 64] (got {})", c.count_width));
  require(c.acc_width >= c.data_width && c.acc_width >= c.weight_width, "acc_width",
          "must hold a data and a weight word (DRAM words are acc_width bits)");
  NestAcceleratorPlan p;
  p.array = array_of(c);
  p.array_plan = plan_array(p.array);
  if (p.array_plan.w.route != Route::Load || p.array_plan.x.route != Route::Horizontal ||
      p.array_plan.output_stationary || p.array_plan.out_route != Route::Vertical) {
    throw ConfigError("preset", "the nest accelerator needs a weight-stationary C|K array");
  }
  p.input = BufferConfig{c.in_depth * (c.in_double ? 2 : 1), c.data_width, c.rows, 1, false,
                         BufferConfig{}.sram_threshold_bits};
  p.output =
      BufferConfig{c.out_depth, c.acc_width, c.cols, 1, false, BufferConfig{}.sram_threshold_bits};
  p.input.validate();
  p.output.validate();
  p.in_addr_width = addr_bits(static_cast<std::uint64_t>(c.in_depth));
  p.out_addr_width = addr_bits(static_cast<std::uint64_t>(c.out_depth));
  p.timing.start = 0;
  p.timing.drain = p.array_plan.latency + 1; // buffer read, then the array
  p.timing.fill_tail = c.dram_latency;
  p.timing.writeback_tail = 1;
  p.timing.prefetch_lag = 2;

  const int cw = c.counter_width, aw = c.dram_addr_width;
  const int gen_width[kNestGens] = {p.in_addr_width, p.out_addr_width, aw, aw, aw};
  for (int j = 0; j < c.loops; ++j) {
    add_reg(p, fmt::format("bound_{}", j), cw);
  }
  for (int g = 0; g < kNestGens; ++g) {
    for (int j = 0; j < c.loops; ++j) {
      add_reg(p, fmt::format("stride_{}_{}", kNestGenNames[g], j), gen_width[g]);
    }
    add_reg(p, fmt::format("base_{}", kNestGenNames[g]), gen_width[g]);
  }
  const int tw = addr_bits(static_cast<std::uint64_t>(c.loops) + 1);
  for (const char *u : {"in", "out", "wt"}) {
    add_reg(p, fmt::format("trig_{}", u), tw);
  }
  add_reg(p, "db_in", 1);
  add_reg(p, "db_out", 1);
  add_reg(p, "db_wt", 1);
  add_reg(p, "first_out", c.loops);
  add_reg(p, "tile_first_out", c.loops);
  add_reg(p, "rows_active", addr_bits(static_cast<std::uint64_t>(c.rows) + 1));
  add_reg(p, "cols_active", addr_bits(static_cast<std::uint64_t>(c.cols) + 1));
  const int dst_width[] = {p.in_addr_width, p.out_addr_width};
  for (int u = 0; u < 2; ++u) {
    for (int k = 0; k < kCopyCoords; ++k) {
      add_reg(p, fmt::format("ext_{}_{}", kUnits[u], k), cw);
      add_reg(p, fmt::format("sstr_{}_{}", kUnits[u], k), aw);
      add_reg(p, fmt::format("dstr_{}_{}", kUnits[u], k), dst_width[u]);
    }
  }
  for (int k = 0; k < 2; ++k) {
    add_reg(p, fmt::format("ext_wt_{}", k), cw);
    add_reg(p, fmt::format("sstr_wt_{}", k), aw);
  }
  p.cfg_addr_width = addr_bits(static_cast<std::uint64_t>(p.registers()));
  p.cfg_data_width = *std::max_element(p.reg_widths.begin(), p.reg_widths.end());
  return p;
}

const std::vector<ConfigKey<NestAcceleratorConfig>> &NestAcceleratorConfig::keys() {
  using C = NestAcceleratorConfig;
  const auto num = [](const char *name, int C::*m, const char *doc) {
    return int_key(name, m, 0, 1 << 24, doc);
  };
  static const std::vector<ConfigKey<C>> k = {
      choice_key<C, std::string>("preset", &C::preset, {{"tpu", "tpu"}, {"tree", "tree"}},
                                 "the array: weight-stationary C|K, or one adder tree (C)"),
      num("rows", &C::rows, "array rows, one Inputs bank each (1..64)"),
      num("cols", &C::cols, "array columns, one Outputs bank each (1..64)"),
      num("data_width", &C::data_width, "activation bits"),
      num("weight_width", &C::weight_width, "weight bits"),
      num("acc_width", &C::acc_width, "accumulator and DRAM word bits"),
      num("pipeline_stages", &C::pipeline_stages, "PE pipeline stages"),
      num("in_depth", &C::in_depth, "Inputs words per bank"),
      num("out_depth", &C::out_depth, "Outputs words per bank"),
      num("loops", &C::loops, "nest loops (1..16)"),
      num("counter_width", &C::counter_width, "loop counter bits"),
      num("dram_addr_width", &C::dram_addr_width, "memory port address bits"),
      num("dram_latency", &C::dram_latency, "memory port read latency, cycles"),
      num("dram_width", &C::dram_width, "memory port lanes, words per cycle"),
      num("count_width", &C::count_width, "counter bits"),
      bool_key("signed", &C::is_signed, "signed arithmetic"),
      bool_key("in_double", &C::in_double, "ping-pong halves for the Inputs buffer"),
      bool_key("out_double", &C::out_double, "ping-pong halves for the Outputs buffer"),
      bool_key("wt_double", &C::wt_double, "a shadow weight register in every PE")};
  return k;
}

std::string NestAcceleratorConfig::key_names() { return key_help(keys()); }

void NestAcceleratorConfig::set(const std::string &key, const std::string &value) {
  set_key(keys(), *this, "nest accelerator", key, value);
}

std::string NestAcceleratorConfig::module_name() const {
  return fmt::format("hcl_nest_{}_{}x{}_{}{}x{}{}a{}_p{}_i{}{}o{}{}_l{}_m{}w{}", preset, rows, cols,
                     is_signed ? 's' : 'u', data_width, weight_width, wt_double ? "d" : "",
                     acc_width, pipeline_stages, in_depth, in_double ? "d" : "", out_depth,
                     out_double ? "d" : "", loops, dram_latency, dram_width);
}

nlohmann::json NestAcceleratorConfig::to_json() const {
  const NestAcceleratorPlan p = plan_nest_accelerator(*this);
  const nlohmann::json params = params_json(keys(), *this);
  nlohmann::json reg = nlohmann::json::object();
  for (int r = 0; r < p.registers(); ++r) {
    reg[p.reg_names[static_cast<std::size_t>(r)]] = r;
  }
  nlohmann::json counters = nlohmann::json::object();
  for (int k = 0; k < kNestCounters; ++k) {
    counters[kNestCounterNames[k]] = k;
  }
  nlohmann::json derived = {
      {"array", {{"module", p.array.module_name()}, {"latency", p.array_plan.latency}}},
      {"input_buffer",
       {{"banks", rows},
        {"depth", in_depth},
        {"halves", in_double ? 2 : 1},
        {"width", data_width}}},
      {"output_buffer",
       {{"banks", cols},
        {"depth", out_depth},
        {"halves", out_double ? 2 : 1},
        {"width", acc_width}}},
      {"weight_registers", {{"per_pe", wt_double ? 2 : 1}, {"width", weight_width}}},
      {"timing",
       {{"start", p.timing.start},
        {"drain", p.timing.drain},
        {"fill_tail", p.timing.fill_tail},
        {"writeback_tail", p.timing.writeback_tail},
        {"prefetch_lag", p.timing.prefetch_lag}}},
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
// kOutWbOther writes back the other Outputs half (prefetch, final event), kOutWb the current one.
constexpr int kOutWbOther = 0, kOutWb = 1, kOutFill = 2, kInFill = 3, kWtLoad = 4, kPhases = 5;
constexpr int kPhaseBits = 3;

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
        name == "cols_active") {
      init = 1;
    } else if (name.rfind("trig_", 0) == 0) {
      init = c.loops;
    }
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

// `skip` (the prefetch copy): loops that never move, so one step advances the nest by one
// transfer event; `gens`: which address generators this copy needs.
Nest nest(const NestAcceleratorConfig &c, const Registers &regs, const Signal &step,
          const Signal &clear, const std::string &prefix, const std::vector<Signal> &skip,
          std::initializer_list<int> gens) {
  const auto L = static_cast<std::size_t>(c.loops);
  const unsigned cw = static_cast<unsigned>(c.counter_width);
  Nest n;
  Signal carry = step;
  std::vector<Signal> wrap;
  std::vector<Signal> idx;
  for (std::size_t j = 0; j < L; ++j) {
    idx.push_back(RegInit(UInt(static_cast<int>(cw)), 0, fmt::format("{}idx_{}", prefix, j)));
    Signal w = idx[j].pad(cw + 1) + 1 >= regs[fmt::format("bound_{}", j)];
    if (!skip.empty()) {
      w = w || skip[j];
    }
    wrap.push_back(w.named(fmt::format("{}wrap_{}", prefix, j)));
    n.carry.push_back(carry.named(fmt::format("{}carry_{}", prefix, j)));
    n.zero.push_back((idx[j] == 0).named(fmt::format("{}zero_{}", prefix, j)));
    carry = carry && wrap[j];
  }
  n.finished = carry.named(prefix + "nest_finished");
  for (int g : gens) {
    const std::string gn = kNestGenNames[g];
    Signal a = regs["base_" + gn];
    for (std::size_t j = 0; j < L; ++j) {
      const Signal &stride = regs[fmt::format("stride_{}_{}", gn, j)];
      auto off = RegInit(UInt(static_cast<int>(stride.width())), 0,
                         fmt::format("{}off_{}_{}", prefix, gn, j));
      when(clear, [&] { off <<= 0; }).elsewhen(n.carry[j], [&] {
        when(wrap[j], [&] { off <<= 0; }).otherwise([&] { off <<= off.add_wrap(stride); });
      });
      a = a.add_wrap(off);
    }
    n.addr[static_cast<std::size_t>(g)] = a.named(fmt::format("{}addr_{}", prefix, gn));
  }
  for (std::size_t j = 0; j < L; ++j) {
    when(clear, [&] { idx[j] <<= 0; }).elsewhen(n.carry[j], [&] {
      when(wrap[j], [&] { idx[j] <<= 0; }).otherwise([&] { idx[j] <<= idx[j].add_wrap(1); });
    });
  }
  return n;
}

// AND over the loops selected by `mask` of zero[j]: every selected loop is at index 0.
Signal all_zero(const Signal &mask, const std::vector<Signal> &zero, const std::string &name) {
  Signal s = Bool::lit(true);
  for (std::size_t j = 0; j < zero.size(); ++j) {
    s = s && (!mask.bit(static_cast<unsigned>(j)) || zero[j]);
  }
  return s.named(name);
}

// Loop j is `trig` and advances: the unit's tile changes.
Signal hit(const Signal &trig, const Nest &n, const std::string &name) {
  Signal s = Bool::lit(false);
  for (std::size_t j = 0; j < n.carry.size(); ++j) {
    s = s || (trig == static_cast<int>(j) && n.carry[j]);
  }
  return s.named(name);
}

// The transfer walker: five coordinates with the current phase's extents and strides. One beat
// per step: coordinate kBankCoord (the lanes) advances dram_width at a time, and lane w of a
// beat is the element at lane idx[kBankCoord] + w.
struct Walker {
  std::array<Signal, kCopyCoords> idx;
  Signal src_off, dst_off;
  std::vector<Signal> lane_on;  // lane w holds an element in this beat
  std::vector<Signal> lane_src; // lane w's DRAM offset (src_off for lane 0)
  Signal lanes;                 // how many lanes are on
  Signal row_wrap;              // the lanes coordinate wraps (a weight row is complete)
  Signal last;                  // the last beat of the walk
};

// The number of true signals, as an unsigned count.
Signal count_true(const std::vector<Signal> &bits, const std::string &name) {
  const int w = addr_bits(static_cast<std::uint64_t>(bits.size()) + 1);
  Signal n = UInt::lit(0, w);
  for (const Signal &b : bits) {
    n = n.add_wrap(Mux(b, UInt::lit(1, w), UInt::lit(0, w)));
  }
  return n.named(name);
}

Walker walker(const NestAcceleratorPlan &p, const NestAcceleratorConfig &c, const Registers &regs,
              const Signal &ph, const Signal &step) {
  const unsigned cw = static_cast<unsigned>(c.counter_width);
  const int dw = std::max(p.in_addr_width, p.out_addr_width);
  Walker w;
  Signal src = UInt::lit(0, c.dram_addr_width), dst = UInt::lit(0, dw);
  Signal last = Bool::lit(true);
  const Signal is_in = (ph == kInFill).named("ph_in");
  const Signal is_wt = (ph == kWtLoad).named("ph_wt");
  const int W = c.dram_width;
  const unsigned iw = cw + 8; // idx + dram_width (<= 64) without overflow
  Signal bank_ext, bank_sstr;
  for (int k = 0; k < kCopyCoords; ++k) {
    const auto r = [&](const char *what, const char *unit, int kk) {
      return regs[fmt::format("{}_{}_{}", what, unit, kk)];
    };
    const Signal one = UInt::lit(1, static_cast<int>(cw)), zero_a = UInt::lit(0, c.dram_addr_width);
    // A weight load walks columns (the lanes) and rows: coordinates kBankCoord and the next.
    const int wk = k - kBankCoord;
    const bool wt_coord = wk == 0 || wk == 1;
    const Signal ext = Mux(is_wt, wt_coord ? r("ext", "wt", wk) : one,
                           Mux(is_in, r("ext", "in", k), r("ext", "out", k)));
    const Signal sstr = Mux(is_wt, wt_coord ? r("sstr", "wt", wk) : zero_a,
                            Mux(is_in, r("sstr", "in", k), r("sstr", "out", k)));
    const Signal dstr = Mux(is_in, r("dstr", "in", k).pad(static_cast<unsigned>(dw)),
                            r("dstr", "out", k).pad(static_cast<unsigned>(dw)));
    const int inc = k == kBankCoord ? W : 1;
    auto idx = RegInit(UInt(static_cast<int>(cw)), 0, fmt::format("w_idx_{}", k));
    auto soff = RegInit(UInt(c.dram_addr_width), 0, fmt::format("w_soff_{}", k));
    auto doff = RegInit(UInt(dw), 0, fmt::format("w_doff_{}", k));
    const Signal wrap = (idx.pad(iw) + inc >= ext).named(fmt::format("w_wrap_{}", k));
    const Signal sstep =
        inc == 1 ? sstr
                 : sstr.mul_wrap(UInt::lit(static_cast<std::uint64_t>(inc), c.dram_addr_width));
    // Coordinate k advances when every inner one wraps.
    when(step && last, [&] {
      when(wrap, [&] {
        idx <<= 0;
        soff <<= 0;
        doff <<= 0;
      }).otherwise([&] {
        idx <<= idx.add_wrap(inc);
        soff <<= soff.add_wrap(sstep);
        doff <<= doff.add_wrap(dstr);
      });
    });
    last = (last && wrap).named(fmt::format("w_last_{}", k));
    if (k == kBankCoord) {
      w.row_wrap = last;
      bank_ext = ext;
      bank_sstr = sstr;
    }
    w.idx[static_cast<std::size_t>(k)] = idx;
    src = src.add_wrap(soff);
    dst = dst.add_wrap(doff);
  }
  w.src_off = src.named("w_src_off");
  w.dst_off = dst.named("w_dst_off");
  w.last = last;
  const Signal &bank = w.idx[kBankCoord];
  for (int l = 0; l < W; ++l) {
    w.lane_on.push_back(l == 0
                            ? Bool::lit(true)
                            : (bank.pad(iw) + l < bank_ext).named(fmt::format("w_lane_on_{}", l)));
    w.lane_src.push_back(l == 0 ? w.src_off
                                : w.src_off
                                      .add_wrap(bank_sstr.mul_wrap(UInt::lit(
                                          static_cast<std::uint64_t>(l), c.dram_addr_width)))
                                      .named(fmt::format("w_lane_src_{}", l)));
  }
  w.lanes = count_true(w.lane_on, "w_lanes");
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

// NestAccelerator::body's steps, in the order they build the machine (the order also fixes
// the order of the Verilog's declarations). Each step reads the signals the ones before it made.
class MachineBuilder {
public:
  explicit MachineBuilder(const NestAcceleratorConfig &c)
      : cfg(c), p(plan_nest_accelerator(c)), any_double(c.in_double || c.out_double || c.wt_double),
        od(c.out_double), halves(c.out_double ? 2 : 1) {}

  void build() {
    control_ports();
    main_nest();
    prefetch_nest();
    engine_registers();
    engine_phases();
    prefetch_start();
    control_fsm();
    memory_read_port();
    arrivals();
    instances();
    input_side();
    weight_side();
    output_side();
    memory_write_port();
    counter_bank();
  }

private:
  static Signal low(const Signal &s, int w) { return s.bits(static_cast<unsigned>(w - 1), 0); }
  static Signal lit(int v, int w) { return UInt::lit(static_cast<std::uint64_t>(v), w); }

  void control_ports() {
    auto cfg_we = Input("cfg_we", Bool());
    state = RegInit(UInt(2), kIdle, "state");
    idle = (state == kIdle).named("idle");
    regs = config_registers(p, cfg, cfg_we && idle);
    auto start = Input("start", Bool());
    cnt_sel = Input("cnt_sel", UInt(addr_bits(kNestCounters)));
    dram_rd_data.reserve(static_cast<std::size_t>(cfg.dram_width));
    for (int l = 0; l < cfg.dram_width; ++l) {
      dram_rd_data.push_back(Input(fmt::format("dram_rd_data_{}", l), UInt(cfg.acc_width)));
    }
    go = (start && idle).named("go");
    db_in = cfg.in_double ? Signal(regs["db_in"] == 1) : Bool::lit(false);
    db_out = cfg.out_double ? Signal(regs["db_out"] == 1) : Bool::lit(false);
    db_wt = cfg.wt_double ? Signal(regs["db_wt"] == 1) : Bool::lit(false);
  }

  // The layer's loop nest: one step per RUN cycle.
  void main_nest() {
    step = (state == kRun).named("step");
    n = nest(cfg, regs, step, go, "", {},
             {kGenInAddr, kGenOutAddr, kGenInSrc, kGenOutSrc, kGenWtSrc});
    hit_in = hit(regs["trig_in"], n, "hit_in");
    hit_out = hit(regs["trig_out"], n, "hit_out");
    hit_wt = hit(regs["trig_wt"], n, "hit_wt");
    tile_first = all_zero(regs["tile_first_out"], n.zero, "tile_first");
    step_first = all_zero(regs["first_out"], n.zero, "step_first");
  }

  // The prefetch copy of the nest: one step per run (at its first cycle), so during a run it
  // stands at the next transfer event. Loops inside every unit's trigger never move it.
  void prefetch_nest() {
    if (any_double) {
      std::vector<Signal> skip;
      skip.reserve(static_cast<std::size_t>(cfg.loops));
      for (int j = 0; j < cfg.loops; ++j) {
        skip.push_back((regs["trig_in"] > j && regs["trig_out"] > j && regs["trig_wt"] > j)
                           .named(fmt::format("pf_skip_{}", j)));
      }
      pf_step = (step && !RegNext(step, "step_q")).named("pf_step");
      pf = nest(cfg, regs, pf_step, go, "pf_", skip, {kGenInSrc, kGenOutSrc, kGenWtSrc});
      // Which double-buffered units change at the next event, known once the copy has moved.
      pf_hit_in =
          RegNext(hit(regs["trig_in"], pf, "pf_hit_in_now") && !pf.finished && db_in, "pf_hit_in");
      pf_hit_out = RegNext(hit(regs["trig_out"], pf, "pf_hit_out_now") && !pf.finished && db_out,
                           "pf_hit_out");
      pf_hit_wt =
          RegNext(hit(regs["trig_wt"], pf, "pf_hit_wt_now") && !pf.finished && db_wt, "pf_hit_wt");
      pf_first = all_zero(regs["tile_first_out"], pf.zero, "pf_tile_first");
    }
    pf_go = any_double ? RegNext(pf_step, "pf_go") : Bool::lit(false);
  }

  // The transfer engine's state: the enabled phases in order, each its words then its tail.
  void engine_registers() {
    final_ = RegInit(Bool(), false, "final");
    pend_in = RegInit(Bool(), false, "pend_in");
    pend_out = RegInit(Bool(), false, "pend_out");
    pend_wt = RegInit(Bool(), false, "pend_wt");
    ph = RegInit(UInt(kPhaseBits), 0, "phase");
    issuing = RegInit(Bool(), false, "issuing");
    eng_busy = RegInit(Bool(), false, "eng_busy");
    // The engine prefetches into the other halves.
    pf_mode = any_double ? RegInit(Bool(), false, "pf_mode") : Bool::lit(false);
    for (int i = 1; i < kPhases; ++i) {
      ph_en[static_cast<std::size_t>(i)] = RegInit(Bool(), false, fmt::format("ph_en_{}", i));
    }
    const int max_tail = std::max(p.timing.fill_tail, p.timing.writeback_tail);
    tail_w = addr_bits(static_cast<std::uint64_t>(max_tail) + 1);
    tail = RegInit(UInt(tail_w), 0, "tail");
    const int drain_w = addr_bits(static_cast<std::uint64_t>(p.timing.drain) + 1);
    drain = RegInit(UInt(drain_w), 0, "drain");
    done = RegInit(Bool(), false, "done_q");
    // Tile origins in DRAM of the Outputs halves: the current one, the old tile of the current
    // half (sequential write-back), the other half and the prefetched next tile.
    out_base_cur = RegInit(UInt(cfg.dram_addr_width), 0, "out_base_cur");
    out_base_old = RegInit(UInt(cfg.dram_addr_width), 0, "out_base_old");
    out_base_other =
        od ? RegInit(UInt(cfg.dram_addr_width), 0, "out_base_other") : Signal(out_base_cur);
    out_base_next =
        od ? RegInit(UInt(cfg.dram_addr_width), 0, "out_base_next") : Signal(out_base_cur);
    cur_in = cfg.in_double ? RegInit(Bool(), false, "cur_in") : Bool::lit(false);
    cur_out = od ? RegInit(Bool(), false, "cur_out") : Bool::lit(false);
    other_dirty = od ? RegInit(Bool(), false, "other_dirty") : Bool::lit(false);
    wk = walker(p, cfg, regs, ph, issuing);
  }

  // The phase after the current one that this transfer needs, and the tails between phases.
  void engine_phases() {
    Signal any = Bool::lit(false);
    Signal next = lit(kWtLoad, kPhaseBits);
    for (int i = kPhases - 1; i >= 1; --i) {
      const Signal later = (ph < i) && ph_en[static_cast<std::size_t>(i)];
      next = Mux(later, lit(i, kPhaseBits), next);
      any = any || later;
    }
    next_ph = next.named("next_phase");
    next_any = any.named("next_any");
    eng_fin = (eng_busy && !issuing && tail == 0 && !next_any).named("eng_fin");
    when(issuing && wk.last, [&] {
      issuing <<= false;
      tail <<= Mux(ph <= kOutWb, lit(p.timing.writeback_tail - 1, tail_w),
                   lit(p.timing.fill_tail - 1, tail_w));
    }).elsewhen(eng_busy && !issuing, [&] {
      tail <<= tail.sub_wrap(1);
      when(tail == 0, [&] {
        when(next_any, [&] {
          ph <<= next_ph;
          issuing <<= true;
        }).otherwise([&] { eng_busy <<= false; });
      });
    });
  }

  // Starts the engine on the enabled phases; false when none is.
  Signal engine_start(const std::array<Signal, kPhases> &en, bool prefetch) {
    Signal any = Bool::lit(false);
    Signal first_ph = lit(kWtLoad, kPhaseBits);
    for (int i = kPhases - 1; i >= 0; --i) {
      first_ph = Mux(en[static_cast<std::size_t>(i)], lit(i, kPhaseBits), first_ph);
      any = any || en[static_cast<std::size_t>(i)];
    }
    for (int i = 1; i < kPhases; ++i) {
      ph_en[static_cast<std::size_t>(i)] <<= en[static_cast<std::size_t>(i)];
    }
    when(any, [&] {
      ph <<= first_ph;
      issuing <<= true;
      eng_busy <<= true;
      if (any_double) {
        pf_mode <<= prefetch;
      }
    });
    return any;
  }

  // A sequential transfer: the machine waits in XFER; none needed -> run (or finish).
  void enter_xfer(const std::array<Signal, kPhases> &en, const Signal &is_final) {
    const Signal any = engine_start(en, false);
    when(any, [&] { state <<= kXfer; })
        .elsewhen(is_final,
                  [&] {
                    state <<= kIdle;
                    done <<= true;
                  })
        .otherwise([&] { state <<= kRun; });
  }

  // The prefetch: the other Outputs half is written back (if it holds a tile) and refilled
  // (unless the next tile is a first touch), the other Inputs half filled.
  void prefetch_start() {
    if (any_double) {
      const Signal wbo = (pf_hit_out && other_dirty).named("pf_wb");
      const Signal F = Bool::lit(false);
      const std::array<Signal, kPhases> en = {wbo, F, pf_hit_out && !pf_first, pf_hit_in,
                                              pf_hit_wt};
      // The main FSM must not start a sequential transfer in the cycle the prefetch starts.
      when(pf_go, [&] {
        pf_wait = (pf_go && engine_start(en, true)).named("pf_wait");
        if (od) {
          when(pf_hit_out, [&] { out_base_next <<= pf.addr[kGenOutSrc]; });
          when(wbo, [&] { other_dirty <<= false; });
        }
      });
    }
    eng_free = ((!eng_busy || eng_fin) && !pf_wait).named("eng_free");
  }

  void control_fsm() {
    const Signal F = Bool::lit(false);
    done <<= false;
    when(go,
         [&] {
           final_ <<= false;
           out_base_cur <<= regs["base_out_src"];
           if (cfg.in_double) {
             cur_in <<= false;
           }
           if (od) {
             cur_out <<= false;
             other_dirty <<= false;
           }
           enter_xfer({F, F, F, Bool::lit(true), Bool::lit(true)}, F);
         })
        .elsewhen(state == kXfer,
                  [&] {
                    when(eng_fin, [&] {
                      when(final_, [&] {
                        state <<= kIdle;
                        done <<= true;
                      }).otherwise([&] { state <<= kRun; });
                    });
                  })
        .elsewhen(state == kRun,
                  [&] {
                    when(n.finished || hit_in || hit_out || hit_wt, [&] {
                      state <<= kDrain;
                      drain <<= p.timing.drain - 1;
                      final_ <<= n.finished;
                      pend_in <<= hit_in;
                      pend_out <<= hit_out;
                      pend_wt <<= hit_wt;
                    });
                  })
        .elsewhen(state == kDrain, [&] { drained(); });
  }

  // The array has drained: swap the halves that changed, start the event's transfers.
  void drained() {
    when(drain != 0, [&] { drain <<= drain.sub_wrap(1); });
    when(drain == 0 && eng_free, [&] {
      const Signal seq_out = (pend_out && !db_out && !final_).named("seq_out");
      when(final_, [&] { out_base_old <<= out_base_cur; }).elsewhen(seq_out, [&] {
        out_base_old <<= out_base_cur;
        out_base_cur <<= n.addr[kGenOutSrc];
      });
      if (od) {
        when(pend_out && db_out && !final_, [&] {
          cur_out <<= !cur_out;
          out_base_other <<= out_base_cur;
          out_base_cur <<= out_base_next;
          other_dirty <<= true;
        });
      }
      if (cfg.in_double) {
        when(pend_in && db_in && !final_, [&] { cur_in <<= !cur_in; });
      }
      // A first-touch Outputs tile is never fetched (the start event has none to write back).
      enter_xfer({final_ && db_out && other_dirty, final_ || seq_out, seq_out && !tile_first,
                  !final_ && pend_in && !db_in, !final_ && pend_wt && !db_wt},
                 final_);
    });
  }

  // Fills read DRAM; write-backs write it one cycle after the buffer read.
  void memory_read_port() {
    const Signal src_base =
        Mux(ph == kOutWbOther, out_base_other,
            Mux(ph == kOutWb, out_base_old,
                Mux(ph == kOutFill, Mux(pf_mode, out_base_next, out_base_cur),
                    Mux(ph == kInFill,
                        any_double ? Mux(pf_mode, pf.addr[kGenInSrc], n.addr[kGenInSrc])
                                   : n.addr[kGenInSrc],
                        cfg.wt_double ? Mux(pf_mode, pf.addr[kGenWtSrc], n.addr[kGenWtSrc])
                                      : n.addr[kGenWtSrc]))));
    src.reserve(static_cast<std::size_t>(cfg.dram_width));
    for (int l = 0; l < cfg.dram_width; ++l) {
      src.push_back(src_base.add_wrap(wk.lane_src[static_cast<std::size_t>(l)])
                        .named(fmt::format("xfer_src_{}", l)));
    }
    rd_issue = (issuing && ph > kOutWb).named("dram_read");
    wb_issue = (issuing && ph <= kOutWb).named("wb_read");
    for (int l = 0; l < cfg.dram_width; ++l) {
      Output(fmt::format("dram_rd_en_{}", l), Bool()) <<=
          rd_issue && wk.lane_on[static_cast<std::size_t>(l)];
      Output(fmt::format("dram_rd_addr_{}", l), UInt(cfg.dram_addr_width)) <<=
          src[static_cast<std::size_t>(l)];
    }
  }

  // Arrivals `dram_latency` cycles after the request, with what the request needs. A fill
  // writes the current half, or the other one when prefetching.
  void arrivals() {
    const int L = cfg.dram_latency, W = cfg.dram_width;
    const Signal arr = delayed(rd_issue, L, "arr", true);
    const Signal arr_ph = delayed(ph, L, "arr_ph", false);
    const Signal arr_bank = delayed(wk.idx[kBankCoord], L, "arr_bank", false);
    arr_dst = delayed(wk.dst_off, L, "arr_dst", false);
    arr_row_done = delayed(wk.row_wrap, L, "arr_row_done", false);
    arr_lanes = delayed(wk.lanes, L, "arr_lanes", false);
    std::vector<Signal> arr_on{arr}; // lane 0 is on in every beat
    for (int l = 1; l < W; ++l) {
      arr_on.push_back(delayed(rd_issue && wk.lane_on[static_cast<std::size_t>(l)], L,
                               fmt::format("arr_on_{}", l), true));
    }
    arr_in = (arr && arr_ph == kInFill).named("arr_in");
    arr_out = (arr && arr_ph == kOutFill).named("arr_out");
    arr_wt = (arr && arr_ph == kWtLoad).named("arr_wt");
    // Bank (or column) b is lane b % W of the beat at lane b - b % W.
    const int banks = std::max(cfg.rows, cfg.cols);
    arrive_at.reserve(static_cast<std::size_t>(banks));
    for (int b = 0; b < banks; ++b) {
      arrive_at.push_back((arr_on[static_cast<std::size_t>(b % W)] && arr_bank == b - b % W)
                              .named(fmt::format("arr_at_{}", b)));
    }
    fill_in_half =
        cfg.in_double ? delayed(pf_mode != cur_in, L, "arr_in_half", false) : Bool::lit(false);
    fill_out_half =
        cfg.out_double ? delayed(pf_mode != cur_out, L, "arr_out_half", false) : Bool::lit(false);
  }
  const Signal &arrives(int b) const { return arrive_at[static_cast<std::size_t>(b)]; }
  const Signal &lane_data(int b) const {
    return dram_rd_data[static_cast<std::size_t>(b % cfg.dram_width)];
  }

  void instances() {
    ibuf = io(instance("u_inputs", Buffer{p.input}), "", BufferIO(p.input));
    obuf.reserve(static_cast<std::size_t>(halves));
    for (int h = 0; h < halves; ++h) {
      obuf.push_back(io(instance(h == 0 ? "u_outputs" : "u_outputs_1", Buffer{p.output}), "",
                        BufferIO(p.output)));
    }
    array = io(instance("u_array", Array{p.array}), "", ArrayIO(p.array));
  }

  // Steps read every active Inputs bank; fills write the banks their words arrive at.
  void input_side() {
    const int in_pw = addr_bits(static_cast<std::uint64_t>(p.input.depth));
    const Signal en = delayed(step, 1, "array_en", true);
    // An Inputs half starts in_depth words into the bank.
    const auto in_phys = [&](const Signal &a, const Signal &half) {
      const Signal w = a.pad(static_cast<unsigned>(in_pw));
      return cfg.in_double ? Mux(half, w.add_wrap(lit(cfg.in_depth, in_pw)), w) : w;
    };
    const Signal in_raddr =
        in_phys(low(n.addr[kGenInAddr], p.in_addr_width), cur_in).named("in_raddr");
    const Signal in_waddr = in_phys(low(arr_dst, p.in_addr_width), fill_in_half).named("in_waddr");
    for (int r = 0; r < cfg.rows; ++r) {
      const auto ru = static_cast<std::size_t>(r);
      ibuf.wr_en[ru] <<= arr_in && arrives(r);
      ibuf.wr_addr[ru] <<= in_waddr;
      ibuf.wr_data[ru] <<= low(lane_data(r), cfg.data_width);
      const Signal lane_on = (regs["rows_active"] > r).named(fmt::format("row_on_{}", r));
      ibuf.rd_en[ru][0] <<= step && lane_on;
      ibuf.rd_addr[ru][0] <<= in_raddr;
      const Signal d = Mux(RegNext(lane_on, fmt::format("row_on_q{}", r)), ibuf.rd_data[ru][0],
                           UInt::lit(0, cfg.data_width));
      array.x[ru] <<= cfg.is_signed ? d.as_sint() : d;
    }
    array.en <<= en;
  }

  // Weight rows: collected from the arrivals, shifted in when a row is complete.
  void weight_side() {
    const Signal wt_load = (arr_wt && arr_row_done).named("wt_load");
    array.load <<= wt_load;
    if (cfg.wt_double) {
      // Loaded rows wait in the shadows until the next run starts (the array has drained).
      auto wt_fresh = RegInit(Bool(), false, "wt_fresh");
      const Signal swap = (pf_step && wt_fresh).named("wt_swap");
      when(wt_load, [&] { wt_fresh <<= true; }).elsewhen(swap, [&] { wt_fresh <<= false; });
      array.swap <<= swap;
    }
    for (int k = 0; k < cfg.cols; ++k) {
      auto stage = Reg(UInt(cfg.weight_width), fmt::format("wt_stage_{}", k));
      const Signal wt_word = low(lane_data(k), cfg.weight_width);
      const Signal here = (arr_wt && arrives(k)).named(fmt::format("wt_here_{}", k));
      when(here, [&] { stage <<= wt_word; });
      const Signal w = Mux(here, wt_word, stage);
      array.w[static_cast<std::size_t>(k)] <<= cfg.is_signed ? w.as_sint() : w;
    }
  }

  // The step's Outputs address, half and first-touch flag travel with it: the old sum is read
  // one cycle before the array's result arrives, and written back with it.
  void output_side() {
    const int A = p.array_plan.latency;
    const Signal oaddr = delayed(low(n.addr[kGenOutAddr], p.out_addr_width), A, "oaddr", false);
    const Signal ofirst = delayed(step_first, A, "ofirst", false);
    const Signal rmw_rd = delayed(step, A, "ord", true);
    const Signal wr_addr = RegNext(oaddr, "oaddr_wr");
    const Signal wr_first = RegNext(ofirst, "ofirst_wr");
    const Signal ohalf = cfg.out_double ? delayed(cur_out, A, "ohalf", false) : Bool::lit(false);
    const Signal wr_half = cfg.out_double ? RegNext(ohalf, "ohalf_wr") : Bool::lit(false);
    // A write-back reads the other half (kOutWbOther) or the current one.
    const Signal wb_half =
        cfg.out_double ? Signal((ph == kOutWbOther) != cur_out).named("wb_half") : Bool::lit(false);
    const Signal out_valid = array.out_valid;
    const Signal wb_bank = RegNext(wk.idx[kBankCoord], "wb_bank");
    const Signal wb_half_q = cfg.out_double ? RegNext(wb_half, "wb_half_q") : Bool::lit(false);
    wb_q = RegInit(Bool(), false, "wb_q");
    wb_q <<= wb_issue;
    const auto is_half = [&](const Signal &half, int h) {
      return halves == 1 ? Bool::lit(true) : Signal(half == (h == 1));
    };
    const int W = cfg.dram_width;
    wb_data.assign(static_cast<std::size_t>(W), UInt::lit(0, cfg.acc_width));
    for (int h = 0; h < halves; ++h) {
      const BufferIO &ob = obuf[static_cast<std::size_t>(h)];
      const Signal rmw_here = is_half(ohalf, h), wr_here = is_half(wr_half, h);
      const Signal wb_here_h = wb_issue && is_half(wb_half, h);
      const Signal fill_h = arr_out && is_half(fill_out_half, h);
      for (int k = 0; k < cfg.cols; ++k) {
        const Signal col_on = (regs["cols_active"] > k).named(fmt::format("col_on_{}_{}", h, k));
        const Signal wb_here = wb_here_h && wk.lane_on[static_cast<std::size_t>(k % W)] &&
                               wk.idx[kBankCoord] == k - k % W;
        const auto ku = static_cast<std::size_t>(k);
        ob.rd_en[ku][0] <<= wb_here || (rmw_rd && rmw_here);
        ob.rd_addr[ku][0] <<= Mux(wb_here_h, low(wk.dst_off, p.out_addr_width), oaddr);
        const Signal result = array.out[ku];
        const Signal fresh = cfg.is_signed ? result.as_uint() : result;
        const Signal old = ob.rd_data[ku][0];
        const Signal fill_here = fill_h && arrives(k);
        ob.wr_en[ku] <<= fill_here || (out_valid && col_on && wr_here);
        ob.wr_addr[ku] <<= Mux(fill_h, low(arr_dst, p.out_addr_width), wr_addr);
        ob.wr_data[ku] <<= Mux(fill_h, lane_data(k), Mux(wr_first, fresh, fresh.add_wrap(old)));
        Signal &lane = wb_data[static_cast<std::size_t>(k % W)];
        lane =
            (h == 0 && k < W) ? old : Mux(wb_bank == k - k % W && is_half(wb_half_q, h), old, lane);
      }
    }
  }

  void memory_write_port() {
    for (int l = 0; l < cfg.dram_width; ++l) {
      const auto lu = static_cast<std::size_t>(l);
      Signal wr_en = wb_q; // lane 0 is on in every beat
      if (l > 0) {
        auto q = RegInit(Bool(), false, fmt::format("wb_q_{}", l));
        q <<= wb_issue && wk.lane_on[lu];
        wr_en = q;
      }
      Output(fmt::format("dram_wr_en_{}", l), Bool()) <<= wr_en;
      Output(fmt::format("dram_wr_addr_{}", l), UInt(cfg.dram_addr_width)) <<=
          RegNext(src[lu], fmt::format("wb_addr_{}", l));
      Output(fmt::format("dram_wr_data_{}", l), UInt(cfg.acc_width)) <<= wb_data[lu];
    }
  }

  void counter_bank() {
    std::vector<Signal> counters(kNestCounters);
    const auto lanes = [&](const Signal &on, const Signal &n_lanes) {
      return Mux(on, n_lanes, UInt::lit(0, static_cast<int>(n_lanes.width())));
    };
    const Signal pes = (regs["rows_active"] * regs["cols_active"]).named("pes_active");
    counter(counters, cfg, go, !idle, kCntCycles);
    counter(counters, cfg, go, step, kCntSteps);
    const Signal wb_lanes = RegNext(wk.lanes, "wb_lanes");
    counter(counters, cfg, go, lanes(rd_issue && ph == kInFill, wk.lanes), kCntInSrcReads);
    counter(counters, cfg, go, lanes(arr_in, arr_lanes), kCntInFills);
    counter(counters, cfg, go, lanes(step, regs["rows_active"]), kCntInReads);
    counter(counters, cfg, go, lanes(rd_issue && ph == kWtLoad, wk.lanes), kCntWtSrcReads);
    counter(counters, cfg, go, lanes(arr_wt, arr_lanes), kCntWtFills);
    counter(counters, cfg, go, lanes(step, pes), kCntWtReads);
    counter(counters, cfg, go, lanes(rd_issue && ph == kOutFill, wk.lanes), kCntOutSrcReads);
    counter(counters, cfg, go, lanes(arr_out, arr_lanes), kCntOutFills);
    counter(counters, cfg, go, lanes(wb_q, wb_lanes), kCntOutSrcUpdates);
    counter(counters, cfg, go, lanes(step && !step_first, regs["cols_active"]), kCntOutReads);
    counter(counters, cfg, go, lanes(step, regs["cols_active"]), kCntOutUpdates);
    Signal cnt = counters[0];
    for (int k = 1; k < kNestCounters; ++k) {
      cnt = Mux(cnt_sel == k, counters[static_cast<std::size_t>(k)], cnt);
    }
    Output("cnt_data", UInt(cfg.count_width)) <<= cnt;
    Output("busy", Bool()) <<= !idle;
    Output("done", Bool()) <<= done;
  }

  const NestAcceleratorConfig &cfg;
  const NestAcceleratorPlan p;
  const bool any_double, od;
  const int halves; // Outputs buffer halves
  // control_ports
  Signal state, idle, go, cnt_sel, db_in, db_out, db_wt;
  Registers regs;
  std::vector<Signal> dram_rd_data;
  // main_nest, prefetch_nest
  Signal step, hit_in, hit_out, hit_wt, tile_first, step_first;
  Nest n, pf;
  Signal pf_step = Bool::lit(false), pf_hit_in = Bool::lit(false), pf_hit_out = Bool::lit(false);
  Signal pf_hit_wt = Bool::lit(false), pf_first = Bool::lit(false), pf_go;
  // engine_registers, engine_phases, prefetch_start
  Signal final_, pend_in, pend_out, pend_wt, ph, issuing, eng_busy, pf_mode, tail, drain, done;
  std::array<Signal, kPhases> ph_en; // [0] unused: the first phase is entered directly
  int tail_w = 1;
  Signal out_base_cur, out_base_old, out_base_other, out_base_next, cur_in, cur_out, other_dirty;
  Walker wk;
  Signal next_ph, next_any, eng_fin, pf_wait = Bool::lit(false), eng_free;
  // memory_read_port, arrivals
  std::vector<Signal> src;
  Signal rd_issue, wb_issue;
  Signal arr_dst, arr_row_done, arr_lanes, arr_in, arr_out, arr_wt, fill_in_half, fill_out_half;
  std::vector<Signal> arrive_at;
  // instances and the data paths
  BufferIO ibuf;
  std::vector<BufferIO> obuf;
  ArrayIO array;
  Signal wb_q;
  std::vector<Signal> wb_data;
};

} // namespace

void NestAccelerator::body() const { MachineBuilder(cfg).build(); }

} // namespace hcl::gen
