#include "harness.h"

#include <generators/pe.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

#include <deque>
#include <random>

using namespace hcl::gen;
using gen_test::wrap;

namespace {

// The PE's contract (pe.h) written as a plain cycle model: registers only, outputs read them.
struct PeModel {
  PeConfig c;
  std::int64_t active = 0, shadow = 0, x_q = 0, w_q = 0, psum = 0;
  std::deque<std::int64_t> prod_pipe;
  std::deque<bool> en_pipe;
  explicit PeModel(const PeConfig &cfg)
      : c(cfg), prod_pipe(static_cast<std::size_t>(cfg.pipeline_stages), 0),
        en_pipe(static_cast<std::size_t>(cfg.pipeline_stages), false) {}

  struct In {
    std::int64_t x = 0, w = 0, psum_in = 0;
    bool load = false, swap = false, en = false, drain = false;
  };
  void step(const In &in) {
    const bool st_w = c.stationary == Stationary::Weight;
    const bool st_x = c.stationary == Stationary::Input;
    const bool db = (st_w || st_x) && c.double_buffer;
    const std::int64_t x = st_x ? active : in.x;
    const std::int64_t w = st_w ? active : in.w;
    std::int64_t prod = x * w; // exact: both operands <= 32 bits here
    bool en = in.en;
    if (c.pipeline_stages > 0) {
      prod_pipe.push_back(prod);
      prod = prod_pipe.front();
      prod_pipe.pop_front();
      en_pipe.push_back(en);
      en = en_pipe.front();
      en_pipe.pop_front();
    }
    const std::int64_t port = st_w ? in.w : in.x;
    if (st_w || st_x) {
      const std::int64_t old_shadow = shadow;
      if (db) {
        if (in.load)
          shadow = port;
        if (in.swap)
          active = old_shadow;
      } else if (in.load) {
        active = port;
        shadow = port;
      }
    }
    x_q = in.x;
    w_q = in.w;
    if (c.stationary == Stationary::Output) {
      if (in.drain)
        psum = in.psum_in;
      else if (en)
        psum = wrap(psum + prod, c.acc_width, c.is_signed);
    } else if (c.psum_chain) {
      psum = wrap(in.psum_in + prod, c.acc_width, c.is_signed);
    } else {
      psum = wrap(prod, c.acc_width, c.is_signed);
    }
  }
};

struct Case {
  std::string prefix;
  PeConfig cfg;
};

std::vector<Case> cases() {
  PeConfig ws; // int8 weight-stationary, double-buffered, forwarding inputs (TPU PE)
  ws.forward_x = true;
  PeConfig os; // unsigned 4x6, output-stationary with a 2-stage multiplier
  os.data_width = 4;
  os.weight_width = 6;
  os.acc_width = 16;
  os.is_signed = false;
  os.stationary = Stationary::Output;
  os.pipeline_stages = 2;
  os.forward_w = true;
  PeConfig is; // signed 5x7 input-stationary, single buffer, product out for a tree
  is.data_width = 5;
  is.weight_width = 7;
  is.acc_width = 13;
  is.stationary = Stationary::Input;
  is.double_buffer = false;
  is.pipeline_stages = 1;
  is.psum_chain = false;
  is.forward_w = true;
  return {{"ws", ws}, {"os", os}, {"is", is}};
}

} // namespace

TEST_CASE("pe: config validation names the key and the reason") {
  PeConfig c;
  c.acc_width = 15;
  try {
    c.validate();
    FAIL("expected ConfigError");
  } catch (const ConfigError &e) {
    CHECK(e.key() == "acc_width");
    CHECK(std::string(e.what()).find(">= data_width + weight_width = 16 (got 15)") !=
          std::string::npos);
  }
  c = PeConfig{};
  c.data_width = 0;
  CHECK_THROWS_AS(c.validate(), ConfigError);
  CHECK_THROWS_WITH(c.set("stationary", "diagonal"),
                    Catch::Contains("expected one of none, weight, input, output"));
  CHECK_THROWS_WITH(c.set("no_such", "1"), Catch::Contains("unknown pe parameter"));
}

TEST_CASE("pe: module names encode every parameter that changes the hardware") {
  auto all = cases();
  CHECK(all[0].cfg.module_name() == "hcl_pe_s8x8a32_ws_db_fx_chain");
  CHECK(all[1].cfg.module_name() == "hcl_pe_u4x6a16_os_p2_fw");
  CHECK(all[2].cfg.module_name() == "hcl_pe_s5x7a13_is_p1_fw_prod");
  auto j = all[0].cfg.to_json();
  CHECK(j["top"] == "hcl_pe_s8x8a32_ws_db_fx_chain");
  CHECK(j["derived"]["product_width"] == 16);
  CHECK(j["derived"]["stationary_registers"] == 2);
}

TEST_CASE("pe: three parameter points match the C++ model on random data (Verilator)") {
  std::vector<gen_test::Point> points;
  for (const auto &c : cases())
    points.push_back(gen_test::point(c.prefix, Pe{c.cfg}));
  auto sim = gen_test::simulate(gen_test::wrap_points("pe_cosim", points));
  if (sim->has_port("reset"))
    sim->reset(1);
  std::vector<PeModel> models;
  for (const auto &c : cases())
    models.emplace_back(c.cfg);
  std::mt19937_64 rng(5);
  std::uint64_t checks = 0;
  for (int cycle = 0; cycle < 3000; ++cycle) {
    for (std::size_t i = 0; i < models.size(); ++i) {
      auto &m = models[i];
      const std::string p = cases()[i].prefix + "_";
      PeModel::In in;
      const auto rnd = [&](int w, bool s) { return gen_test::value(rng(), w, s); };
      in.x = rnd(m.c.data_width, m.c.is_signed);
      in.w = rnd(m.c.weight_width, m.c.is_signed);
      in.psum_in = rnd(m.c.acc_width, m.c.is_signed);
      in.load = rng() % 4 == 0;
      in.swap = rng() % 8 == 0;
      in.en = rng() % 4 != 0;
      in.drain = rng() % 16 == 0;
      sim->poke(p + "x_in", gen_test::mask(in.x, m.c.data_width));
      sim->poke(p + "w_in", gen_test::mask(in.w, m.c.weight_width));
      if (sim->has_port(p + "psum_in"))
        sim->poke(p + "psum_in", gen_test::mask(in.psum_in, m.c.acc_width));
      for (auto [name, v] :
           {std::pair{"load", in.load}, {"swap", in.swap}, {"en", in.en}, {"drain", in.drain}})
        if (sim->has_port(p + name))
          sim->poke(p + name, v ? 1 : 0);
      m.step(in);
    }
    sim->step();
    for (std::size_t i = 0; i < models.size(); ++i) {
      auto &m = models[i];
      const std::string p = cases()[i].prefix + "_";
      const auto psum = gen_test::value(sim->peek(p + "psum_out"), m.c.acc_width, m.c.is_signed);
      if (cycle > 8) { // after every pipeline register has been written once
        INFO("point " << p << " cycle " << cycle);
        REQUIRE(psum == m.psum);
        if (sim->has_port(p + "x_out") && m.c.stationary != Stationary::Input)
          REQUIRE(gen_test::value(sim->peek(p + "x_out"), m.c.data_width, m.c.is_signed) == m.x_q);
        if (m.c.stationary == Stationary::Input)
          REQUIRE(gen_test::value(sim->peek(p + "x_out"), m.c.data_width, m.c.is_signed) ==
                  m.shadow);
        if (sim->has_port(p + "w_out") && m.c.stationary != Stationary::Weight)
          REQUIRE(gen_test::value(sim->peek(p + "w_out"), m.c.weight_width, m.c.is_signed) ==
                  m.w_q);
        if (m.c.stationary == Stationary::Weight)
          REQUIRE(gen_test::value(sim->peek(p + "w_out"), m.c.weight_width, m.c.is_signed) ==
                  m.shadow);
        ++checks;
      }
    }
  }
  CHECK(checks > 8000);
}
