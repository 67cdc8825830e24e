// A mapping (schedule) assigns, at each storage level, temporal loops in an order and spatial
// loops on the fan-out below the level, plus which tensors the level keeps. It is the
// evaluated form of the Halide-style schedule API and of Timeloop's mapping YAML.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include <scheduler/problem.h>

namespace hcl::sched {

struct Loop {
  int dim = 0;
  std::int64_t factor = 1;
};

struct LevelMapping {
  std::vector<Loop> temporal;  // innermost first, like Timeloop's permutation strings
  std::vector<Loop> spatial_x; // fan-out below this level along the mesh's X axis
  std::vector<Loop> spatial_y; // ... and Y axis
  std::array<bool, kMaxTensors> keep{true, true, true};
  // Timeloop's model switches from a mapping's directives (Timeloop mode only;
  // docs/cost-model.md): the level refetches its whole tile of the tensor at every iteration
  // of the loops above it (`no_temporal_reuse`), or its reads and updates for the fan-out
  // below it are neither multicast nor spatially reduced (`no_multicast_no_reduction`).
  std::array<bool, kMaxTensors> no_temporal_reuse{};
  std::array<bool, kMaxTensors> no_multicast{};
  bool multicast_switched() const {
    return std::find(no_multicast.begin(), no_multicast.end(), true) != no_multicast.end();
  }
  bool switched() const {
    return multicast_switched() || std::find(no_temporal_reuse.begin(), no_temporal_reuse.end(),
                                             true) != no_temporal_reuse.end();
  }
};

struct Mapping {
  std::vector<LevelMapping> levels; // innermost first, one per Arch level
};

} // namespace hcl::sched
