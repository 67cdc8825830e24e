// Banked buffers: where a generated buffer above a PE array is built as one bank per PE along
// a mesh axis (Level::bank_axes), each bank holds its own lane's share of a tile and every bank
// is as deep as the deepest share, so a tile takes banks x share words, not its footprint. A
// layer that spreads a tensor over fewer lanes than the mesh has leaves banks idle, and the
// words they would hold still count against the level's size. Unbanked levels (every spec
// file's) take the footprint, so Timeloop and Interstellar modes are unaffected.
#pragma once

#include <array>
#include <cstdint>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// How tensor t is spread over the banks of one level, from the mapping's spatial loops.
struct Banking {
  std::int64_t banks = 1; // product of the fan-outs along the banked axes
  // Per dimension: the spatial factor on the banked axes (a bank's share is tile / lane).
  std::array<std::int64_t, kMaxDims> lane{};
  Banking() { lane.fill(1); }
  bool banked() const { return banks > 1; }
};

// The banking of tensor t at `level`: the fan-outs of the mesh levels at or below it, along the
// axes bank_axes[t] names, and the mapping's spatial factors on those axes. Unbanked (banks 1)
// when bank_axes[t] is 0.
Banking banking_of(const Arch &arch, const Mapping &mapping, int level, int t);

// Words tensor t's tile (extents per dimension, all loops at the level and below) takes in a
// buffer banked as `b`: banks x footprint(tile / lane), or the footprint when unbanked.
std::int64_t held_words(const Problem &problem, int t, const std::int64_t *tile, const Banking &b);

} // namespace hcl::sched
