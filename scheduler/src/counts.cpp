#include <scheduler/counts.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace hcl::sched {

std::string max_count_text() { return fmt::format("2^48 = {}", kMaxCount); }

namespace {

std::string tensor_name(const Problem &p, std::size_t t) {
  return p.tensors[t].name.empty() ? fmt::format("tensor {}", t) : p.tensors[t].name;
}

// Elements of tensor t over the whole layer (Problem::footprint, checked).
std::optional<std::int64_t> checked_size(const Problem &p, std::size_t t) {
  std::int64_t words = 1;
  for (const auto &rank : p.tensors[t].projection) {
    std::optional<std::int64_t> span = 1;
    for (const auto &term : rank) {
      const auto step = checked_mul(term.coef < 0 ? -term.coef : term.coef,
                                    p.bounds[static_cast<std::size_t>(term.dim)] - 1);
      span = step ? checked_add(*span, *step) : std::nullopt;
      if (!span) {
        return std::nullopt;
      }
    }
    const auto w = checked_mul(words, *span);
    if (!w) {
      return std::nullopt;
    }
    words = *w;
  }
  return words;
}

// Words per MAC tensor t can move at most. A tile's rank spans 1 + sum c (e - 1), at most
// (sum c) x the product of the extents in the rank, so a tile holds at most
// prod_rank (sum c) x prod_d e_d^(ranks using d) words: per MAC of the tile, the product of
// the coefficient sums times e_d^(uses - 1) for the dimensions used by several ranks. Each
// fetch count is tiles fetched x words per tile, and tiles fetched x MACs per tile <= MACs.
std::optional<std::int64_t> words_per_mac(const Problem &p, std::size_t t) {
  std::array<int, kMaxDims> uses{};
  std::int64_t factor = 1;
  for (const auto &rank : p.tensors[t].projection) {
    std::array<bool, kMaxDims> in_rank{};
    std::optional<std::int64_t> coefs = 0;
    for (const auto &term : rank) {
      if (p.bounds[static_cast<std::size_t>(term.dim)] == 1) {
        continue; // an extent of 1 adds nothing to the span (R = 1 in P + R)
      }
      coefs = checked_add(*coefs, term.coef < 0 ? -term.coef : term.coef);
      if (!coefs) {
        return std::nullopt;
      }
      in_rank[static_cast<std::size_t>(term.dim)] = true;
    }
    const auto f = checked_mul(factor, std::max<std::int64_t>(1, *coefs));
    if (!f) {
      return std::nullopt;
    }
    factor = *f;
    for (std::size_t d = 0; d < in_rank.size(); ++d) {
      uses[d] += in_rank[d] ? 1 : 0;
    }
  }
  for (std::size_t d = 0; d < p.bounds.size(); ++d) {
    for (int u = 1; u < uses[d]; ++u) {
      const auto f = checked_mul(factor, p.bounds[d]);
      if (!f) {
        return std::nullopt;
      }
      factor = *f;
    }
  }
  return factor;
}

} // namespace

CountCheck check_counts(const Problem &p, std::int64_t repeat) {
  CountCheck c;
  std::string product;
  double exact = 1;
  for (std::size_t d = 0; d < p.bounds.size(); ++d) {
    product += fmt::format("{}{} {}", d > 0 ? " x " : "", p.dim_names[d], p.bounds[d]);
    exact *= static_cast<double>(p.bounds[d]);
  }
  std::int64_t macs = 1;
  for (std::size_t d = 0; d < p.bounds.size(); ++d) {
    const auto m = checked_mul(macs, p.bounds[d]);
    if (!m) {
      c.key = p.dim_names[d];
      c.message = fmt::format("the layer has {} = {:.3g} MACs, more than the {} a layer may have",
                              product, exact, max_count_text());
      return c;
    }
    macs = *m;
  }
  std::int64_t bound = macs;
  for (std::size_t t = 0; t < p.tensors.size(); ++t) {
    if (!checked_size(p, t)) {
      c.message = fmt::format("{} has more than {} elements ({})", tensor_name(p, t),
                              max_count_text(), product);
      return c;
    }
    const auto per_mac = words_per_mac(p, t);
    const auto moved = per_mac ? checked_mul(macs, *per_mac) : std::nullopt;
    if (!moved) {
      c.message = fmt::format("{} may move up to {:.3g} MACs x {} words per MAC (its index "
                              "coefficients), more than {}",
                              tensor_name(p, t), exact,
                              per_mac ? fmt::format("{}", *per_mac) : "more", max_count_text());
      return c;
    }
    bound = std::max(bound, *moved);
  }
  const auto total = checked_mul(bound, repeat);
  if (!total) {
    c.key = "repeat";
    c.message = fmt::format("repeat {} times a layer that moves up to {} words is more than {}",
                            repeat, bound, max_count_text());
    return c;
  }
  c.bound = *total;
  return c;
}

CountCheck check_arch_counts(const Arch &arch) {
  CountCheck c;
  std::int64_t pes = 1;
  for (std::size_t l = arch.levels.size(); l-- > 0;) {
    const Level &lv = arch.levels[l];
    c.level = static_cast<int>(l);
    const auto mesh = checked_mul(lv.fanout_x, lv.fanout_y);
    const auto more = mesh ? checked_mul(pes, *mesh) : std::nullopt;
    if (!more) {
      c.key = "mesh";
      c.message = fmt::format("the meshes down to level '{}' give more than {} PEs", lv.name,
                              max_count_text());
      return c;
    }
    pes = *more;
    if (lv.size_words > kMaxCount) {
      c.key = "size";
      c.message = fmt::format("level '{}' holds {} words, more than {}", lv.name, lv.size_words,
                              max_count_text());
      return c;
    }
    for (const double bw : {lv.read_bandwidth, lv.write_bandwidth}) {
      if (bw != 0 && !(bw >= kMinBandwidth)) {
        c.key = "bandwidth";
        c.message = fmt::format("level '{}': bandwidth {} words per cycle; give 0 (unlimited) or "
                                "at least 1/16 = 0.0625 (slower ports would overflow the cycle "
                                "counts)",
                                lv.name, bw);
        return c;
      }
    }
  }
  c.level = -1;
  return c;
}

} // namespace hcl::sched
