// The built-in per-access energies an architecture file gets unless it gives its own.
#pragma once

#include <scheduler/arch.h>

#include <cstdint>

namespace hcl::sched {

// The built-in energy table ("energy_table: interstellar", the default): energy in pJ of one
// 16-bit word access to a level of `kind` holding `size_bytes`, from the Interstellar ASIC
// files (cited in docs/specs.md, "Built-in energy table"): register/regfile 0.015 pJ per 8 B
// (512 B -> 0.96 pJ); SRAM 9 pJ at 32 KB, x1.5 per doubling (continuous in between); DRAM
// 200 pJ. A level with block size B and word width w pays this x B x w/16 per vector access.
double interstellar_word_energy_pj(MemKind kind, std::int64_t size_bytes);
// The neighbour-hop energy of the same table (pJ per 16-bit word per hop).
inline constexpr double kInterstellarHopEnergyPj = 0.035;

} // namespace hcl::sched
