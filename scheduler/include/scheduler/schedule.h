// Halide-style construction of a Mapping. Dimensions, levels and tensors are named as in the
// Problem and Arch, so a schedule reads like the loop nest it describes:
//
//   Schedule s(problem, arch);
//   s.tile("RF", {{"S", 3}, {"Q", 7}})             // RF loops, innermost first
//    .unroll("C", "GlobalBuffer", 12, Axis::Y)      // spatial, below GlobalBuffer
//    .unroll("K", "GlobalBuffer", 14, Axis::X)
//    .split("P", "GlobalBuffer", 14)
//    .reorder("GlobalBuffer", {"P", "K"})           // innermost first
//    .bypass("Weights", "GlobalBuffer");
//   Mapping m = s.mapping();                        // validated; remainders go to the store
//
// Whatever part of a dimension is not placed explicitly runs at the backing store (the
// outermost level), like Halide's outer loop after a split. Calls that cannot be right on their
// own (unknown names, a factor that does not divide what is left) throw ScheduleError at once,
// naming the C++ call site; whole-schedule problems (capacity, fan-out) are reported by
// mapping() via validate().
#pragma once

#include <cstdint>
#include <initializer_list>
#include <source_location>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>
#include <scheduler/validate.h>

namespace hcl::sched {

enum class Axis { X, Y };

// Bad schedule call; what() starts with "file:line: " of the caller.
class ScheduleError : public std::invalid_argument {
public:
  ScheduleError(const std::source_location &where, const std::string &message);
};

class Schedule {
public:
  using Where = std::source_location;

  // `problem` and `arch` are referenced, not copied: they must outlive the Schedule.
  Schedule(const Problem &problem, const Arch &arch);
  // Starts from an existing mapping (e.g. one loaded from YAML) to edit it.
  Schedule(const Problem &problem, const Arch &arch, const Mapping &start);

  // A temporal loop of `factor` over `dim` at `level`, placed outside the level's existing
  // loops (later splits are further out, as in Halide). A second split of the same dim at the
  // same level multiplies into the first. `factor` must divide what is still unplaced of dim.
  Schedule &split(const std::string &dim, const std::string &level, std::int64_t factor,
                  Where where = Where::current());
  // Several splits at one level, innermost first.
  Schedule &tile(const std::string &level,
                 std::initializer_list<std::pair<std::string, std::int64_t>> factors,
                 Where where = Where::current());
  // Loop order at `level`, innermost first. Dims not listed keep their relative order outside
  // the listed ones; listing a dim with no loop there is allowed (it may come later, e.g. as
  // the backing store's remainder).
  Schedule &reorder(const std::string &level, const std::vector<std::string> &innermost_first,
                    Where where = Where::current());
  // A spatial loop of `factor` over `dim` on `axis` of the mesh below `level`. Several dims on
  // one axis share it (replication); the factor must divide what is unplaced of dim.
  Schedule &unroll(const std::string &dim, const std::string &level, std::int64_t factor, Axis axis,
                   Where where = Where::current());
  // Keep `tensor` at `level` (Halide's in(): the tensor gets a buffer there) / skip the level.
  Schedule &in(const std::string &tensor, const std::string &level, Where where = Where::current());
  Schedule &bypass(const std::string &tensor, const std::string &level,
                   Where where = Where::current());

  // What is still unplaced of `dim` (its bound divided by all factors given so far).
  std::int64_t remaining(const std::string &dim, Where where = Where::current()) const;

  // The mapping with every remainder placed at the backing store (outside its listed loops,
  // in the problem's dimension order unless reorder() said otherwise). validate()s it against
  // the problem and arch and throws ScheduleError listing every issue, at `where`.
  Mapping mapping(const ValidateOptions &opts = {}, Where where = Where::current()) const;
  // The same without completing remainders or validating: exactly the calls made so far.
  const Mapping &partial() const { return mapping_; }

private:
  int dim(const std::string &name, const Where &where) const;
  int level(const std::string &name, const Where &where) const;
  int tensor(const std::string &name, const Where &where) const;
  void place(int d, std::int64_t factor, const Where &where);
  void apply_order(int l);

  const Problem *problem_;
  const Arch *arch_;
  Mapping mapping_;
  std::vector<std::vector<int>> order_; // per level, requested order (innermost first)
};

// A readable loop nest of a mapping, outermost level first, like Timeloop's map.txt:
//   GlobalBuffer [ Inputs Outputs ]
//   | for P in [0:14)
//   |   spatial-X K in [0:14)
// Used in messages and reports.
std::string describe(const Problem &problem, const Arch &arch, const Mapping &mapping);

} // namespace hcl::sched
