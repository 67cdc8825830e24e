#include <generators/accelerator.h>
#include <generators/params.h>
#include <generators/require.h>

#include "delay.h"

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <algorithm>

namespace hcl::gen {

const char *const kStreamLevelNames[3] = {"step", "c_tile", "k_tile"};
const char *const kLoadLevelNames[3] = {"row", "c_tile", "k_tile"};
const char *const kStreamGenNames[kStreamGens] = {"input", "output", "accumulate"};
const char *const kLoadGenNames[kLoadGens] = {"weight"};

std::vector<std::string> accelerator_preset_names() { return {"tpu", "tree"}; }

AcceleratorConfig accelerator_preset(const std::string &name) {
  require(name == "tpu" || name == "tree", "preset",
          fmt::format("unknown accelerator preset '{}'; valid: tpu, tree (the weight-stationary "
                      "C x K arrays)",
                      name));
  AcceleratorConfig c;
  c.preset = name;
  return c;
}

namespace {

ArrayConfig array_of(const AcceleratorConfig &c) {
  ArrayConfig a = array_preset(c.preset);
  a.rows = c.rows;
  a.cols = c.cols;
  a.data_width = c.data_width;
  a.weight_width = c.weight_width;
  a.acc_width = c.acc_width;
  a.is_signed = c.is_signed;
  a.pipeline_stages = c.pipeline_stages;
  return a;
}

constexpr int kMaxDepth = 1 << 16;

// Register names of one controller in its own register order (controller.h).
void name_registers(const ControllerConfig &c, const char *const *levels, const char *const *gens,
                    const std::string &prefix, std::vector<std::string> &names) {
  const auto at = [&](int reg) -> std::string & {
    return names[names.size() - static_cast<std::size_t>(c.config_registers()) +
                 static_cast<std::size_t>(reg)];
  };
  names.resize(names.size() + static_cast<std::size_t>(c.config_registers()));
  for (int l = 0; l < c.levels; ++l)
    at(c.bound_reg(l)) = fmt::format("{}bound_{}", prefix, levels[l]);
  for (int g = 0; g < c.addr_gens; ++g) {
    for (int l = 0; l < c.levels; ++l)
      at(c.stride_reg(g, l)) = fmt::format("{}stride_{}_{}", prefix, gens[g], levels[l]);
    at(c.base_reg(g)) = fmt::format("{}base_{}", prefix, gens[g]);
  }
}

} // namespace

int AcceleratorPlan::reg(const std::string &name) const {
  const auto it = std::find(reg_names.begin(), reg_names.end(), name);
  if (it == reg_names.end())
    throw std::out_of_range("no accelerator register " + name);
  return static_cast<int>(it - reg_names.begin());
}

void AcceleratorConfig::validate() const { (void)plan_accelerator(*this); }

AcceleratorPlan plan_accelerator(const AcceleratorConfig &c) {
  require(c.preset == "tpu" || c.preset == "tree", "preset",
          fmt::format("must be tpu or tree (got '{}')", c.preset));
  for (auto [key, depth] : {std::pair{"in_depth", c.in_depth}, std::pair{"wt_depth", c.wt_depth},
                            std::pair{"out_depth", c.out_depth}})
    require(depth >= 2 && depth <= kMaxDepth, key,
            fmt::format("must be in [2, {}] (got {})", kMaxDepth, depth));
  // Each array row and column is a buffer bank; name the limit by the accelerator's key.
  require(c.rows <= 64, "rows",
          fmt::format("must be <= 64, one input bank per row (got {})", c.rows));
  require(c.cols <= 64, "cols",
          fmt::format("must be <= 64, one weight and output bank per column (got {})", c.cols));
  AcceleratorPlan p;
  p.array = array_of(c);
  p.array_plan = plan_array(p.array); // names rows, cols, widths, pipeline_stages
  // Layers are rows x cols tiles of the weights; both presets must keep that shape.
  if (p.array_plan.w.route != Route::Load || p.array_plan.x.route != Route::Horizontal ||
      p.array_plan.output_stationary)
    throw ConfigError("preset", "the accelerator needs a weight-stationary C x K array");
  p.input =
      BufferConfig{c.in_depth, c.data_width, c.rows, 1, true, BufferConfig{}.sram_threshold_bits};
  p.weight =
      BufferConfig{c.wt_depth, c.weight_width, c.cols, 1, true, BufferConfig{}.sram_threshold_bits};
  // Port 0 reads the old partial sum for read-modify-write, port 1 serves the host.
  p.output =
      BufferConfig{c.out_depth, c.acc_width, c.cols, 2, false, BufferConfig{}.sram_threshold_bits};
  p.input.validate();
  p.weight.validate();
  p.output.validate();
  p.latency = 1 + p.array_plan.latency; // buffer read, then the array
  p.swap_to_load = p.array_plan.swap_to_load;
  // One width for bounds and addresses: it holds the largest bound (X + 1 <= in_depth + 1
  // steps, at most a buffer's worth of tiles, `rows` load steps) and every buffer address.
  const int deepest = std::max({c.in_depth, c.wt_depth, c.out_depth});
  const int width = addr_bits(static_cast<std::uint64_t>(std::max(deepest + 2, c.rows + 1)));
  p.stream.levels = p.load.levels = 3;
  p.stream.addr_gens = kStreamGens;
  p.load.addr_gens = kLoadGens;
  p.stream.addr_width = p.stream.counter_width = width;
  p.load.addr_width = p.load.counter_width = width;
  p.stream.validate();
  p.load.validate();
  name_registers(p.stream, kStreamLevelNames, kStreamGenNames, "", p.reg_names);
  p.load_base = p.registers();
  name_registers(p.load, kLoadLevelNames, kLoadGenNames, "load_", p.reg_names);
  p.in_bank_width = addr_bits(static_cast<std::uint64_t>(c.rows));
  p.wt_bank_width = addr_bits(static_cast<std::uint64_t>(c.cols));
  return p;
}

void AcceleratorConfig::set(const std::string &key, const std::string &value) {
  const auto num = [&](int hi) { return static_cast<int>(parse_int(key, value, 0, hi)); };
  if (key == "rows")
    rows = num(1 << 16);
  else if (key == "cols")
    cols = num(1 << 16);
  else if (key == "data_width")
    data_width = num(64);
  else if (key == "weight_width")
    weight_width = num(64);
  else if (key == "acc_width")
    acc_width = num(128);
  else if (key == "signed")
    is_signed = parse_bool(key, value);
  else if (key == "pipeline_stages")
    pipeline_stages = num(64);
  else if (key == "in_depth")
    in_depth = num(1 << 24);
  else if (key == "wt_depth")
    wt_depth = num(1 << 24);
  else if (key == "out_depth")
    out_depth = num(1 << 24);
  else
    throw ConfigError(key, "unknown accelerator parameter; valid: rows, cols, data_width, "
                           "weight_width, acc_width, signed, pipeline_stages, in_depth, "
                           "wt_depth, out_depth");
}

std::string AcceleratorConfig::module_name() const {
  return fmt::format("hcl_accel_{}_{}x{}_{}{}x{}a{}_p{}_i{}w{}o{}", preset, rows, cols,
                     is_signed ? 's' : 'u', data_width, weight_width, acc_width, pipeline_stages,
                     in_depth, wt_depth, out_depth);
}

nlohmann::json AcceleratorConfig::to_json() const {
  const AcceleratorPlan p = plan_accelerator(*this);
  nlohmann::json params = {{"preset", preset},
                           {"rows", rows},
                           {"cols", cols},
                           {"data_width", data_width},
                           {"weight_width", weight_width},
                           {"acc_width", acc_width},
                           {"signed", is_signed},
                           {"pipeline_stages", pipeline_stages},
                           {"in_depth", in_depth},
                           {"wt_depth", wt_depth},
                           {"out_depth", out_depth}};
  nlohmann::json reg = nlohmann::json::object();
  for (int r = 0; r < p.registers(); ++r)
    reg[p.reg_names[static_cast<std::size_t>(r)]] = r;
  const auto buffer = [](const BufferConfig &b) {
    return nlohmann::json{{"module", b.module_name()},
                          {"banks", b.banks},
                          {"depth", b.depth},
                          {"width", b.width},
                          {"addr_width", addr_bits(static_cast<std::uint64_t>(b.depth))},
                          {"double_buffer", b.double_buffer}};
  };
  nlohmann::json derived = {
      {"array",
       {{"module", p.array.module_name()},
        {"latency", p.array_plan.latency},
        {"swap_to_load", p.array_plan.swap_to_load}}},
      {"stream_controller", p.stream.module_name()},
      {"load_controller", p.load.module_name()},
      {"input_buffer", buffer(p.input)},
      {"weight_buffer", buffer(p.weight)},
      {"output_buffer", buffer(p.output)},
      {"input_lanes", rows},
      {"weight_lanes", cols},
      {"output_lanes", cols},
      {"in_bank_width", p.in_bank_width},
      {"wt_bank_width", p.wt_bank_width},
      {"out_bank_width", p.wt_bank_width},
      {"config_registers", p.registers()},
      {"cfg_addr_width", addr_bits(static_cast<std::uint64_t>(p.registers()))},
      {"cfg_data_width", p.stream.cfg_data_width()},
      {"latency", p.latency},
      {"reg", reg}};
  return {{"generator", "accelerator"},
          {"top", module_name()},
          {"params", params},
          {"derived", derived}};
}

void Accelerator::body() const {
  const AcceleratorPlan p = plan_accelerator(cfg);
  const int R = cfg.rows, K = cfg.cols;
  const int in_aw = addr_bits(static_cast<std::uint64_t>(cfg.in_depth));
  const int wt_aw = addr_bits(static_cast<std::uint64_t>(cfg.wt_depth));
  const int out_aw = addr_bits(static_cast<std::uint64_t>(cfg.out_depth));
  const int caw = addr_bits(static_cast<std::uint64_t>(p.registers()));
  const auto low = [](const Signal &s, int w) { return s.bits(static_cast<unsigned>(w - 1), 0); };
  const auto addr = [](Instance &ctrl, int gen) { return ctrl[fmt::format("addr_{}", gen)]; };

  // ---- host interface
  auto cfg_we = Input("cfg_we", Bool());
  auto cfg_addr = Input("cfg_addr", UInt(caw));
  auto cfg_data = Input("cfg_data", UInt(p.stream.cfg_data_width()));
  auto start = Input("start", Bool());
  auto in_we = Input("in_we", Bool());
  auto in_bank = Input("in_bank", UInt(p.in_bank_width));
  auto in_addr = Input("in_addr", UInt(in_aw));
  auto in_data = Input("in_data", UInt(cfg.data_width));
  auto wt_we = Input("wt_we", Bool());
  auto wt_bank = Input("wt_bank", UInt(p.wt_bank_width));
  auto wt_addr = Input("wt_addr", UInt(wt_aw));
  auto wt_data = Input("wt_data", UInt(cfg.weight_width));
  auto out_rd_en = Input("out_rd_en", Bool());
  auto out_rd_bank = Input("out_rd_bank", UInt(p.wt_bank_width));
  auto out_rd_addr = Input("out_rd_addr", UInt(out_aw));

  Instance sctl = instance("u_stream_ctrl", Controller{p.stream});
  Instance lctl = instance("u_load_ctrl", Controller{p.load});
  Instance ibuf = instance("u_input", Buffer{p.input});
  Instance wbuf = instance("u_weight", Buffer{p.weight});
  Instance obuf = instance("u_output", Buffer{p.output});
  Instance array = instance("u_array", Array{p.array});

  // The stream controller finishes `latency` cycles before its last output reaches the
  // buffer: the accelerator stays busy (ignoring start and register writes) until then. The
  // load controller always finishes first (a tile's swap waits for its loads).
  std::vector<Signal> drain{sctl["done"]};
  for (int i = 0; i < p.latency; ++i) {
    auto q = RegInit(Bool(), false, fmt::format("drain_{}", i + 1));
    q <<= drain.back();
    drain.push_back(q);
  }
  Signal busy = sctl["busy"] || lctl["busy"];
  for (int i = 0; i < p.latency; ++i)
    busy = busy || drain[static_cast<std::size_t>(i)];
  busy = busy.named("busy_any");
  const Signal go = (start && !busy).named("go");

  // Register writes: the stream controller's registers first, then the load controller's.
  // Addresses past the map would alias onto a register once cut to a controller's width.
  const Signal cfg_ok = (cfg_we && !busy && cfg_addr < p.registers()).named("cfg_ok");
  const Signal to_load = (cfg_addr >= p.load_base).named("cfg_to_load");
  const int s_caw = addr_bits(static_cast<std::uint64_t>(p.stream.config_registers()));
  const int l_caw = addr_bits(static_cast<std::uint64_t>(p.load.config_registers()));
  sctl["cfg_we"] <<= cfg_ok && !to_load;
  sctl["cfg_addr"] <<= cfg_addr.resize(static_cast<unsigned>(s_caw));
  sctl["cfg_data"] <<= cfg_data;
  lctl["cfg_we"] <<= cfg_ok && to_load;
  lctl["cfg_addr"] <<= cfg_addr.sub_wrap(p.load_base).resize(static_cast<unsigned>(l_caw));
  lctl["cfg_data"] <<= cfg_data;
  sctl["start"] <<= go;
  lctl["start"] <<= go;

  // ---- hand-over through the array's shadow registers
  // `full`: a loaded tile waits in the shadow registers. A swap needs it; loads need it clear
  // and the previous swap to have reached every PE (swap_to_load cycles of cool-down).
  auto full = RegInit(Bool(), false, "shadow_full");
  Signal cooled = Bool::lit(true);
  const Signal stream_first = sctl["first"];
  const Signal swapping = (sctl["valid"] && stream_first && full).named("swapping");
  const Signal streaming = (sctl["valid"] && !stream_first).named("streaming");
  if (p.swap_to_load > 0) {
    const int w = addr_bits(static_cast<std::uint64_t>(p.swap_to_load) + 1);
    auto wait = RegInit(UInt(w), 0, "swap_wait");
    when(swapping, [&] { wait <<= p.swap_to_load; }).elsewhen(wait != 0, [&] {
      wait <<= wait.sub_wrap(1);
    });
    cooled = wait == 0;
  }
  const Signal load_ready = (!full && cooled).named("load_ready");
  const Signal loading = (lctl["valid"] && load_ready).named("loading");
  lctl["ready"] <<= load_ready;
  sctl["ready"] <<= !stream_first || full;
  when(loading && lctl["last"], [&] { full <<= true; }).elsewhen(swapping, [&] { full <<= false; });

  // ---- input and weight buffers: the host fills one half, the array reads the other
  ibuf["swap"] <<= go;
  wbuf["swap"] <<= go;
  const Signal in_raddr = low(addr(sctl, kGenInput), in_aw);
  const Signal wt_raddr = low(addr(lctl, kGenWeight), wt_aw);
  for (int r = 0; r < R; ++r) {
    ibuf[fmt::format("wr_en_{}", r)] <<= in_we && in_bank == r;
    ibuf[fmt::format("wr_addr_{}", r)] <<= in_addr;
    ibuf[fmt::format("wr_data_{}", r)] <<= in_data;
    ibuf[fmt::format("rd_en_{}_0", r)] <<= streaming;
    ibuf[fmt::format("rd_addr_{}_0", r)] <<= in_raddr;
  }
  for (int k = 0; k < K; ++k) {
    wbuf[fmt::format("wr_en_{}", k)] <<= wt_we && wt_bank == k;
    wbuf[fmt::format("wr_addr_{}", k)] <<= wt_addr;
    wbuf[fmt::format("wr_data_{}", k)] <<= wt_data;
    wbuf[fmt::format("rd_en_{}_0", k)] <<= loading;
    wbuf[fmt::format("rd_addr_{}_0", k)] <<= wt_raddr;
  }

  // ---- array: control one cycle after the step, in step with the buffers' read data
  array["load"] <<= delayed(loading, 1, "array_load", true);
  array["swap"] <<= delayed(swapping, 1, "array_swap", true);
  array["en"] <<= delayed(streaming, 1, "array_en", true);
  for (int r = 0; r < R; ++r) {
    Signal d = ibuf[fmt::format("rd_data_{}_0", r)];
    array[fmt::format("x_{}", r)] <<= cfg.is_signed ? d.as_sint() : d;
  }
  for (int k = 0; k < K; ++k) {
    Signal d = wbuf[fmt::format("rd_data_{}_0", k)];
    array[fmt::format("w_{}", k)] <<= cfg.is_signed ? d.as_sint() : d;
  }

  // ---- output buffer: read-modify-write across reduction tiles
  // The output address and the accumulate flag travel with the iteration: the old sum is read
  // one cycle before the array's result arrives, and written back with it.
  const Signal oaddr = delayed(low(addr(sctl, kGenOutput), out_aw), p.latency - 1, "oaddr", false);
  const Signal acc = delayed(addr(sctl, kGenAccumulate) != 0, p.latency - 1, "acc", false);
  const Signal rd_en = delayed(streaming, p.latency - 1, "ord", true);
  const Signal wr_addr = RegNext(oaddr, "oaddr_wr");
  const Signal wr_acc = RegNext(acc, "acc_wr");
  const Signal out_valid = array["out_valid"];
  for (int k = 0; k < K; ++k) {
    obuf[fmt::format("rd_en_{}_0", k)] <<= rd_en;
    obuf[fmt::format("rd_addr_{}_0", k)] <<= oaddr;
    const Signal result = array[fmt::format("out_{}", k)];
    const Signal fresh = cfg.is_signed ? result.as_uint() : result;
    const Signal old = obuf[fmt::format("rd_data_{}_0", k)];
    obuf[fmt::format("wr_en_{}", k)] <<= out_valid;
    obuf[fmt::format("wr_addr_{}", k)] <<= wr_addr;
    obuf[fmt::format("wr_data_{}", k)] <<= Mux(wr_acc, fresh.add_wrap(old), fresh);
    obuf[fmt::format("rd_en_{}_1", k)] <<= out_rd_en;
    obuf[fmt::format("rd_addr_{}_1", k)] <<= out_rd_addr;
  }
  // Read data returns a cycle after the request: select it with the bank requested then.
  const Signal bank_q = RegNext(out_rd_bank, "out_rd_bank_q");
  Signal data = obuf["rd_data_0_1"];
  for (int k = 1; k < K; ++k)
    data = Mux(bank_q == k, obuf[fmt::format("rd_data_{}_1", k)], data);
  Output("out_rd_data", UInt(cfg.acc_width)) <<= data;
  Output("busy", Bool()) <<= busy;
  Output("done", Bool()) <<= drain.back();
}

} // namespace hcl::gen
