// The loop controller: `levels` nested loop counters and `addr_gens` affine address
// generators whose loop bounds, strides and base addresses are RUNTIME configuration registers,
// so one generated accelerator runs many layers (configure, start, wait for done).
//
// Configuration registers, written through cfg_we / cfg_addr / cfg_data (cfg_data is
// max(counter_width, addr_width) bits; a register keeps the low bits it holds):
//   reg l                        bound[l], l = 0..levels-1, level 0 innermost; 0 counts as 1
//   reg levels + g*(levels+1) + l   stride[g][l] (two's complement, addresses wrap)
//   reg levels + g*(levels+1) + levels   base[g]
// Run: `start` while idle begins at all indices 0. While busy, `valid` is high and
//   addr_g = base[g] + sum_l stride[g][l] * idx[l]   (mod 2^addr_width)
// holds for the current iteration; an edge with `ready` high consumes it and advances the
// innermost counter (carrying outwards). `first` / `last` flag idx[0] == 0 / the last
// innermost iteration (for accumulators that reduce over the innermost loop). After the last
// iteration `busy` drops and `done` pulses for one cycle.
#pragma once

#include <generators/config_keys.h>
#include <generators/ports.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace hcl::gen {

struct ControllerConfig {
  int levels = 3;         // nested loops, 1..8
  int counter_width = 16; // bits of each index and bound, 1..32
  int addr_width = 16;    // bits of each address, stride and base, 1..48
  int addr_gens = 2;      // affine address generators, 1..8

  void validate() const;
  static const std::vector<ConfigKey<ControllerConfig>> &keys(); // the --set keys
  void set(const std::string &key, const std::string &value);
  std::string module_name() const;
  int config_registers() const { return levels + addr_gens * (levels + 1); }
  int cfg_data_width() const { return counter_width > addr_width ? counter_width : addr_width; }
  int bound_reg(int level) const { return level; }
  int stride_reg(int gen, int level) const { return levels + gen * (levels + 1) + level; }
  int base_reg(int gen) const { return levels + gen * (levels + 1) + levels; }
  nlohmann::json to_json() const;
};

// The controller's ports (the list at the top of this file) for one config: the controller
// declares them with `hcl::Input("", ControllerIO(cfg))` and a parent names an instance's
// with `hcl::io(inst, "", ControllerIO(cfg))`.
struct ControllerIO {
  ControllerIO() = default;
  explicit ControllerIO(const ControllerConfig &cfg);
  Signal cfg_we, cfg_addr, cfg_data, start, ready;
  Signal busy, valid, done, first, last;
  std::vector<Signal> addr; // addr_g, one per address generator

  template <class V> void fields(V &v) {
    v("cfg_we", cfg_we);
    v("cfg_addr", cfg_addr);
    v("cfg_data", cfg_data);
    v("start", start);
    v("ready", ready);
    v.flipped("busy", busy);
    v.flipped("valid", valid);
    v.flipped("done", done);
    v.flipped("first", first);
    v.flipped("last", last);
    for (std::size_t g = 0; g < addr.size(); ++g) {
      lane_port(v, "addr", addr, g, Dir::Out);
    }
  }
};

struct Controller {
  ControllerConfig cfg;
  std::string name() const { return cfg.module_name(); }
  void body() const;
};

} // namespace hcl::gen
