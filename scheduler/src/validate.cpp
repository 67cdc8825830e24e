#include <scheduler/validate.h>

#include <scheduler/counts.h>
#include <scheduler/model/banking.h>

#include <fmt/format.h>

#include <array>

namespace hcl::sched {

std::string group_digits(std::int64_t value) {
  // Unsigned magnitude so INT64_MIN does not overflow on negation.
  const std::uint64_t mag =
      value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const std::string digits = std::to_string(mag);
  std::string out = value < 0 ? "-" : "";
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

namespace {

using Kind = MappingIssue::Kind;

const char *axis_name(int axis) { return axis == 0 ? "X" : "Y"; }

std::string dim_name(const Problem &p, int d) {
  return d >= 0 && d < static_cast<int>(p.dim_names.size())
             ? p.dim_names[static_cast<std::size_t>(d)]
             : fmt::format("#{}", d);
}

std::string tensor_name(const Problem &p, int t) {
  return t >= 0 && t < static_cast<int>(p.tensors.size())
             ? p.tensors[static_cast<std::size_t>(t)].name
             : fmt::format("#{}", t);
}

bool keeps(const Arch &a, const Mapping &m, int level, int t) {
  const auto l = static_cast<std::size_t>(level);
  const auto ti = static_cast<std::size_t>(t);
  return m.levels[l].keep[ti] && a.levels[l].keeps[ti];
}

// Checks one loop list; returns false when a loop has a bad dim (the rest of validation would
// index out of range).
bool check_loops(const Problem &p, const Arch &a, int level, const std::vector<Loop> &loops,
                 const std::string &what, std::vector<MappingIssue> &out) {
  const auto &lname = a.levels[static_cast<std::size_t>(level)].name;
  const int ndims = static_cast<int>(p.dim_names.size());
  bool ok = true;
  std::array<bool, kMaxDims> seen{};
  for (const auto &loop : loops) {
    if (loop.dim < 0 || loop.dim >= ndims) {
      out.push_back(
          {Kind::Shape, level, loop.dim, -1,
           fmt::format("{} loops at {} use dimension index {}, layer '{}' has {} "
                       "dimensions ({})",
                       what, lname, loop.dim, p.name, ndims, fmt::join(p.dim_names, ", "))});
      ok = false;
      continue;
    }
    if (loop.factor < 1) {
      out.push_back({Kind::Factor, level, loop.dim, -1,
                     fmt::format("{} factor of {} at {} is {}, factors must be at least 1", what,
                                 dim_name(p, loop.dim), lname, loop.factor)});
    }
    if (seen[static_cast<std::size_t>(loop.dim)]) {
      out.push_back({Kind::Factor, level, loop.dim, -1,
                     fmt::format("{} appears twice in the {} loops at {}; merge the factors",
                                 dim_name(p, loop.dim), what, lname)});
    }
    seen[static_cast<std::size_t>(loop.dim)] = true;
  }
  return ok;
}

} // namespace

namespace {
// Fixed-size extents: check_mapping runs on every search candidate, so no heap traffic here.
using Tile = std::array<std::int64_t, kMaxDims>;

void multiply_level(Tile &tile, const LevelMapping &lm) {
  for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
    for (const auto &loop : *loops) {
      auto &extent = tile[static_cast<std::size_t>(loop.dim)];
      extent = saturating_mul(extent, loop.factor);
    }
  }
}

std::int64_t kept_words(const Problem &p, const Arch &a, const Mapping &m, int level,
                        const Tile &tile) {
  std::int64_t words = 0;
  for (int t = 0; t < static_cast<int>(p.tensors.size()); ++t) {
    if (keeps(a, m, level, t)) {
      words += held_words(p, t, tile.data(), banking_of(a, m, level, t));
    }
  }
  return words;
}
} // namespace

bool below_min_utilization(const Level &level, std::int64_t words) {
  if (level.min_utilization <= 0 || level.size_words <= 0) {
    return false;
  }
  const std::int64_t usable = level.double_buffered ? level.size_words / 2 : level.size_words;
  return static_cast<double>(words) < level.min_utilization * static_cast<double>(usable);
}

std::int64_t tile_words(const Problem &problem, const Arch &arch, const Mapping &mapping,
                        int level) {
  Tile tile;
  tile.fill(1);
  for (int j = 0; j <= level; ++j) {
    multiply_level(tile, mapping.levels[static_cast<std::size_t>(j)]);
  }
  return kept_words(problem, arch, mapping, level, tile);
}

namespace {

using Issues = std::vector<MappingIssue>;

// The mapping's shape against the arch and the layer's against the fixed limits; false when
// nothing else can be checked.
bool check_shape(const Problem &p, const Arch &a, const Mapping &m, Issues &out) {
  const int nlevels = static_cast<int>(a.levels.size());
  const int ndims = static_cast<int>(p.dim_names.size());
  const int ntensors = static_cast<int>(p.tensors.size());
  if (static_cast<int>(m.levels.size()) != nlevels) {
    out.push_back({Kind::Shape, -1, -1, -1,
                   fmt::format("mapping has {} levels, architecture '{}' has {}", m.levels.size(),
                               a.name, nlevels)});
    return false;
  }
  if (nlevels == 0) {
    out.push_back(
        {Kind::Shape, -1, -1, -1, fmt::format("architecture '{}' has no levels", a.name)});
    return false;
  }
  if (ntensors > kMaxTensors || ndims > kMaxDims || static_cast<int>(p.bounds.size()) != ndims) {
    out.push_back({Kind::Shape, -1, -1, -1,
                   fmt::format("layer '{}' has {} dimensions with {} bounds and {} tensors (at "
                               "most {} dimensions and {} tensors)",
                               p.name, ndims, p.bounds.size(), ntensors, kMaxDims, kMaxTensors)});
    return false;
  }
  bool indices_ok = true;
  for (int l = 0; l < nlevels; ++l) {
    const auto &lm = m.levels[static_cast<std::size_t>(l)];
    indices_ok &= check_loops(p, a, l, lm.temporal, "temporal", out);
    indices_ok &= check_loops(p, a, l, lm.spatial_x, "spatial X", out);
    indices_ok &= check_loops(p, a, l, lm.spatial_y, "spatial Y", out);
  }
  return indices_ok;
}

// Each dimension's factors multiply to its bound (or, padded, to at most one partial outer
// step more).
void check_products(const Problem &p, const Mapping &m, const ValidateOptions &opts, Issues &out) {
  // Products per dimension, and the outermost factor of each (for the padding rule).
  Tile product;
  Tile outermost;
  product.fill(1);
  outermost.fill(1);
  for (const auto &lm : m.levels) {
    // Spatial loops sit below the level's temporal loops, so visit them first.
    for (const auto *loops : {&lm.spatial_x, &lm.spatial_y, &lm.temporal}) {
      for (const auto &loop : *loops) {
        if (loop.factor >= 1) {
          product[static_cast<std::size_t>(loop.dim)] =
              saturating_mul(product[static_cast<std::size_t>(loop.dim)], loop.factor);
          if (loop.factor > 1) {
            outermost[static_cast<std::size_t>(loop.dim)] = loop.factor;
          }
        }
      }
    }
  }
  for (int d = 0; d < static_cast<int>(p.dim_names.size()); ++d) {
    const auto du = static_cast<std::size_t>(d);
    const std::int64_t bound = p.bounds[du];
    const std::int64_t prod = product[du];
    bool bad = prod != bound;
    if (bad && opts.allow_padding && prod > bound) {
      // Padding is fine as long as the outermost loop's last step is still needed.
      bad = prod / outermost[du] * (outermost[du] - 1) >= bound;
    }
    if (bad) {
      out.push_back({Kind::Product, -1, d, -1,
                     fmt::format("factors of {} multiply to {}, layer has {}{}", p.dim_names[du],
                                 group_digits(prod), group_digits(bound),
                                 opts.allow_padding && prod > bound
                                     ? " (padding may not add a whole outer step)"
                                     : "")});
    }
  }
}

// Each level's spatial factors per axis fit the mesh below it.
void check_fanout(const Problem &p, const Arch &a, const Mapping &m, Issues &out) {
  for (int l = 0; l < static_cast<int>(a.levels.size()); ++l) {
    const auto &lm = m.levels[static_cast<std::size_t>(l)];
    const auto &lv = a.levels[static_cast<std::size_t>(l)];
    const std::vector<Loop> *axes[2] = {&lm.spatial_x, &lm.spatial_y};
    const std::int64_t mesh[2] = {lv.fanout_x, lv.fanout_y};
    for (int axis = 0; axis < 2; ++axis) {
      std::int64_t f = 1;
      std::vector<std::string> parts;
      for (const auto &loop : *axes[axis]) {
        f = saturating_mul(f, loop.factor);
        parts.push_back(fmt::format("{}={}", dim_name(p, loop.dim), loop.factor));
      }
      if (f <= mesh[axis]) {
        continue;
      }
      const std::string detail =
          parts.size() > 1 ? fmt::format(" ({})", fmt::join(parts, " x ")) : std::string();
      out.push_back(
          {Kind::Fanout, l, (*axes[axis])[0].dim, -1,
           mesh[axis] == 1 && lv.fanout() == 1
               ? fmt::format("spatial factor {}{} on {} below {}, which has no "
                             "spatial fan-out",
                             group_digits(f), detail, axis_name(axis), lv.name)
               : fmt::format("spatial factor {}{} on {} exceeds mesh {} below {}", group_digits(f),
                             detail, axis_name(axis), group_digits(mesh[axis]), lv.name)});
    }
  }
}

void check_keeps(const Problem &p, const Arch &a, const Mapping &m, int l, Issues &out) {
  const auto &lm = m.levels[static_cast<std::size_t>(l)];
  const auto &lv = a.levels[static_cast<std::size_t>(l)];
  for (int t = 0; t < static_cast<int>(p.tensors.size()); ++t) {
    const auto tu = static_cast<std::size_t>(t);
    if (lm.keep[tu] && !lv.keeps[tu]) {
      out.push_back({Kind::Keep, l, -1, t,
                     fmt::format("{} cannot keep {}: the architecture bypasses it there", lv.name,
                                 tensor_name(p, t))});
    }
    if (l == static_cast<int>(a.levels.size()) - 1 && !lm.keep[tu]) {
      out.push_back(
          {Kind::Keep, l, -1, t,
           fmt::format("{} is the backing store and must keep {}", lv.name, tensor_name(p, t))});
    }
  }
}

// Level l's tiles (`tile`: all loops at l and below) fit its capacity, half of it when
// double-buffered; the message lists each tensor's share.
void check_capacity(const Problem &p, const Arch &a, const Mapping &m, int l, const Tile &tile,
                    Issues &out) {
  const auto &lv = a.levels[static_cast<std::size_t>(l)];
  if (lv.size_words <= 0) {
    return;
  }
  const std::int64_t need = kept_words(p, a, m, l, tile);
  const std::int64_t usable = lv.double_buffered ? lv.size_words / 2 : lv.size_words;
  if (below_min_utilization(lv, need)) {
    out.push_back(
        {Kind::Capacity, l, -1, -1,
         fmt::format("tiles use {} words at {}, below its min_utilization {} of {} "
                     "usable words (at least {})",
                     group_digits(need), lv.name, lv.min_utilization, group_digits(usable),
                     group_digits(static_cast<std::int64_t>(
                         std::ceil(lv.min_utilization * static_cast<double>(usable)))))});
    return;
  }
  if (need <= usable) {
    return;
  }
  std::vector<std::string> parts;
  for (int t = 0; t < static_cast<int>(p.tensors.size()); ++t) {
    if (keeps(a, m, l, t)) {
      const Banking b = banking_of(a, m, l, t);
      const std::int64_t held = held_words(p, t, tile.data(), b);
      parts.push_back(b.banked()
                          ? fmt::format("{} {} ({} banks x {})", tensor_name(p, t),
                                        group_digits(held), b.banks, group_digits(held / b.banks))
                          : fmt::format("{} {}", tensor_name(p, t), group_digits(held)));
    }
  }
  out.push_back({Kind::Capacity, l, -1, -1,
                 lv.double_buffered
                     ? fmt::format("tile needs {} words at {}, capacity {} ({} with double "
                                   "buffering): {}",
                                   group_digits(need), lv.name, group_digits(lv.size_words),
                                   group_digits(usable), fmt::join(parts, " + "))
                     : fmt::format("tile needs {} words at {}, capacity {}: {}", group_digits(need),
                                   lv.name, group_digits(lv.size_words), fmt::join(parts, " + "))});
}

} // namespace

std::vector<MappingIssue> check_mapping(const Problem &p, const Arch &a, const Mapping &m,
                                        const ValidateOptions &opts) {
  Issues out;
  if (!check_shape(p, a, m, out)) {
    return out;
  }
  check_products(p, m, opts, out);
  check_fanout(p, a, m, out);
  Tile tile; // all loops at the current level and below
  tile.fill(1);
  for (int l = 0; l < static_cast<int>(a.levels.size()); ++l) {
    check_keeps(p, a, m, l, out);
    multiply_level(tile, m.levels[static_cast<std::size_t>(l)]);
    check_capacity(p, a, m, l, tile, out);
  }
  return out;
}

namespace {
std::string join_issues(const std::vector<MappingIssue> &issues) {
  std::string s = issues.size() == 1 ? "invalid mapping: " : "invalid mapping:\n  ";
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (i > 0) {
      s += "\n  ";
    }
    s += issues[i].message;
  }
  return s;
}
} // namespace

MappingError::MappingError(std::vector<MappingIssue> issues)
    : std::invalid_argument(join_issues(issues)), issues_(std::move(issues)) {}

void validate(const Problem &problem, const Arch &arch, const Mapping &mapping,
              const ValidateOptions &opts) {
  auto issues = check_mapping(problem, arch, mapping, opts);
  if (!issues.empty()) {
    throw MappingError(std::move(issues));
  }
}

} // namespace hcl::sched
