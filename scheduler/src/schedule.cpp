#include <scheduler/schedule.h>

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace hcl::sched {

namespace {
std::string at_site(const std::source_location &w, const std::string &message) {
  return fmt::format("{}:{}: {}", w.file_name(), w.line(), message);
}

std::vector<std::string> level_names(const Arch &a) {
  std::vector<std::string> out;
  for (auto it = a.levels.rbegin(); it != a.levels.rend(); ++it) {
    out.push_back(it->name);
  }
  return out;
}

std::string join(const std::vector<std::string> &v) {
  return fmt::format("{}", fmt::join(v, ", "));
}
} // namespace

ScheduleError::ScheduleError(const std::source_location &where, const std::string &message)
    : std::invalid_argument(at_site(where, message)) {}

Schedule::Schedule(const Problem &problem, const Arch &arch)
    : problem_(&problem), arch_(&arch), order_(arch.levels.size()) {
  mapping_.levels.resize(arch.levels.size());
  for (std::size_t l = 0; l < arch.levels.size(); ++l) {
    mapping_.levels[l].keep = arch.levels[l].keeps;
  }
}

Schedule::Schedule(const Problem &problem, const Arch &arch, const Mapping &start)
    : Schedule(problem, arch) {
  if (start.levels.size() != arch.levels.size()) {
    throw std::invalid_argument(fmt::format("Schedule: mapping has {} levels, architecture "
                                            "'{}' has {}",
                                            start.levels.size(), arch.name, arch.levels.size()));
  }
  mapping_ = start;
  for (std::size_t l = 0; l < start.levels.size(); ++l) {
    for (const auto &loop : start.levels[l].temporal) {
      order_[l].push_back(loop.dim);
    }
  }
}

int Schedule::dim(const std::string &name, const Where &where) const {
  const int d = problem_->dim_index(name);
  if (d < 0) {
    throw ScheduleError(where, fmt::format("'{}' is not a dimension of layer '{}'; its "
                                           "dimensions are: {}",
                                           name, problem_->name, join(problem_->dim_names)));
  }
  return d;
}

int Schedule::level(const std::string &name, const Where &where) const {
  for (std::size_t l = 0; l < arch_->levels.size(); ++l) {
    if (arch_->levels[l].name == name) {
      return static_cast<int>(l);
    }
  }
  throw ScheduleError(where, fmt::format("'{}' is not a level of architecture '{}'; its levels "
                                         "are: {}",
                                         name, arch_->name, join(level_names(*arch_))));
}

int Schedule::tensor(const std::string &name, const Where &where) const {
  std::vector<std::string> names;
  for (std::size_t t = 0; t < problem_->tensors.size(); ++t) {
    if (problem_->tensors[t].name == name) {
      return static_cast<int>(t);
    }
    names.push_back(problem_->tensors[t].name);
  }
  throw ScheduleError(where, fmt::format("'{}' is not a tensor of layer '{}'; its tensors are: "
                                         "{}",
                                         name, problem_->name, join(names)));
}

std::int64_t Schedule::remaining(const std::string &name, Where where) const {
  const int d = dim(name, where);
  std::int64_t placed = 1;
  for (const auto &lm : mapping_.levels) {
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &loop : *loops) {
        if (loop.dim == d) {
          placed *= loop.factor;
        }
      }
    }
  }
  return problem_->bounds[static_cast<std::size_t>(d)] / placed;
}

void Schedule::place(int d, std::int64_t factor, const Where &where) {
  const auto &name = problem_->dim_names[static_cast<std::size_t>(d)];
  if (factor < 1) {
    throw ScheduleError(
        where, fmt::format("factor of {} is {}, factors must be at least 1", name, factor));
  }
  const std::int64_t left = remaining(name, where);
  if (left % factor != 0) {
    const std::int64_t bound = problem_->bounds[static_cast<std::size_t>(d)];
    throw ScheduleError(
        where, left == bound ? fmt::format("factor {} does not divide {} = {}", factor, name, bound)
                             : fmt::format("factor {} does not divide the {} iterations of {} "
                                           "still unplaced ({} = {} / {} placed)",
                                           factor, left, name, name, bound, bound / left));
  }
}

namespace {
void multiply_into(std::vector<Loop> &loops, int d, std::int64_t factor) {
  for (auto &loop : loops) {
    if (loop.dim == d) {
      loop.factor *= factor;
      return;
    }
  }
  loops.push_back({d, factor});
}
} // namespace

void Schedule::apply_order(int l) {
  const auto &order = order_[static_cast<std::size_t>(l)];
  auto key = [&](const Loop &loop) {
    const auto it = std::find(order.begin(), order.end(), loop.dim);
    return it == order.end() ? INT_MAX : static_cast<int>(it - order.begin());
  };
  auto &temporal = mapping_.levels[static_cast<std::size_t>(l)].temporal;
  std::stable_sort(temporal.begin(), temporal.end(),
                   [&](const Loop &a, const Loop &b) { return key(a) < key(b); });
}

Schedule &Schedule::split(const std::string &dim_name, const std::string &level_name,
                          std::int64_t factor, Where where) {
  const int d = dim(dim_name, where);
  const int l = level(level_name, where);
  place(d, factor, where);
  multiply_into(mapping_.levels[static_cast<std::size_t>(l)].temporal, d, factor);
  apply_order(l);
  return *this;
}

Schedule &Schedule::tile(const std::string &level_name,
                         std::initializer_list<std::pair<std::string, std::int64_t>> factors,
                         Where where) {
  for (const auto &[d, f] : factors) {
    split(d, level_name, f, where);
  }
  return *this;
}

Schedule &Schedule::reorder(const std::string &level_name,
                            const std::vector<std::string> &innermost_first, Where where) {
  const int l = level(level_name, where);
  std::vector<int> order;
  for (const auto &name : innermost_first) {
    const int d = dim(name, where);
    if (std::find(order.begin(), order.end(), d) != order.end()) {
      throw ScheduleError(where, fmt::format("reorder at {} lists {} twice", level_name, name));
    }
    order.push_back(d);
  }
  order_[static_cast<std::size_t>(l)] = std::move(order);
  apply_order(l);
  return *this;
}

Schedule &Schedule::unroll(const std::string &dim_name, const std::string &level_name,
                           std::int64_t factor, Axis axis, Where where) {
  const int d = dim(dim_name, where);
  const int l = level(level_name, where);
  place(d, factor, where);
  auto &lm = mapping_.levels[static_cast<std::size_t>(l)];
  multiply_into(axis == Axis::X ? lm.spatial_x : lm.spatial_y, d, factor);
  return *this;
}

Schedule &Schedule::in(const std::string &tensor_name, const std::string &level_name, Where where) {
  const int t = tensor(tensor_name, where);
  const int l = level(level_name, where);
  if (!arch_->levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)]) {
    throw ScheduleError(where, fmt::format("{} cannot keep {}: the architecture bypasses it there",
                                           level_name, tensor_name));
  }
  mapping_.levels[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)] = true;
  return *this;
}

Schedule &Schedule::bypass(const std::string &tensor_name, const std::string &level_name,
                           Where where) {
  const int t = tensor(tensor_name, where);
  const int l = level(level_name, where);
  if (l == static_cast<int>(arch_->levels.size()) - 1) {
    throw ScheduleError(
        where, fmt::format("{} is the backing store and must keep {}", level_name, tensor_name));
  }
  mapping_.levels[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)] = false;
  return *this;
}

Mapping Schedule::mapping(const ValidateOptions &opts, Where where) const {
  Schedule done = *this;
  const int store = static_cast<int>(arch_->levels.size()) - 1;
  if (store >= 0) {
    for (std::size_t d = 0; d < problem_->dim_names.size(); ++d) {
      const std::int64_t left = remaining(problem_->dim_names[d], where);
      if (left > 1) {
        multiply_into(done.mapping_.levels[static_cast<std::size_t>(store)].temporal,
                      static_cast<int>(d), left);
      }
    }
    done.apply_order(store);
  }
  try {
    validate(*problem_, *arch_, done.mapping_, opts);
  } catch (const MappingError &e) {
    throw ScheduleError(where, e.what());
  }
  return done.mapping_;
}

std::string describe(const Problem &p, const Arch &a, const Mapping &m) {
  std::string out;
  std::string indent;
  const auto dn = [&](int d) {
    return d >= 0 && d < static_cast<int>(p.dim_names.size())
               ? p.dim_names[static_cast<std::size_t>(d)]
               : fmt::format("#{}", d);
  };
  const std::size_t n = std::min(a.levels.size(), m.levels.size());
  for (std::size_t i = n; i-- > 0;) {
    const auto &lm = m.levels[i];
    std::vector<std::string> kept;
    for (std::size_t t = 0; t < p.tensors.size() && t < lm.keep.size(); ++t) {
      if (lm.keep[t] && a.levels[i].keeps[t]) {
        kept.push_back(p.tensors[t].name);
      }
    }
    out += fmt::format("{}{} [ {} ]\n", indent, a.levels[i].name, fmt::join(kept, " "));
    for (auto it = lm.temporal.rbegin(); it != lm.temporal.rend(); ++it) {
      out += fmt::format("{}| for {} in [0:{})\n", indent, dn(it->dim), it->factor);
      indent += "  ";
    }
    for (const auto &[axis, loops] : {std::pair{"X", &lm.spatial_x}, {"Y", &lm.spatial_y}}) {
      for (const auto &loop : *loops) {
        out +=
            fmt::format("{}| spatial-{} {} in [0:{})\n", indent, axis, dn(loop.dim), loop.factor);
        indent += "  ";
      }
    }
  }
  return out;
}

} // namespace hcl::sched
