// The seed tool's schedule hint (interstellar_io.h) as constraints on our own search space, so
// `hcl schedule --hint` fixes the same things in timeloop/hcl mode as in interstellar mode.
#pragma once

#include <vector>

#include <scheduler/arch.h>
#include <scheduler/interstellar/interstellar_io.h>
#include <scheduler/problem.h>
#include <scheduler/search/space.h>

namespace hcl::sched {

// Loops map to conv dimensions by name (FX->S, FY->R, OX->Q, OY->P, OC->K, IC->C, ON->N).
// A blocking_size at the tool's level v fixes the temporal factor at our level v; a
// partitioning_size at the tool's level v (PEs below that level's buffers) fixes the spatial
// factor of the mesh above it, i.e. at our level v+1. Throws std::invalid_argument when the
// problem lacks a dimension the hint names or a level does not exist.
std::vector<LevelConstraint> constraints_from_hint(const Problem &problem, const Arch &arch,
                                                   const interstellar::ScheduleHint &hint);

} // namespace hcl::sched
