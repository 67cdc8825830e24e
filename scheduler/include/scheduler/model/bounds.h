// Lower bounds a report shows next to a mapping's cost (docs/cost-model.md, "Bounds shown
// beside a cost"), so a user can see how far a schedule is from what no schedule can beat.
#pragma once

#include <cstdint>

#include <scheduler/arch.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// Compute bound ceil(MACs / PEs) and compulsory backing-store traffic |W| + |I| + |O| (every
// tensor word the layer uses has to cross the backing store's port at least once). Sizes count
// the elements actually used, so strided layers do not count the input rows they skip.
Bounds compute_bounds(const Problem &problem, const Arch &arch);

// Smith et al.'s GEMM bound: an M x K by K x N product with S on-chip words moves at least
// 2MNK/sqrt(S) - 2S words to and from the backing store (never less than 0).
double gemm_traffic_lower_bound(std::int64_t M, std::int64_t N, std::int64_t K,
                                std::int64_t on_chip_words);

} // namespace hcl::sched
