#include <scheduler/search/space_hint.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hcl::sched {

std::vector<LevelConstraint> constraints_from_hint(const Problem &problem, const Arch &arch,
                                                   const interstellar::ScheduleHint &hint) {
  static const char *kDims[interstellar::kNumLoops] = {"S", "R", "Q", "P", "K", "C", "N"};
  const int L = static_cast<int>(arch.levels.size());
  std::vector<LevelConstraint> out(static_cast<std::size_t>(L));
  for (int l = 0; l < interstellar::kNumLoops; ++l) {
    for (int v = 0; v < hint.levels && v < interstellar::kMaxLevels; ++v) {
      const auto &e = hint.loops[static_cast<std::size_t>(l)][static_cast<std::size_t>(v)];
      if (!e.present) {
        continue;
      }
      const int d = problem.dim_index(kDims[l]);
      const char *loop = interstellar::kLoopNames[static_cast<std::size_t>(l)];
      if (d < 0) {
        throw std::invalid_argument(
            fmt::format("hint: loop {} needs dimension {}, which layer '{}' "
                        "does not have",
                        loop, kDims[l], problem.name));
      }
      if (e.blocking > 0) {
        if (v >= L) {
          throw std::invalid_argument(fmt::format("hint: {} level{} does not exist in arch '{}' "
                                                  "({} levels)",
                                                  loop, v, arch.name, L));
        }
        out[static_cast<std::size_t>(v)].temporal[static_cast<std::size_t>(d)] = e.blocking;
      }
      if (e.partitioning > 0) {
        if (v + 1 >= L) {
          throw std::invalid_argument(fmt::format("hint: {} is partitioned at level{}, but arch "
                                                  "'{}' has no mesh above level {}",
                                                  loop, v, arch.name, v));
        }
        out[static_cast<std::size_t>(v + 1)].spatial[static_cast<std::size_t>(d)] = e.partitioning;
      }
    }
  }
  return out;
}

} // namespace hcl::sched
