// Emitted hcl designs behave: the counter, the FIFOs, the true dual-port RAM and the signed
// MAC PE of tests/hcl are emitted, built with Verilator through the co-simulation harness and
// compared cycle by cycle with C++ reference models on random inputs.
#include "../hcl/designs.h"

#include <catch2/catch.hpp>

#include <flows/sim.h>

#include <hcl/hcl.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <random>
#include <vector>

namespace {

hcl::flows::Simulator simulate(const hcl::Design &d, const std::string &tag) {
  // The implicit clock and reset are ports only when the design uses them.
  auto dir = std::filesystem::path(HCL_BINARY_DIR) / "test-out" / "hcl_sim" / tag;
  std::filesystem::remove_all(dir);
  hcl::EmitResult r = hcl::emit_verilog(d, dir);
  hcl::flows::SimOptions opts;
  opts.clock = d.top_module().uses_clock ? "clock" : "";
  opts.reset = d.top_module().uses_reset ? "reset" : "";
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
      acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int64_t>(acc) +
                                                                 static_cast<std::int64_t>(a) * b));
    a_q = a;
    b_q = b;
    have_q = true;
  }
}

TEST_CASE("hcl designs: the memory FIFO delivers every accepted element in order") {
  const unsigned depth = 16;
  auto sim = simulate(hcl::elaborate(hcl_test::MemFifo{8, static_cast<int>(depth)}), "memfifo");
  sim.reset();
  std::mt19937 rng(4);
  std::deque<std::uint32_t> accepted; // in the FIFO, including the prefetched head
  int pushes = 0, pops = 0, full_cycles = 0;
  for (int cycle = 0; cycle < 6000; ++cycle) {
    INFO("cycle " << cycle);
    int phase = (cycle / 300) % 3;
    bool enq_valid = rng() % 8 < (phase == 0 ? 7u : phase == 1 ? 1u : 4u);
    bool deq_ready = rng() % 8 < (phase == 0 ? 1u : phase == 1 ? 7u : 4u);
    std::uint32_t data = rng() & 0xff;
    sim.poke("enq_valid", enq_valid);
    sim.poke("enq_data", data);
    sim.poke("deq_ready", deq_ready);
    bool enq_ready = sim.peek("enq_ready") != 0;
    bool deq_valid = sim.peek("deq_valid") != 0;
    // Capacity is the RAM plus the output register; never more than that is accepted.
    REQUIRE(accepted.size() <= depth + 1);
    if (deq_valid) {
      REQUIRE_FALSE(accepted.empty());
      REQUIRE(sim.peek("deq_data") == accepted.front());
    }
    full_cycles += !enq_ready;
    sim.step();
    if (deq_valid && deq_ready) {
      accepted.pop_front();
      ++pops;
    }
    if (enq_valid && enq_ready) {
      accepted.push_back(data);
      ++pushes;
    }
  }
  // Drain: everything accepted comes out.
  sim.poke("enq_valid", 0);
  sim.poke("deq_ready", 1);
  for (int i = 0; i < 200 && !accepted.empty(); ++i) {
    if (sim.peek("deq_valid")) {
      REQUIRE(sim.peek("deq_data") == accepted.front());
      accepted.pop_front();
    }
    sim.step();
  }
  REQUIRE(accepted.empty());
  // The prefetch waits for its read to land, so it sustains one element every two cycles.
  REQUIRE(pushes > 1000);
  REQUIRE(pops > 1000);
  REQUIRE(full_cycles > 50);
}

TEST_CASE("hcl designs: the true dual-port RAM reads first and writes on both ports") {
  const unsigned depth = 16;
  auto sim = simulate(hcl::elaborate(hcl_test::TrueDualPortRam{8, static_cast<int>(depth)}), "tdp");
  std::mt19937 rng(5);
  std::vector<std::int8_t> mem(depth, 0);
  // Initialise through port a so the model and the RAM agree.
  sim.poke("a_en", 1);
  sim.poke("a_wen", 1);
  for (unsigned i = 0; i < depth; ++i) {
    sim.poke("a_addr", i);
    sim.poke("a_wdata", 0);
    sim.step();
  }
  std::int8_t ra = 0, rb = 0;
  bool have_a = false, have_b = false;
  for (int cycle = 0; cycle < 3000; ++cycle) {
    INFO("cycle " << cycle);
    if (have_a)
      REQUIRE(static_cast<std::int8_t>(sim.peek("a_rdata")) == ra);
    if (have_b)
      REQUIRE(static_cast<std::int8_t>(sim.peek("b_rdata")) == rb);
    unsigned aa = rng() % depth, ab = rng() % depth;
    bool ea = rng() % 4 != 0, eb = rng() % 4 != 0;
    bool wa = ea && rng() % 2, wb = eb && rng() % 2 && ab != aa; // no write-write collision
    auto da = static_cast<std::int8_t>(rng()), db = static_cast<std::int8_t>(rng());
    sim.poke("a_addr", aa);
    sim.poke("b_addr", ab);
    sim.poke("a_en", ea);
    sim.poke("b_en", eb);
    sim.poke("a_wen", wa);
    sim.poke("b_wen", wb);
    sim.poke("a_wdata", static_cast<std::uint8_t>(da));
    sim.poke("b_wdata", static_cast<std::uint8_t>(db));
    sim.step();
    if (ea) {
      ra = mem[aa]; // read-first: the old content
      have_a = true;
    }
    if (eb) {
      rb = mem[ab];
      have_b = true;
    }
    if (wa)
      mem[aa] = da;
    if (wb)
      mem[ab] = db;
  }
}
