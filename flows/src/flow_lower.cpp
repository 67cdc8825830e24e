#include <flows/flow_lower.h>

#include <generators/require.h>

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace hcl::flows {

namespace {

using sched::Problem;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

const sched::TensorSpec *tensor(const Problem &p, const std::string &name) {
  for (const auto &t : p.tensors)
    if (t.name == name)
      return &t;
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
    if (has_dim && (has_with || with < 0))
      return c;
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
      if (p.bounds[d] > 1)
        throw std::invalid_argument(fmt::format(
            "layer '{}': dimension '{}' (bound {}) has no place in the accelerator's GEMM; "
            "hcl flow lowers layers with dimensions R, S, P, Q, C, K, N, G (conv, grouped "
            "conv, FC)",
            p.name, n, p.bounds[d]));
      continue;
    }
    const std::int64_t b = p.bounds[d];
    std::int64_t *field[] = {&c.R, &c.S, &c.P, &c.Q, &c.C, &c.K, &c.N, &c.G};
    *field[std::find(std::begin(known), std::end(known), n) - std::begin(known)] = b;
  }
  const auto *in = tensor(p, "Inputs");
  if (!in || !tensor(p, "Weights") || !tensor(p, "Outputs"))
    throw std::invalid_argument(fmt::format(
        "layer '{}': hcl flow needs the tensors Weights, Inputs and Outputs of the conv family",
        p.name));
  const int P = p.dim_index("P"), Q = p.dim_index("Q"), R = p.dim_index("R"),
            S = p.dim_index("S");
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

namespace {

// The innermost level (from `from` outward, backing store excluded) the arch lets keep `t`.
int keeping_level(const sched::Arch &arch, int t, int from) {
  const int n = static_cast<int>(arch.levels.size());
  for (int l = std::max(0, from); l + 1 < n; ++l)
    if (arch.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)])
      return l;
  return -1;
}

} // namespace

gen::AcceleratorConfig accelerator_config(const sched::MicroArch &micro, const sched::Arch &arch,
                                          const std::vector<std::pair<std::string, std::string>> &sets,
                                          Provenance *why) {
  Provenance w;
  gen::AcceleratorConfig cfg = gen::accelerator_preset("tpu");
  cfg.rows = static_cast<int>(std::min<std::int64_t>(micro.rows, 1 << 20));
  cfg.cols = static_cast<int>(std::min<std::int64_t>(micro.cols, 1 << 20));
  w["rows"] = fmt::format("the mesh's X side{} (C lanes)", micro.rows > 1 ? "" : " (no mesh)");
  w["cols"] = fmt::format("the mesh's Y side (K lanes)");
  // Tensor order of the conv family: 0 Weights, 1 Inputs, 2 Outputs.
  int mesh = -1;
  for (std::size_t l = 0; l < arch.levels.size(); ++l)
    if (arch.levels[l].fanout() > 1) {
      mesh = static_cast<int>(l);
      break;
    }
  const auto bits = [&](int t, const char *key, const char *tn) {
    const int l = keeping_level(arch, t, 0);
    const int b = l >= 0 ? arch.levels[static_cast<std::size_t>(l)].word_bits : arch.mac_bits;
    w[key] = l >= 0 ? fmt::format("word bits of {} (innermost level keeping {})",
                                  arch.levels[static_cast<std::size_t>(l)].name, tn)
                    : fmt::format("the arch's MAC bits (no level keeps {})", tn);
    return b;
  };
  cfg.data_width = bits(1, "data_width", "Inputs");
  cfg.weight_width = bits(0, "weight_width", "Weights");
  cfg.acc_width = bits(2, "acc_width", "Outputs");
  if (cfg.acc_width < cfg.data_width + cfg.weight_width) {
    cfg.acc_width = std::min(64, cfg.data_width + cfg.weight_width);
    w["acc_width"] += "; widened to data_width + weight_width (no overflow of one product)";
  }
  const auto depth = [&](int t, int banks, bool ping_pong, const char *key, const char *tn,
                         int fallback) {
    const int l = mesh >= 0 ? keeping_level(arch, t, mesh) : -1;
    const auto &lv = l >= 0 ? arch.levels[static_cast<std::size_t>(l)] : arch.levels.back();
    if (l < 0 || lv.size_words <= 0) {
      w[key] = fmt::format("no on-chip level above the mesh keeps {}; {}", tn,
                           fallback > 0 ? "sized like the input buffer" : "generator default");
      return fallback > 0 ? fallback : 256;
    }
    const std::int64_t words = lv.size_words * arch.instances(l);
    const std::int64_t d =
        std::clamp<std::int64_t>(words / banks / (ping_pong ? 2 : 1), 2, 65536);
    w[key] = fmt::format("{} words of {} / {} banks{}", words, lv.name, banks,
                         ping_pong ? " / 2 (ping-pong halves)" : "");
    return static_cast<int>(d);
  };
  // Banks follow the array, so an overridden rows / cols re-divides the same buffer.
  for (const auto &[k, v] : sets)
    if (k == "rows" || k == "cols")
      cfg.set(k, v);
  cfg.validate(); // a bad rows / cols is named before it divides anything
  cfg.in_depth = depth(1, cfg.rows, true, "in_depth", "Inputs", 0);
  cfg.wt_depth = depth(0, cfg.cols, true, "wt_depth", "Weights", cfg.in_depth);
  cfg.out_depth = depth(2, cfg.cols, false, "out_depth", "Outputs", 0);
  for (const auto &[k, v] : sets) {
    if (k == "preset")
      cfg.preset = gen::accelerator_preset(v).preset; // throws naming the valid presets
    else
      cfg.set(k, v);
    w[k] = fmt::format("--set {}={}", k, v);
  }
  cfg.validate();
  if (why)
    *why = std::move(w);
  return cfg;
}

const gen::LayerConfig &LayerPlan::chunk(std::int64_t c0, std::int64_t k0, std::int64_t x0) const {
  const std::int64_t c = std::min(c_chunk, conv.gemm_c() - c0), k = std::min(k_chunk, conv.K - k0),
                     x = std::min(x_chunk, conv.gemm_x() - x0);
  for (const auto &s : shapes)
    if (s.config.shape.C == c && s.config.shape.K == k && s.config.shape.X == x)
      return s.config;
  throw std::out_of_range(fmt::format("layer '{}': no chunk at C' {}, K {}, X {}", conv.name, c0,
                                      k0, x0));
}

LayerPlan plan_layer(const gen::AcceleratorConfig &cfg, const ConvLayer &conv) {
  const gen::AcceleratorPlan ap = gen::plan_accelerator(cfg);
  const std::int64_t rows = cfg.rows, cols = cfg.cols, Cp = conv.gemm_c(), K = conv.K,
                     X = conv.gemm_x();
  const std::int64_t ct_all = ceil_div(Cp, rows), kt_all = ceil_div(K, cols);
  const std::int64_t ct_max = std::min({ct_all, cfg.wt_depth / rows, std::int64_t{cfg.in_depth}});
  gen::require(ct_max >= 1, "wt_depth",
               fmt::format("layer '{}': wt_depth {} holds less than one {}-row weight tile",
                           conv.name, cfg.wt_depth, rows));
  // Pick the C' tiles per invocation minimizing array cycles plus host buffer writes (one word
  // a cycle per port), estimated in closed form: a tile costs max(X + 1, rows + swap + 1).
  LayerPlan best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::int64_t ct = ct_max; ct >= 1; --ct) {
    const std::int64_t kt = std::min({kt_all, cfg.wt_depth / (ct * rows), std::int64_t{cfg.out_depth}});
    const std::int64_t xc = std::min({X, cfg.in_depth / ct, cfg.out_depth / kt});
    const std::int64_t cc = std::min(Cp, ct * rows), kc = std::min(K, kt * cols);
    const double inv = static_cast<double>(ceil_div(Cp, cc) * ceil_div(K, kc) * ceil_div(X, xc));
    const double tile = static_cast<double>(std::max(xc + 1, rows + ap.swap_to_load + 1));
    const double cost = inv * (static_cast<double>(ct * kt) * tile +
                               static_cast<double>(ct * xc + kt * ct * rows));
    if (cost < best_cost) {
      best_cost = cost;
      best.c_chunk = cc;
      best.k_chunk = kc;
      best.x_chunk = xc;
    }
    if (ct_max - ct > 4096)
      break; // enough candidates for buffers of any size the generator allows
  }
  best.conv = conv;
  best.c_chunks = ceil_div(Cp, best.c_chunk);
  best.k_chunks = ceil_div(K, best.k_chunk);
  best.x_chunks = ceil_div(X, best.x_chunk);
  best.invocations = conv.N * conv.G * best.c_chunks * best.k_chunks * best.x_chunks;
  const auto sizes = [](std::int64_t total, std::int64_t chunk) {
    std::vector<std::pair<std::int64_t, std::int64_t>> v{{chunk, total / chunk}};
    if (total % chunk)
      v.push_back({total % chunk, 1});
    return v;
  };
  for (const auto &[c, nc] : sizes(Cp, best.c_chunk))
    for (const auto &[k, nk] : sizes(K, best.k_chunk))
      for (const auto &[x, nx] : sizes(X, best.x_chunk)) {
        gen::LayerShape s;
        s.name = conv.name;
        s.C = static_cast<int>(c);
        s.K = static_cast<int>(k);
        s.X = static_cast<int>(x);
        InvocationShape is{gen::configure_layer(cfg, s), nc * nk * nx * conv.N * conv.G};
        best.array_cycles += is.config.cycles * static_cast<std::uint64_t>(is.count);
        best.shapes.push_back(std::move(is));
      }
  return best;
}

nlohmann::json layer_plan_json(const LayerPlan &p) {
  const ConvLayer &c = p.conv;
  nlohmann::json shapes = nlohmann::json::array();
  for (const auto &s : p.shapes) {
    nlohmann::json j = s.config.to_json();
    j["invocations"] = s.count;
    shapes.push_back(std::move(j));
  }
  return {
      {"layer", c.name},
      {"conv",
       {{"N", c.N}, {"G", c.G}, {"C", c.C}, {"K", c.K}, {"P", c.P}, {"Q", c.Q}, {"R", c.R},
        {"S", c.S}, {"stride", {c.stride_h, c.stride_w}}, {"dilation", {c.dil_h, c.dil_w}},
        {"macs", c.macs()}}},
      {"gemm",
       {{"C", c.gemm_c()}, {"K", c.K}, {"X", c.gemm_x()}, {"per", "batch image and group"},
        {"im2col", "c' = (c*R + r)*S + s, x = p*Q + q, "
                   "I[c'][x] = In[n][g][c][p*stride_h + r*dil_h][q*stride_w + s*dil_w]"}}},
      {"tiling",
       {{"c_chunk", p.c_chunk}, {"k_chunk", p.k_chunk}, {"x_chunk", p.x_chunk},
        {"c_chunks", p.c_chunks}, {"k_chunks", p.k_chunks}, {"x_chunks", p.x_chunks},
        {"order", "for n, for g, for k chunk, for x chunk, for c chunk (innermost)"},
        {"accumulation", p.c_chunks > 1 ? "host: partial sums of the C' chunks are added on the "
                                           "host, wrapping at acc_width"
                                         : "none: C' fits one invocation"}}},
      {"invocations", p.invocations},
      {"array_cycles", p.array_cycles},
      {"shapes", shapes}};
}

} // namespace hcl::flows
