// The cost of a mapping, as Timeloop reports it: counts per instance of each level.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <scheduler/problem.h>

namespace hcl::sched {

enum class Mode { Timeloop, Interstellar, Hcl };

struct TensorCounts {
  std::int64_t utilized_capacity = 0;
  std::int64_t utilized_instances = 0;
  std::int64_t reads = 0;
  std::int64_t fills = 0;
  std::int64_t updates = 0;
  double energy_pj = 0;
};

struct LevelResult {
  std::string name;
  std::int64_t instances = 0;
  std::array<std::optional<TensorCounts>, kMaxTensors> tensors; // empty = bypassed
};

struct Evaluation {
  std::int64_t macs = 0;
  std::int64_t cycles = 0;
  double utilization = 0;
  double energy_pj = 0;
  std::vector<LevelResult> levels; // innermost first
};

} // namespace hcl::sched
