// An architecture is a list of storage levels from the MACs outward (index 0 is innermost,
// the last is the backing store), each with a spatial fan-out below it. This is the same
// flattening Timeloop uses: per-tensor scratchpads of one !Parallel group are consecutive
// levels that each keep one tensor.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <scheduler/problem.h>

namespace hcl::sched {

enum class MemKind { DRAM, SRAM, RegFile, Register };

struct Level {
  std::string name;
  MemKind kind = MemKind::SRAM;
  std::int64_t size_words = 0; // capacity in words per instance; 0 = unbounded
  int word_bits = 16;          // datawidth of one word
  int block_size = 1;          // words per vector access (Timeloop's width / datawidth)
  double read_bandwidth = 0;   // words/cycle per instance; 0 = unlimited
  double write_bandwidth = 0;
  bool double_buffered = false;
  // Tensors this level may hold; a mapping can bypass further but never keep what is false.
  std::array<bool, kMaxTensors> keeps{true, true, true};
  // Timeloop's buffer attribute min-utilization: a mapping is valid only if its tiles here
  // use at least this fraction of the usable capacity (half of it when double-buffered).
  double min_utilization = 0;
  double read_energy_pj = 0; // per vector access
  double write_energy_pj = 0;
  double update_energy_pj = 0;
  double leak_energy_pj = 0; // per instance per cycle
  // Spatial fan-out directly below this level (children per instance), as a mesh.
  std::int64_t fanout_x = 1;
  std::int64_t fanout_y = 1;
  // Energy of moving one word one hop between neighbours of that mesh (Interstellar's
  // parallel_cost); 0 = not modelled.
  double hop_energy_pj = 0;
  // Silicon area of one instance at size_words, in um^2 (area.h); 0 for an off-chip level or
  // when the arch has no area model.
  double area_um2 = 0;
  // Set by the flows from the generated hardware, never read from a spec file (banking.h): bit
  // 0 (1) of bank_axes[t] means tensor t is stored in one bank per PE along the X (Y) axis of
  // the mesh at or below this level, so a tile takes banks x its largest lane share.
  std::array<std::uint8_t, kMaxTensors> bank_axes{};
  std::int64_t fanout() const { return fanout_x * fanout_y; }
};

// Fixed latencies of the generated accelerator, a sequential tile machine (hcl mode's cycle
// count, docs/cost-model.md "hcl mode"): it starts, then alternates transfer events (the MAC
// array's pipeline drains, the tiles that change are written back and refilled, one beat of up
// to port_words words per cycle) with runs of array steps. Plain data: the flows set it from
// the generated hardware.
struct MachineTiming {
  std::int64_t start = 1;     // cycles from start to the first transfer
  std::int64_t drain = 4;     // per transfer event: the array pipeline drains before tiles move
  std::int64_t fill_tail = 5; // per fill transfer, after its last word is requested
  std::int64_t writeback_tail = 2; // per write-back transfer, after its last word is read
  std::int64_t prefetch_lag = 2;   // run start -> prefetch's first request, plus the swap
  std::int64_t port_words = 0;     // memory port lanes; 0: from the arch (machine_port_words)
};

struct Arch {
  std::string name;
  std::vector<Level> levels; // innermost first
  double mac_energy_pj = 0;
  int mac_bits = 16;
  double clock_ghz = 1.0;
  double mac_area_um2 = 0; // one MAC unit
  // True when the spec gave an area model (a built-in table or area_um2 on every on-chip level
  // and the MAC); false means areas are unknown, not zero.
  bool has_area = false;
  MachineTiming machine; // hcl mode's cycles; Timeloop mode ignores it
  // Instances of level i = product of fan-outs of the levels above it.
  std::int64_t instances(int level) const;
  std::int64_t total_macs() const; // product of all fan-outs
};

// Words per cycle of the tile machine's memory port: machine.port_words when set, else the
// backing store's bandwidth (the smaller of read and write when both are given) rounded down,
// at least 1 and at most the widest mesh side, since a beat moves one word per buffer bank (an
// unlimited bandwidth gives the widest side).
std::int64_t machine_port_words(const Arch &arch);

} // namespace hcl::sched
