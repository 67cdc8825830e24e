#include <generators/params.h>
#include <generators/pe.h>
#include <generators/require.h>

#include <hcl/hcl.h>

#include <fmt/core.h>

namespace hcl::gen {

const char *to_string(Stationary s) {
  switch (s) {
  case Stationary::None:
    return "none";
  case Stationary::Weight:
    return "weight";
  case Stationary::Input:
    return "input";
  case Stationary::Output:
    return "output";
  }
  return "none";
}

Stationary parse_stationary(const std::string &key, const std::string &value) {
  const std::string v = parse_choice(key, value, {"none", "weight", "input", "output"});
  if (v == "weight")
    return Stationary::Weight;
  if (v == "input")
    return Stationary::Input;
  if (v == "output")
    return Stationary::Output;
  return Stationary::None;
}

void PeConfig::validate() const {
  require(data_width >= 1 && data_width <= 32, "data_width",
          fmt::format("must be in [1, 32] (got {})", data_width));
  require(weight_width >= 1 && weight_width <= 32, "weight_width",
          fmt::format("must be in [1, 32] (got {})", weight_width));
  require(acc_width >= data_width + weight_width, "acc_width",
          fmt::format("must hold the full product: >= data_width + weight_width = {} (got {})",
                      data_width + weight_width, acc_width));
  require(acc_width <= 64, "acc_width", fmt::format("must be <= 64 (got {})", acc_width));
  require(pipeline_stages >= 0 && pipeline_stages <= 4, "pipeline_stages",
          fmt::format("must be in [0, 4] (got {})", pipeline_stages));
}

void PeConfig::set(const std::string &key, const std::string &value) {
  if (key == "data_width")
    data_width = static_cast<int>(parse_int(key, value, 0, 64));
  else if (key == "weight_width")
    weight_width = static_cast<int>(parse_int(key, value, 0, 64));
  else if (key == "acc_width")
    acc_width = static_cast<int>(parse_int(key, value, 0, 128));
  else if (key == "signed")
    is_signed = parse_bool(key, value);
  else if (key == "stationary")
    stationary = parse_stationary(key, value);
  else if (key == "double_buffer")
    double_buffer = parse_bool(key, value);
  else if (key == "pipeline_stages")
    pipeline_stages = static_cast<int>(parse_int(key, value, 0, 64));
  else if (key == "forward_x")
    forward_x = parse_bool(key, value);
  else if (key == "forward_w")
    forward_w = parse_bool(key, value);
  else if (key == "psum_chain")
    psum_chain = parse_bool(key, value);
  else
    throw ConfigError(key, "unknown pe parameter; valid: data_width, weight_width, acc_width, "
                           "signed, stationary, double_buffer, pipeline_stages, forward_x, "
                           "forward_w, psum_chain");
}

namespace {
bool has_stationary_operand(const PeConfig &c) {
  return c.stationary == Stationary::Weight || c.stationary == Stationary::Input;
}
bool double_buffered(const PeConfig &c) { return has_stationary_operand(c) && c.double_buffer; }
} // namespace

std::string PeConfig::module_name() const {
  const char *st[] = {"n", "ws", "is", "os"};
  std::string n = fmt::format("hcl_pe_{}{}x{}a{}_{}", is_signed ? 's' : 'u', data_width,
                              weight_width, acc_width, st[static_cast<int>(stationary)]);
  if (double_buffered(*this))
    n += "_db";
  if (pipeline_stages > 0)
    n += fmt::format("_p{}", pipeline_stages);
  if (forward_x && stationary != Stationary::Input)
    n += "_fx";
  if (forward_w && stationary != Stationary::Weight)
    n += "_fw";
  if (stationary != Stationary::Output)
    n += psum_chain ? "_chain" : "_prod";
  return n;
}

nlohmann::json PeConfig::to_json() const {
  nlohmann::json p = {{"data_width", data_width},
                      {"weight_width", weight_width},
                      {"acc_width", acc_width},
                      {"signed", is_signed},
                      {"stationary", to_string(stationary)},
                      {"double_buffer", double_buffered(*this)},
                      {"pipeline_stages", pipeline_stages},
                      {"forward_x", forward_x},
                      {"forward_w", forward_w},
                      {"psum_chain", psum_chain}};
  nlohmann::json d = {{"product_width", data_width + weight_width},
                      {"latency", latency()},
                      {"stationary_registers",
                       has_stationary_operand(*this) ? (double_buffered(*this) ? 2 : 1) : 0}};
  return {{"generator", "pe"}, {"top", module_name()}, {"params", p}, {"derived", d}};
}

namespace {

// The multiplier as its own small module written as a plain Verilog `a * b` on operands of
// their own widths. hcl emits a product of w-bit operands with a 2w-bit result by
// concatenating sign bits onto the operands, which Yosys synthesizes as a full 2w x 2w
// multiplier (about 16% more PE area for int8); the native form keeps it w x w.
struct Multiplier {
  int wa, wb;
  bool is_signed;
  std::string name() const { return fmt::format("hcl_mul_{}{}x{}", is_signed ? 's' : 'u', wa, wb); }
  void body() const {
    const char *s = is_signed ? " signed" : "";
    ir::ExternInfo info;
    info.clock = "";
    info.verilog = fmt::format(
        "// Generated by hcl generators: a {0}-bit by {1}-bit{2} multiplier, full-width product.\n"
        "module {3} (\n  input  wire{2} [{4}:0] a,\n  input  wire{2} [{5}:0] b,\n"
        "  output wire{2} [{6}:0] y\n);\n  assign y = a * b;\nendmodule\n",
        wa, wb, s, name(), wa - 1, wb - 1, wa + wb - 1);
    extern_module(info);
    const auto type = [&](int w) -> Signal {
      return is_signed ? Signal(SInt(w)) : Signal(UInt(w));
    };
    Input("a", type(wa));
    Input("b", type(wb));
    Output("y", type(wa + wb));
  }
};

} // namespace

void Pe::body() const {
  cfg.validate();
  const auto type = [&](int w) -> Signal {
    return cfg.is_signed ? Signal(SInt(w)) : Signal(UInt(w));
  };
  const bool st_w = cfg.stationary == Stationary::Weight;
  const bool st_x = cfg.stationary == Stationary::Input;
  const bool os = cfg.stationary == Stationary::Output;
  const bool db = double_buffered(cfg);

  auto x_in = Input("x_in", type(cfg.data_width));
  auto w_in = Input("w_in", type(cfg.weight_width));
  Signal x = x_in, w = w_in;
  if (st_w || st_x) {
    auto load = Input("load", Bool());
    Signal port = st_w ? w_in : x_in;
    Signal active = Reg(port, "active");
    Signal shadow = active;
    if (db) {
      auto swap = Input("swap", Bool());
      shadow = Reg(port, "shadow");
      when(swap, [&] { active <<= shadow; });
    }
    when(load, [&] { shadow <<= port; });
    // The load chain: the next PE of the column loads what this one holds.
    Output(st_w ? "w_out" : "x_out", port) <<= shadow;
    (st_w ? w : x) = active;
  }
  if (cfg.forward_x && !st_x)
    Output("x_out", x_in) <<= RegNext(x_in, "x_q");
  if (cfg.forward_w && !st_w)
    Output("w_out", w_in) <<= RegNext(w_in, "w_q");

  Instance mul = instance(
      "mul", Multiplier{static_cast<int>(x.width()), static_cast<int>(w.width()), cfg.is_signed});
  mul["a"] <<= x;
  mul["b"] <<= w;
  Signal prod = mul["y"];
  for (int i = 0; i < cfg.pipeline_stages; ++i)
    prod = RegNext(prod, fmt::format("prod_q{}", i));
  const Signal addend = prod.pad(static_cast<unsigned>(cfg.acc_width));
  auto psum_out = Output("psum_out", type(cfg.acc_width));
  if (os) {
    auto en = Input("en", Bool());
    auto drain = Input("drain", Bool());
    auto psum_in = Input("psum_in", type(cfg.acc_width));
    Signal en_p = en;
    for (int i = 0; i < cfg.pipeline_stages; ++i) {
      auto q = RegInit(Bool(), false, fmt::format("en_q{}", i));
      q <<= en_p;
      en_p = q;
    }
    auto acc = Reg(type(cfg.acc_width), "acc");
    when(drain, [&] { acc <<= psum_in; }).elsewhen(en_p, [&] { acc <<= acc.add_wrap(addend); });
    psum_out <<= acc;
  } else if (cfg.psum_chain) {
    auto psum_in = Input("psum_in", type(cfg.acc_width));
    psum_out <<= RegNext(psum_in.add_wrap(addend), "psum_q");
  } else {
    psum_out <<= RegNext(addend, "prod_q");
  }
}

} // namespace hcl::gen
