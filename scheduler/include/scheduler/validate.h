// Whether a Mapping is a legal schedule of a Problem on an Arch, with messages that say exactly
// what is wrong and by how much, e.g.
//   "factors of K multiply to 48, layer has 64"
//   "tile needs 9,312 words at GlobalBuffer, capacity 8,192 (4,096 with double buffering)"
//   "spatial factor 32 on X exceeds mesh 14 below GlobalBuffer"
// The cost model assumes a mapping that passed; the search checks candidates with the same rules
// (check_mapping is cheap: O(levels x dims x tensors)).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

struct MappingIssue {
  enum class Kind {
    Shape,    // mapping/arch/problem sizes disagree (level count, dim or tensor index)
    Factor,   // a factor < 1, or a dim listed twice in one loop list
    Product,  // factors of a dim do not multiply to its bound
    Fanout,   // spatial factors exceed the mesh
    Capacity, // a tile does not fit a level
    Keep,     // keeping what the arch bypasses, or bypassing at the backing store
  };
  Kind kind;
  int level = -1;  // index into Arch::levels (innermost first); -1 when not about one level
  int dim = -1;    // problem dimension concerned, -1 if none
  int tensor = -1; // tensor concerned, -1 if none
  std::string message;
};

// Timeloop's min-utilization rule (model/buffer.cpp): `words` of tiles at `level` are fewer
// than its min_utilization times its usable capacity (half of it when double-buffered).
bool below_min_utilization(const Level &level, std::int64_t words);

struct ValidateOptions {
  // Imperfect factorization by padding: a dim's factors may multiply to more than its bound
  // (the extra iterations are padding), but never to more than needed, i.e. dropping any one
  // factor's last step must undershoot. Off: the product must equal the bound.
  bool allow_padding = false;
};

// Every problem found, in a stable order (shape, factors, products, fan-out, keep, capacity).
std::vector<MappingIssue> check_mapping(const Problem &problem, const Arch &arch,
                                        const Mapping &mapping, const ValidateOptions &opts = {});

// Thrown by validate(); what() lists every issue, one per line.
class MappingError : public std::invalid_argument {
public:
  explicit MappingError(std::vector<MappingIssue> issues);
  const std::vector<MappingIssue> &issues() const { return issues_; }

private:
  std::vector<MappingIssue> issues_;
};

// Throws MappingError when check_mapping finds anything.
void validate(const Problem &problem, const Arch &arch, const Mapping &mapping,
              const ValidateOptions &opts = {});

// Words `mapping` keeps at `level`: the sum, over tensors both the mapping and the arch keep
// there, of the footprint of all loops at that level and below (spatial ones included, halo
// counted) -- the number the capacity check compares, exposed for reports. A double-buffered
// level needs twice this.
std::int64_t tile_words(const Problem &problem, const Arch &arch, const Mapping &mapping,
                        int level);

// 9312 -> "9,312" (the form used in every message).
std::string group_digits(std::int64_t value);

} // namespace hcl::sched
