// Helpers for the generators' typed port bundles (PeIO, ArrayIO, BufferIO, ControllerIO).
//
// A generator's ports depend on its config: a PE without a stationary operand has no `load`.
// A bundle leaves such a port as a null Signal (width 0) and lists it with `optional_port`,
// which skips it, so one bundle type covers every config and the module that declares its
// ports and the parent that connects them agree by construction.
#pragma once

#include <hcl/signal.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace hcl::gen {

enum class Dir { In, Out };

// The type of a datapath value: two's complement when the generator is signed.
inline Signal number(bool is_signed, int width) {
  return is_signed ? Signal(SInt(width)) : Signal(UInt(width));
}

// Lists `s` as field `name` of the bundle visited by `v`, unless the config left it null.
template <class V, class N> void optional_port(V &v, const N &name, Signal &s, Dir dir) {
  if (s.width() == 0) {
    return;
  }
  if (dir == Dir::Out) {
    v.flipped(name, s);
  } else {
    v(name, s);
  }
}

// Lane i of `lanes` as field `<prefix>_<i>` (the names the generators have always used).
template <class V>
void lane_port(V &v, std::string_view prefix, std::vector<Signal> &lanes, std::size_t i, Dir dir) {
  optional_port(v, fmt::format("{}_{}", prefix, i), lanes[i], dir);
}

} // namespace hcl::gen
