// The price of accesses at one storage level, as the cost model charges them; for energies
// computed from counts that come from elsewhere (the RTL's counters).
#pragma once

#include <scheduler/arch.h>

#include <cstdint>

namespace hcl::sched {

enum class Access { Read, Fill, Update };

// `count` accesses of one kind at ONE instance of `level`: paid per vector of block_size
// words (a partial vector costs a whole one) at the level's read, write or update energy
// (docs/cost-model.md). Equal, bit for bit, to what evaluate() charges the same count.
double access_energy_pj(const Level &level, Access kind, std::int64_t count);

} // namespace hcl::sched
