#include <scheduler/problem.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hcl::sched {

int Problem::dim_index(const std::string &name) const {
  for (std::size_t i = 0; i < dim_names.size(); ++i) {
    if (dim_names[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::int64_t Problem::macs() const {
  std::int64_t n = 1;
  for (auto b : bounds) {
    n *= b;
  }
  return n;
}

bool Problem::relevant(int tensor, int dim) const {
  for (const auto &rank : tensors.at(static_cast<std::size_t>(tensor)).projection) {
    for (const auto &term : rank) {
      if (term.dim == dim && term.coef != 0) {
        return true;
      }
    }
  }
  return false;
}

std::int64_t Problem::footprint(int tensor, const std::int64_t *tile) const {
  std::int64_t words = 1;
  for (const auto &rank : tensors[static_cast<std::size_t>(tensor)].projection) {
    // Span of sum(coef * d) over d in [0, e_d): the sliding-window case P*s + R gives
    // s*(e_P-1) + e_R, which is what makes halo reuse visible in the counts.
    std::int64_t span = 1;
    for (const auto &term : rank) {
      span += (term.coef < 0 ? -term.coef : term.coef) * (tile[term.dim] - 1);
    }
    words *= span;
  }
  return words;
}

std::int64_t Problem::footprint(int tensor, const std::vector<std::int64_t> &tile) const {
  if (tile.size() != dim_names.size()) {
    throw std::invalid_argument(fmt::format("footprint: tile has {} extents, problem '{}' has {} "
                                            "dimensions",
                                            tile.size(), name, dim_names.size()));
  }
  return footprint(tensor, tile.data());
}

std::int64_t Problem::tensor_size(int tensor) const { return footprint(tensor, bounds.data()); }

namespace {
void require_positive(const ConvShape &s, const char *field, std::int64_t v) {
  if (v < 1) {
    throw std::invalid_argument(
        fmt::format("conv '{}': {} must be >= 1, got {}", s.name, field, v));
  }
}
} // namespace

Problem make_conv2d(const ConvShape &s) {
  const std::pair<const char *, std::int64_t> fields[] = {{"N", s.N},
                                                          {"K", s.K},
                                                          {"C", s.C},
                                                          {"P", s.P},
                                                          {"Q", s.Q},
                                                          {"R", s.R},
                                                          {"S", s.S},
                                                          {"stride_h", s.stride_h},
                                                          {"stride_w", s.stride_w},
                                                          {"dilation_h", s.dilation_h},
                                                          {"dilation_w", s.dilation_w},
                                                          {"groups", s.groups}};
  for (const auto &[f, v] : fields) {
    require_positive(s, f, v);
  }
  if (s.C % s.groups != 0 || s.K % s.groups != 0) {
    throw std::invalid_argument(fmt::format(
        "conv '{}': groups = {} must divide both C = {} and K = {}", s.name, s.groups, s.C, s.K));
  }
  Problem p;
  p.name = s.name;
  p.dim_names = {"R", "S", "P", "Q", "C", "K", "N"};
  p.bounds = {s.R, s.S, s.P, s.Q, s.C / s.groups, s.K / s.groups, s.N};
  enum { R, S, P, Q, C, K, N, G };
  const bool grouped = s.groups > 1;
  if (grouped) {
    p.dim_names.push_back("G");
    p.bounds.push_back(s.groups);
  }
  using Rank = std::vector<Term>;
  TensorSpec w{"Weights", false, {}};
  TensorSpec in{"Inputs", false, {}};
  TensorSpec out{"Outputs", true, {}};
  if (grouped) {
    w.projection.push_back(Rank{{G, 1}});
  }
  w.projection.insert(w.projection.end(), {Rank{{K, 1}}, Rank{{C, 1}}, Rank{{R, 1}}, Rank{{S, 1}}});
  in.projection.push_back(Rank{{N, 1}});
  out.projection.push_back(Rank{{N, 1}});
  if (grouped) {
    in.projection.push_back(Rank{{G, 1}});
    out.projection.push_back(Rank{{G, 1}});
  }
  in.projection.insert(in.projection.end(), {Rank{{C, 1}}, Rank{{P, s.stride_h}, {R, s.dilation_h}},
                                             Rank{{Q, s.stride_w}, {S, s.dilation_w}}});
  out.projection.insert(out.projection.end(), {Rank{{K, 1}}, Rank{{P, 1}}, Rank{{Q, 1}}});
  p.tensors = {std::move(w), std::move(in), std::move(out)};
  return p;
}

Problem make_gemm(const std::string &name, std::int64_t M, std::int64_t N, std::int64_t K) {
  ConvShape s;
  s.name = name;
  s.P = M;
  s.K = N;
  s.C = K;
  return make_conv2d(s);
}

bool same_shape(const Problem &a, const Problem &b) {
  if (a.dim_names != b.dim_names || a.bounds != b.bounds || a.tensors.size() != b.tensors.size()) {
    return false;
  }
  for (std::size_t t = 0; t < a.tensors.size(); ++t) {
    const auto &x = a.tensors[t];
    const auto &y = b.tensors[t];
    if (x.name != y.name || x.read_write != y.read_write || x.projection != y.projection) {
      return false;
    }
  }
  return true;
}

} // namespace hcl::sched
