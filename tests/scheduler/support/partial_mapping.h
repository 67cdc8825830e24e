// The partial mappings the search bounds, built from complete ones, for the lower-bound tests.
#pragma once

#include <scheduler/mapping.h>

#include <cstddef>

namespace partial_mapping {

using hcl::sched::Mapping;

// m with only levels >= j's temporal loops (the search's partial mapping).
inline Mapping partial(const Mapping &m, int j) {
  Mapping out = m;
  for (int l = 0; l < j; ++l) {
    out.levels[static_cast<std::size_t>(l)].temporal.clear();
  }
  return out;
}

// The dimension of level j's innermost loop (factor > 1), -1 when it has none.
inline int innermost(const Mapping &m, int j) {
  for (const auto &l : m.levels[static_cast<std::size_t>(j)].temporal) {
    if (l.factor > 1) {
      return l.dim;
    }
  }
  return -1;
}

} // namespace partial_mapping
