// The multiply-accumulate processing element.
//
// Ports (widths from the config; types SInt when `is_signed`, else UInt):
//   x_in  [data_width]    activation operand
//   w_in  [weight_width]  weight operand
//   stationary weight/input: `load` shifts the operand's port into the stationary register
//     (the shadow half when double_buffer; its value is on w_out/x_out so a column of PEs forms
//     a load chain); `swap` (double_buffer only) copies the shadow into the active register,
//     like Gemmini's `propagate`: the next weights load while the current ones compute.
//   stationary output: `en` accumulates x*w into the PE's register, `drain` replaces it with
//     psum_in instead (a column of PEs shifts its results out); psum_out is the register.
//   otherwise, psum_chain: psum_out = register(psum_in + x*w) (a systolic accumulation chain);
//     without psum_chain: psum_out = register(x*w) (feeds an adder tree outside the PE).
//   forward_x / forward_w: x_out / w_out carry the operand delayed one cycle (systolic sharing).
// `pipeline_stages` registers sit between the multiplier and the adder (also on `en`), so the
// PE's latency from operands to psum_out is pipeline_stages + 1 (0 for output-stationary
// reads, which see the register itself). Sums wrap at acc_width bits. The multiplier is a
// submodule `hcl_mul_<s|u><wa>x<wb>` holding a Verilog `a * b`: the module boundary keeps
// synthesis from merging it with the adder (see pe.cpp).
#pragma once

#include <generators/config_keys.h>
#include <generators/ports.h>

#include <nlohmann/json.hpp>

#include <string>

namespace hcl::gen {

enum class Stationary { None, Weight, Input, Output };

// "none", "weight", "input", "output" and back.
const char *to_string(Stationary s);
Stationary parse_stationary(const std::string &key, const std::string &value);

struct PeConfig {
  int data_width = 8;   // activation width, 1..32
  int weight_width = 8; // weight width, 1..32
  int acc_width = 32;   // >= data_width + weight_width (the full product), <= 64
  bool is_signed = true;
  Stationary stationary = Stationary::Weight;
  bool double_buffer = true; // only meaningful for weight/input stationary
  int pipeline_stages = 0;   // 0..4 product registers
  bool forward_x = false;
  bool forward_w = false;
  bool psum_chain = true; // ignored for output-stationary PEs

  void validate() const;
  static const std::vector<ConfigKey<PeConfig>> &keys(); // the --set keys (config_keys.h)
  void set(const std::string &key, const std::string &value);
  std::string module_name() const; // encodes every parameter
  nlohmann::json to_json() const;  // {"generator": "pe", "top", "params", "derived"}
  // Cycles from operands at the ports to their product in psum_out.
  int latency() const { return pipeline_stages + 1; }
};

// The PE's ports, decided from its config here and nowhere else (the port list above): the PE
// declares them with `hcl::Input("", PeIO(cfg))`, a parent names an instance's with
// `hcl::io(inst, "", PeIO(cfg))`, so a misspelt port is a compile error. A port the config does
// not have is a null Signal (width 0) and is not declared.
struct PeIO {
  PeIO() = default;
  explicit PeIO(const PeConfig &cfg);
  Signal x_in, w_in;   // operands
  Signal load, swap;   // stationary operand: shift the load chain in; swap in the shadow
  Signal x_out, w_out; // load chain (the stationary operand) or the forwarded operand
  Signal psum_out;
  Signal en, drain; // output-stationary: accumulate; shift psum_in in
  Signal psum_in;   // output-stationary drain chain or psum_chain

  template <class V> void fields(V &v) {
    optional_port(v, "x_in", x_in, Dir::In);
    optional_port(v, "w_in", w_in, Dir::In);
    optional_port(v, "load", load, Dir::In);
    optional_port(v, "swap", swap, Dir::In);
    // The stationary operand's chain port comes first, as the PE declares it.
    optional_port(v, w_first_ ? "w_out" : "x_out", w_first_ ? w_out : x_out, Dir::Out);
    optional_port(v, w_first_ ? "x_out" : "w_out", w_first_ ? x_out : w_out, Dir::Out);
    optional_port(v, "psum_out", psum_out, Dir::Out);
    optional_port(v, "en", en, Dir::In);
    optional_port(v, "drain", drain, Dir::In);
    optional_port(v, "psum_in", psum_in, Dir::In);
  }

private:
  bool w_first_ = false;
};

// The hcl module generator of a PE (validates its config first).
struct Pe {
  PeConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

} // namespace hcl::gen
