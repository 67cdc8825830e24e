#include <scheduler/model/banking.h>

namespace hcl::sched {

Banking banking_of(const Arch &arch, const Mapping &mapping, int level, int t) {
  Banking b;
  const unsigned axes =
      arch.levels[static_cast<std::size_t>(level)].bank_axes[static_cast<std::size_t>(t)];
  if (axes == 0) {
    return b;
  }
  for (int l = 0; l <= level; ++l) {
    const Level &lv = arch.levels[static_cast<std::size_t>(l)];
    const LevelMapping &lm = mapping.levels[static_cast<std::size_t>(l)];
    if ((axes & 1U) != 0) {
      b.banks *= lv.fanout_x;
      for (const auto &lp : lm.spatial_x) {
        b.lane[static_cast<std::size_t>(lp.dim)] *= lp.factor;
      }
    }
    if ((axes & 2U) != 0) {
      b.banks *= lv.fanout_y;
      for (const auto &lp : lm.spatial_y) {
        b.lane[static_cast<std::size_t>(lp.dim)] *= lp.factor;
      }
    }
  }
  return b;
}

std::int64_t held_words(const Problem &problem, int t, const std::int64_t *tile, const Banking &b) {
  if (!b.banked()) {
    return problem.footprint(t, tile);
  }
  std::array<std::int64_t, kMaxDims> share{};
  for (std::size_t d = 0; d < problem.dim_names.size(); ++d) {
    share[d] = tile[d] / b.lane[d];
  }
  return b.banks * problem.footprint(t, share.data());
}

} // namespace hcl::sched
