#include <scheduler/model/access_energy.h>

#include "access_rounding.h"

namespace hcl::sched {

double access_energy_pj(const Level &level, Access kind, std::int64_t count) {
  const double e = kind == Access::Read   ? level.read_energy_pj
                   : kind == Access::Fill ? level.write_energy_pj
                                          : level.update_energy_pj;
  return detail::access_energy(count, level.block_size, e);
}

} // namespace hcl::sched
