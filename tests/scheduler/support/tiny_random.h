// Random tiny layers and architectures for the auto-scheduler's exactness tests: small enough
// that support/space_brute_force.h enumerates the whole space in milliseconds, varied enough to
// hit halos and strides, bypass, replication on one axis, a fan-out under the innermost level
// (operand latching), vector blocks, bandwidth limits and double buffering.
#pragma once

#include <scheduler/arch.h>
#include <scheduler/problem.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>

namespace tiny {

using namespace hcl::sched;

inline Problem layer(std::mt19937 &rng, int index, std::int64_t max_macs = 32) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  ConvShape s;
  s.name = "tiny" + std::to_string(index);
  // Keep the MAC count (and so the brute-force space) small.
  do {
    s.R = pick(1, 3);
    s.P = pick(1, 4);
    s.C = pick(1, 4);
    s.K = pick(1, 4);
    s.N = pick(1, 2);
    s.stride_h = pick(1, 2);
  } while (s.R * s.P * s.C * s.K * s.N > max_macs || s.R * s.P * s.C * s.K * s.N < 4);
  return make_conv2d(s);
}

inline Arch arch(std::mt19937 &rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  auto energy = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  Arch a;
  a.name = "tiny_arch";
  a.mac_energy_pj = energy(0.1, 1.0);
  Level rf;
  rf.name = "RF";
  rf.kind = MemKind::RegFile;
  rf.size_words = pick(3, 12);
  rf.read_energy_pj = energy(0.5, 1.5);
  rf.write_energy_pj = energy(0.5, 1.5);
  rf.update_energy_pj = energy(0.5, 1.5);
  if (pick(0, 3) == 0) {
    rf.keeps[static_cast<std::size_t>(pick(0, 2))] = false; // arch-level bypass
  }
  if (pick(0, 4) == 0) {
    rf.fanout_x = 2; // MACs under the RF: operand latching
  }
  Level buf;
  buf.name = "Buffer";
  buf.size_words = pick(12, 64);
  buf.double_buffered = pick(0, 2) == 0;
  buf.block_size = static_cast<int>(pick(1, 2));
  buf.read_energy_pj = energy(3, 8);
  buf.write_energy_pj = energy(3, 8);
  buf.update_energy_pj = energy(3, 8);
  buf.leak_energy_pj = pick(0, 1) ? energy(0.001, 0.01) : 0;
  buf.read_bandwidth = pick(0, 1) ? static_cast<double>(pick(1, 4)) : 0;
  buf.fanout_x = pick(1, 4);
  buf.fanout_y = pick(1, 2);
  Level dram;
  dram.name = "DRAM";
  dram.kind = MemKind::DRAM;
  dram.block_size = static_cast<int>(pick(1, 4));
  dram.read_energy_pj = dram.write_energy_pj = dram.update_energy_pj = energy(50, 200);
  dram.read_bandwidth = pick(0, 1) ? 2.0 : 0;
  a.levels = {rf, buf, dram};
  return a;
}

// Eyeriss-like: one scratchpad per tensor (consecutive levels, each keeping one tensor, in a
// random order) under a backing store with a small mesh, so the spads' small capacities force
// refetches. Four levels keep the brute-force space enumerable for layers of <= 16 MACs.
inline Arch spad_arch(std::mt19937 &rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  auto energy = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  Arch a;
  a.name = "tiny_spads";
  a.mac_energy_pj = energy(0.1, 1.0);
  std::array<int, 3> order{0, 1, 2};
  std::shuffle(order.begin(), order.end(), rng);
  for (int t : order) {
    Level s;
    s.name = "Spad" + std::to_string(t);
    s.kind = MemKind::RegFile;
    s.keeps = {false, false, false};
    s.keeps[static_cast<std::size_t>(t)] = true;
    s.size_words = pick(1, 6);
    s.double_buffered = pick(0, 4) == 0;
    s.read_energy_pj = energy(0.5, 1.5);
    s.write_energy_pj = energy(0.5, 1.5);
    s.update_energy_pj = energy(0.5, 1.5);
    a.levels.push_back(s);
  }
  Level dram;
  dram.name = "DRAM";
  dram.kind = MemKind::DRAM;
  dram.block_size = static_cast<int>(pick(1, 2));
  dram.read_energy_pj = dram.write_energy_pj = dram.update_energy_pj = energy(50, 200);
  dram.fanout_x = pick(1, 2);
  a.levels.push_back(dram);
  return a;
}

} // namespace tiny
