// Emitted hcl designs behave: the counter, the FIFO and the signed MAC PE of tests/hcl are
// emitted, built with Verilator through the co-simulation harness and compared cycle by cycle
// with C++ reference models on random inputs.
#include "../hcl/designs.h"

#include <catch2/catch.hpp>

#include <flows/sim.h>

#include <hcl/hcl.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <random>

namespace {

hcl::flows::Simulator simulate(const hcl::Design &d, const std::string &tag) {
  auto dir = std::filesystem::path(HCL_BINARY_DIR) / "test-out" / "hcl_sim" / tag;
  std::filesystem::remove_all(dir);
  hcl::EmitResult r = hcl::emit_verilog(d, dir);
  hcl::flows::SimOptions opts;
  opts.clock = "clock";
  opts.reset = "reset";
  return hcl::flows::Simulator(r.files, r.top, opts);
}

} // namespace

TEST_CASE("hcl designs: the counter matches a C++ model cycle by cycle") {
  auto sim = simulate(hcl::elaborate(hcl_test::Counter{8}), "counter");
  sim.reset();
  std::mt19937 rng(1);
  std::uint32_t model = 0;
  for (int cycle = 0; cycle < 2000; ++cycle) {
    INFO("cycle " << cycle);
    REQUIRE(sim.peek("count") == model);
    bool en = rng() % 4 != 0;
    sim.poke("en", en);
    sim.step();
    model = (model + (en ? 1 : 0)) & 0xff;
  }
  REQUIRE(model != 0); // the run covered a wrap-around and more
}

TEST_CASE("hcl designs: the FIFO matches a C++ queue cycle by cycle") {
  const int depth = 4;
  auto sim = simulate(hcl::elaborate(hcl_test::Fifo{8, depth}), "fifo");
  sim.reset();
  std::mt19937 rng(2);
  std::deque<std::uint32_t> model;
  int pushes = 0, pops = 0, full_cycles = 0;
  for (int cycle = 0; cycle < 4000; ++cycle) {
    INFO("cycle " << cycle);
    // Phases bias the queue towards full, then towards empty, then neither.
    int phase = (cycle / 200) % 3;
    bool enq_valid = rng() % 8 < (phase == 0 ? 6u : phase == 1 ? 2u : 4u);
    bool deq_ready = rng() % 8 < (phase == 0 ? 2u : phase == 1 ? 6u : 4u);
    std::uint32_t data = rng() & 0xff;
    sim.poke("enq_valid", enq_valid);
    sim.poke("enq_data", data);
    sim.poke("deq_ready", deq_ready);
    bool can_enq = model.size() < depth;
    bool can_deq = !model.empty();
    REQUIRE(sim.peek("enq_ready") == can_enq);
    REQUIRE(sim.peek("deq_valid") == can_deq);
    if (can_deq)
      REQUIRE(sim.peek("deq_data") == model.front());
    full_cycles += !can_enq;
    sim.step();
    if (deq_ready && can_deq) {
      model.pop_front();
      ++pops;
    }
    if (enq_valid && can_enq) {
      model.push_back(data);
      ++pushes;
    }
  }
  REQUIRE(pushes > 1000);
  REQUIRE(pops > 1000);
  REQUIRE(full_cycles > 50);
}

TEST_CASE("hcl designs: the signed MAC PE matches a C++ model on random inputs") {
  auto sim = simulate(hcl::elaborate(hcl_test::MacPE{8, 32}), "macpe");
  sim.reset();
  std::mt19937 rng(3);
  std::int32_t acc = 0;
  std::int8_t a_q = 0, b_q = 0;
  bool have_q = false;
  for (int cycle = 0; cycle < 5000; ++cycle) {
    INFO("cycle " << cycle);
    REQUIRE(static_cast<std::int32_t>(static_cast<std::uint32_t>(sim.peek("acc"))) == acc);
    if (have_q) {
      REQUIRE(static_cast<std::int8_t>(sim.peek("a_out")) == a_q);
      REQUIRE(static_cast<std::int8_t>(sim.peek("b_out")) == b_q);
    }
    auto a = static_cast<std::int8_t>(rng());
    auto b = static_cast<std::int8_t>(rng());
    bool en = rng() % 8 != 0;
    bool clear = rng() % 200 == 0;
    sim.poke("a_in", static_cast<std::uint8_t>(a));
    sim.poke("b_in", static_cast<std::uint8_t>(b));
    sim.poke("en", en);
    sim.poke("clear", clear);
    sim.step();
    if (clear)
      acc = 0;
    else if (en) // 32-bit accumulator wraps: compute in 64 bits and keep the low 32
      acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(
          static_cast<std::int64_t>(acc) + static_cast<std::int64_t>(a) * b));
    a_q = a;
    b_q = b;
    have_q = true;
  }
}
