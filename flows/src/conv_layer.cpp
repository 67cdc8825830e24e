#include <flows/conv_layer.h>

#include <fmt/core.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace hcl::flows {

namespace {

using sched::Problem;

const sched::TensorSpec *tensor(const Problem &p, const std::string &name) {
  for (const auto &t : p.tensors) {
    if (t.name == name) {
      return &t;
    }
  }
  return nullptr;
}

// Coefficient of `dim` in the rank of `t` that also holds `with` (the H or W index of the
// inputs: P*stride + R*dilation), 1 when absent.
std::int64_t coef_in_rank(const Problem &p, const sched::TensorSpec &t, int dim, int with) {
  for (const auto &rank : t.projection) {
    bool has_dim = false, has_with = false;
    std::int64_t c = 1;
    for (const auto &term : rank) {
      if (term.dim == dim) {
        has_dim = true;
        c = term.coef;
      }
      has_with = has_with || term.dim == with;
    }
    if (has_dim && (has_with || with < 0)) {
      return c;
    }
  }
  (void)p;
  return 1;
}

} // namespace

ConvLayer conv_layer(const Problem &p) {
  ConvLayer c;
  c.name = p.name;
  static const char *const known[] = {"R", "S", "P", "Q", "C", "K", "N", "G"};
  for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
    const auto &n = p.dim_names[d];
    if (std::find(std::begin(known), std::end(known), n) == std::end(known)) {
      if (p.bounds[d] > 1) {
        throw std::invalid_argument(fmt::format(
            "layer '{}': dimension '{}' (bound {}) has no place in the accelerator's loop "
            "nest; hcl flow runs layers with dimensions R, S, P, Q, C, K, N, G (conv, grouped "
            "conv, FC)",
            p.name, n, p.bounds[d]));
      }
      continue;
    }
    const std::int64_t b = p.bounds[d];
    std::int64_t *field[] = {&c.R, &c.S, &c.P, &c.Q, &c.C, &c.K, &c.N, &c.G};
    *field[std::find(std::begin(known), std::end(known), n) - std::begin(known)] = b;
  }
  const auto *in = tensor(p, "Inputs");
  if (!in || !tensor(p, "Weights") || !tensor(p, "Outputs")) {
    throw std::invalid_argument(fmt::format(
        "layer '{}': hcl flow needs the tensors Weights, Inputs and Outputs of the conv family",
        p.name));
  }
  const int P = p.dim_index("P"), Q = p.dim_index("Q"), R = p.dim_index("R"), S = p.dim_index("S");
  if (P >= 0) {
    c.stride_h = coef_in_rank(p, *in, P, R);
  }
  if (R >= 0) {
    c.dil_h = coef_in_rank(p, *in, R, P);
  }
  if (Q >= 0) {
    c.stride_w = coef_in_rank(p, *in, Q, S);
  }
  if (S >= 0) {
    c.dil_w = coef_in_rank(p, *in, S, Q);
  }
  return c;
}

} // namespace hcl::flows
