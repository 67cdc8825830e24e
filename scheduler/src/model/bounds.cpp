#include <scheduler/model/bounds.h>
#include <scheduler/model/lower_bound.h>

#include <cmath>
#include <stdexcept>

namespace hcl::sched {

Bounds compute_bounds(const Problem &problem, const Arch &arch) {
  Bounds b;
  const std::int64_t pes = arch.total_macs();
  if (pes < 1) {
    throw std::invalid_argument("compute_bounds: arch '" + arch.name + "' has no MACs");
  }
  const std::int64_t macs = problem.macs();
  b.compute_cycles = (macs + pes - 1) / pes;
  // Count the elements the layer actually touches, not the tensor's bounding box: a strided
  // 1x1 conv never reads the skipped input rows, and a tiled mapping does not fetch them, so
  // the bounding box would not be a lower bound on its traffic.
  for (int t = 0; t < static_cast<int>(problem.tensors.size()); ++t) {
    b.compulsory_backing_words += used_elements(problem, t, problem.bounds.data());
  }
  return b;
}

double gemm_traffic_lower_bound(std::int64_t M, std::int64_t N, std::int64_t K,
                                std::int64_t on_chip_words) {
  if (M < 1 || N < 1 || K < 1 || on_chip_words < 1) {
    throw std::invalid_argument("gemm_traffic_lower_bound: M, N, K and S must be >= 1");
  }
  const double s = static_cast<double>(on_chip_words);
  const double bound = 2.0 * static_cast<double>(M) * static_cast<double>(N) *
                           static_cast<double>(K) / std::sqrt(s) -
                       2.0 * s;
  return bound > 0 ? bound : 0.0;
}

} // namespace hcl::sched
