// Out-of-line parts of Vec: the range error and the dynamic-index multiplexer.
#include <hcl/aggregate.h>

#include <fmt/core.h>

#include <bit>

namespace hcl::detail {

void vec_index_error(std::size_t i, std::size_t size, const SrcLoc &loc) {
  if (i == static_cast<std::size_t>(-1)) {
    throw Error(fmt::format("Vec index is negative; valid indices are 0..{}", size - 1), loc);
  }
  throw Error(fmt::format("Vec index {} is out of range for a Vec of size {}; valid indices "
                          "are 0..{}",
                          i, size, size - 1),
              loc);
}

Signal vec_dynamic_read(const std::vector<Signal> &elems, const Signal &index, const SrcLoc &loc) {
  if (elems.empty()) {
    throw Error("dynamic index into an empty Vec", loc);
  }
  if (index.is_signed()) {
    throw Error(fmt::format("a Vec index must be a UInt, got {}; convert it with .as_uint()",
                            ir::to_string(index.type())),
                loc);
  }
  // A balanced tree of 2:1 multiplexers on the index bits, LSB first.
  std::vector<Signal> level = elems;
  unsigned bit = 0;
  while (level.size() > 1) {
    std::vector<Signal> next;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      if (i + 1 == level.size()) {
        next.push_back(level[i]);
        continue;
      }
      Signal sel = bit < index.width() ? index.bit(bit, loc) : Bool::lit(false, loc);
      next.push_back(Mux(Operand(sel, loc), Operand(level[i + 1], loc), Operand(level[i], loc)));
    }
    level = std::move(next);
    ++bit;
  }
  return level[0];
}

} // namespace hcl::detail
