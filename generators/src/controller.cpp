#include <generators/controller.h>
#include <generators/params.h>
#include <generators/require.h>

#include <hcl/hcl.h>

#include <fmt/core.h>

#include <vector>

namespace hcl::gen {

void ControllerConfig::validate() const {
  require(levels >= 1 && levels <= 8, "levels", fmt::format("must be in [1, 8] (got {})", levels));
  require(counter_width >= 1 && counter_width <= 32, "counter_width",
          fmt::format("must be in [1, 32] (got {})", counter_width));
  require(addr_width >= 1 && addr_width <= 48, "addr_width",
          fmt::format("must be in [1, 48] (got {})", addr_width));
  require(addr_gens >= 1 && addr_gens <= 8, "addr_gens",
          fmt::format("must be in [1, 8] (got {})", addr_gens));
}

const std::vector<ConfigKey<ControllerConfig>> &ControllerConfig::keys() {
  using C = ControllerConfig;
  static const std::vector<ConfigKey<C>> k = {
      int_key("levels", &C::levels, 0, 64, "nested loops, level 0 innermost"),
      int_key("counter_width", &C::counter_width, 0, 64, "index and bound bits"),
      int_key("addr_width", &C::addr_width, 0, 64, "address, stride and base bits"),
      int_key("addr_gens", &C::addr_gens, 0, 64, "affine address generators (1..8)")};
  return k;
}

void ControllerConfig::set(const std::string &key, const std::string &value) {
  set_key(keys(), *this, "controller", key, value);
}

std::string ControllerConfig::module_name() const {
  return fmt::format("hcl_ctrl_l{}_c{}_a{}_g{}", levels, counter_width, addr_width, addr_gens);
}

nlohmann::json ControllerConfig::to_json() const {
  const nlohmann::json p = params_json(keys(), *this);
  nlohmann::json regs = nlohmann::json::object();
  for (int l = 0; l < levels; ++l) {
    regs[fmt::format("bound_{}", l)] = bound_reg(l);
  }
  for (int g = 0; g < addr_gens; ++g) {
    for (int l = 0; l < levels; ++l) {
      regs[fmt::format("stride_{}_{}", g, l)] = stride_reg(g, l);
    }
    regs[fmt::format("base_{}", g)] = base_reg(g);
  }
  nlohmann::json d = {{"config_registers", config_registers()},
                      {"cfg_addr_width", addr_bits(static_cast<std::uint64_t>(config_registers()))},
                      {"cfg_data_width", cfg_data_width()},
                      {"reg", regs}};
  return {{"generator", "controller"}, {"top", module_name()}, {"params", p}, {"derived", d}};
}

ControllerIO::ControllerIO(const ControllerConfig &cfg)
    : cfg_we(Bool()), cfg_addr(UInt(addr_bits(static_cast<std::uint64_t>(cfg.config_registers())))),
      cfg_data(UInt(cfg.cfg_data_width())), start(Bool()), ready(Bool()), busy(Bool()),
      valid(Bool()), done(Bool()), first(Bool()), last(Bool()),
      addr(static_cast<std::size_t>(cfg.addr_gens), UInt(cfg.addr_width)) {}

void Controller::body() const {
  cfg.validate();
  const auto L = static_cast<std::size_t>(cfg.levels);
  const auto G = static_cast<std::size_t>(cfg.addr_gens);
  const unsigned cw = static_cast<unsigned>(cfg.counter_width);
  const unsigned aw = static_cast<unsigned>(cfg.addr_width);
  const ControllerIO io = Input("", ControllerIO(cfg));
  const Signal &cfg_we = io.cfg_we, &cfg_addr = io.cfg_addr, &cfg_data = io.cfg_data;
  const Signal &start = io.start, &ready = io.ready;

  // Configuration registers: reset to bound 1, stride 0, base 0 (a harmless single step).
  const auto config_reg = [&](int index, unsigned w, int init, const std::string &name) {
    auto r = RegInit(UInt(static_cast<int>(w)), init, name);
    when(cfg_we && cfg_addr == index, [&] { r <<= cfg_data.bits(w - 1, 0); });
    return r;
  };
  std::vector<Signal> bound, base;
  std::vector<std::vector<Signal>> stride(G);
  for (std::size_t l = 0; l < L; ++l) {
    bound.push_back(
        config_reg(cfg.bound_reg(static_cast<int>(l)), cw, 1, fmt::format("bound_{}", l)));
  }
  for (std::size_t g = 0; g < G; ++g) {
    for (std::size_t l = 0; l < L; ++l) {
      stride[g].push_back(config_reg(cfg.stride_reg(static_cast<int>(g), static_cast<int>(l)), aw,
                                     0, fmt::format("stride_{}_{}", g, l)));
    }
    base.push_back(config_reg(cfg.base_reg(static_cast<int>(g)), aw, 0, fmt::format("base_{}", g)));
  }

  auto busy = RegInit(Bool(), false, "busy");
  auto done = RegInit(Bool(), false, "done_q");
  std::vector<Signal> idx;
  std::vector<std::vector<Signal>> off(G);
  for (std::size_t l = 0; l < L; ++l) {
    idx.push_back(RegInit(UInt(static_cast<int>(cw)), 0, fmt::format("idx_{}", l)));
  }
  for (std::size_t g = 0; g < G; ++g) {
    for (std::size_t l = 0; l < L; ++l) {
      off[g].push_back(RegInit(UInt(static_cast<int>(aw)), 0, fmt::format("off_{}_{}", g, l)));
    }
  }

  // wrap[l]: level l is on its last iteration; carry[l]: level l advances this step.
  std::vector<Signal> wrap, carry;
  Signal c = busy && ready;
  for (std::size_t l = 0; l < L; ++l) {
    wrap.push_back((idx[l].pad(cw + 1) + 1 >= bound[l]).named(fmt::format("wrap_{}", l)));
    carry.push_back(c);
    c = (c && wrap[l]);
  }
  const Signal finished = c.named("finished");

  done <<= finished;
  when(start && !busy, [&] {
    busy <<= true;
    for (std::size_t l = 0; l < L; ++l) {
      idx[l] <<= 0;
    }
    for (std::size_t g = 0; g < G; ++g) {
      for (std::size_t l = 0; l < L; ++l) {
        off[g][l] <<= 0;
      }
    }
  }).otherwise([&] {
    when(finished, [&] { busy <<= false; });
    for (std::size_t l = 0; l < L; ++l) {
      when(carry[l], [&] {
        when(wrap[l], [&] {
          idx[l] <<= 0;
          for (std::size_t g = 0; g < G; ++g) {
            off[g][l] <<= 0;
          }
        }).otherwise([&] {
          idx[l] <<= idx[l].add_wrap(1);
          for (std::size_t g = 0; g < G; ++g) {
            off[g][l] <<= off[g][l].add_wrap(stride[g][l]);
          }
        });
      });
    }
  });

  io.busy <<= busy;
  io.valid <<= busy;
  io.done <<= done;
  io.first <<= busy && idx[0] == 0;
  io.last <<= busy && wrap[0];
  for (std::size_t g = 0; g < G; ++g) {
    Signal a = base[g];
    for (std::size_t l = 0; l < L; ++l) {
      a = a.add_wrap(off[g][l]);
    }
    io.addr[g] <<= a;
  }
}

} // namespace hcl::gen
