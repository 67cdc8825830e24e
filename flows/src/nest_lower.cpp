#include <flows/nest_lower.h>

#include <generators/params.h>

#include <hcl/hcl.h>

#include <scheduler/io/spec_yaml.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace hcl::flows {

namespace {

using sched::Arch;
using sched::Mapping;
using sched::Problem;

[[noreturn]] void refuse(const std::string &what) { throw std::invalid_argument(what); }

bool relevant(int tensor, const std::string &dim) {
  static const std::string rel[] = {"GKCRS", "NGCPQRS", "NGKPQ"};
  return dim.size() == 1 && rel[tensor].find(dim[0]) != std::string::npos;
}

bool keeps(const Arch &arch, const Mapping &m, int level, int t) {
  const auto l = static_cast<std::size_t>(level);
  return level + 1 == static_cast<int>(arch.levels.size()) ||
         (arch.levels[l].keeps[static_cast<std::size_t>(t)] &&
          m.levels[l].keep[static_cast<std::size_t>(t)]);
}

// The one on-chip level keeping `t`, or -1; refuses a tensor kept at two on-chip levels.
int on_chip_keeper(const Arch &arch, const Mapping &m, int t, const std::string &layer) {
  static const char *const names[] = {"Weights", "Inputs", "Outputs"};
  int found = -1;
  for (int l = 0; l + 1 < static_cast<int>(arch.levels.size()); ++l) {
    if (!keeps(arch, m, l, t)) {
      continue;
    }
    if (found >= 0) {
      refuse(fmt::format("layer '{}': {} kept at both {} and {}; the nest accelerator keeps each "
                         "tensor at one on-chip level (bypass the other)",
                         layer, names[t], arch.levels[static_cast<std::size_t>(found)].name,
                         arch.levels[static_cast<std::size_t>(l)].name));
    }
    found = l;
  }
  return found;
}

// The mesh's spatial loops: C on X and K on Y, nothing else, nowhere else.
void spatial_factors(const Problem &p, const Arch &arch, const Mapping &m, int mesh,
                     NestLayer &out) {
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    const auto check = [&](const std::vector<sched::Loop> &loops, const char *want,
                           std::int64_t &lanes, const char *axis) {
      for (const auto &lp : loops) {
        if (lp.factor <= 1) {
          continue;
        }
        const std::string &d = p.dim_names[static_cast<std::size_t>(lp.dim)];
        if (static_cast<int>(l) != mesh || d != want) {
          refuse(fmt::format("layer '{}': {} is unrolled on {}'s {} axis; the nest accelerator "
                             "runs the C|K dataflow (C on the X axis, K on the Y axis of {}); "
                             "other dataflows are not supported yet",
                             out.name, d, arch.levels[l].name, axis,
                             arch.levels[static_cast<std::size_t>(mesh)].name));
        }
        lanes *= lp.factor;
      }
    };
    check(m.levels[l].spatial_x, "C", out.c_lanes, "X");
    check(m.levels[l].spatial_y, "K", out.k_lanes, "Y");
  }
}

// The whole nest, innermost first, with each loop's step in its dimension's index.
void nest_loops(const Problem &p, const Arch &arch, const Mapping &m, int mesh, NestLayer &out) {
  std::map<std::string, std::int64_t> acc;
  for (const auto &d : p.dim_names) {
    acc[d] = 1;
  }
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    if (static_cast<int>(l) == mesh) {
      if (acc["C"] != 1 || acc["K"] != 1) {
        refuse(fmt::format("layer '{}': C or K has a factor below {}; the nest accelerator needs "
                           "them on or above the mesh (weights are one word per PE)",
                           out.name, arch.levels[l].name));
      }
      acc["C"] *= out.c_lanes;
      acc["K"] *= out.k_lanes;
    }
    for (const auto &lp : m.levels[l].temporal) {
      if (lp.factor <= 1) {
        continue;
      }
      const std::string &d = p.dim_names[static_cast<std::size_t>(lp.dim)];
      out.loops.push_back({static_cast<int>(l), d, lp.factor, acc[d]});
      acc[d] *= lp.factor;
    }
  }
}

// Tile extent of every dimension at `level`: the product of its factors at levels <= level.
std::map<std::string, std::int64_t> tile_at(const Problem &p, const Mapping &m, int level) {
  std::map<std::string, std::int64_t> t;
  for (const auto &d : p.dim_names) {
    t[d] = 1;
  }
  for (int l = 0; l <= level; ++l) {
    const auto &lm = m.levels[static_cast<std::size_t>(l)];
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &lp : *loops) {
        t[p.dim_names[static_cast<std::size_t>(lp.dim)]] *= lp.factor;
      }
    }
  }
  return t;
}

} // namespace

const std::vector<std::string> &nest_dataflows() {
  static const std::vector<std::string> d = {"C|K", "C"};
  return d;
}

Arch nest_dataflow_arch(const Arch &arch, const std::string &dataflow) {
  const auto &ok = nest_dataflows();
  if (std::find(ok.begin(), ok.end(), dataflow) == ok.end()) {
    refuse(fmt::format("dataflow {}: the accelerator template runs {}", dataflow,
                       fmt::join(ok, ", ")));
  }
  Arch a = arch;
  if (dataflow == "C") {
    const NestRoles roles = nest_roles(arch);
    auto &mesh = a.levels[static_cast<std::size_t>(roles.mesh)];
    mesh.fanout_x *= mesh.fanout_y;
    mesh.fanout_y = 1;
  }
  return a;
}

NestRoles nest_roles(const Arch &arch) {
  NestRoles r;
  const int n = static_cast<int>(arch.levels.size());
  r.dram = n - 1;
  for (int l = 0; l < n; ++l) {
    if (arch.levels[static_cast<std::size_t>(l)].fanout() > 1) {
      if (r.mesh >= 0) {
        refuse(fmt::format("arch '{}': fan-outs at {} and {}; the nest accelerator has one PE "
                           "array (one mesh)",
                           arch.name, arch.levels[static_cast<std::size_t>(r.mesh)].name,
                           arch.levels[static_cast<std::size_t>(l)].name));
      }
      r.mesh = l;
    }
  }
  if (r.mesh < 0) {
    refuse(fmt::format("arch '{}': no mesh; the nest accelerator needs a PE array", arch.name));
  }
  for (int l = 0; l < r.mesh && r.weights < 0; ++l) {
    if (arch.levels[static_cast<std::size_t>(l)].keeps[kWeights]) {
      r.weights = l;
    }
  }
  if (r.weights < 0) {
    refuse(fmt::format("arch '{}': no level below the mesh keeps Weights; the nest accelerator "
                       "keeps one weight per PE (a register level below the mesh)",
                       arch.name));
  }
  // Per-PE stores the template does not build are refused, not silently dropped or shrunk.
  for (int l = 0; l < r.mesh; ++l) {
    const auto &lv = arch.levels[static_cast<std::size_t>(l)];
    const bool io = lv.keeps[kInputs] || lv.keeps[kOutputs];
    const std::int64_t words = lv.double_buffered ? 2 : 1;
    if (io || (l == r.weights && lv.size_words != words) ||
        (l != r.weights && lv.keeps[kWeights])) {
      refuse(fmt::format("arch '{}': {} is a per-PE store ({}{} words); the accelerator template "
                         "runs the C|K dataflow with one weight register per PE (size_words 1, "
                         "or 2 when double-buffered) and buffers Inputs and Outputs above the "
                         "mesh; per-PE scratchpads (Eyeriss's R|P) are not supported yet",
                         arch.name, lv.name, io ? "Inputs or Outputs, " : "", lv.size_words));
    }
  }
  return r;
}

sched::SpaceOptions nest_space(const Problem &p, const Arch &arch) {
  const NestRoles roles = nest_roles(arch);
  sched::SpaceOptions o;
  o.unroll_dims = {p.dim_index("C"), p.dim_index("K")};
  o.dataflow_x = p.dim_index("C");
  o.dataflow_y = p.dim_index("K");
  o.max_dims_per_axis = 1;
  const int n = static_cast<int>(arch.levels.size());
  o.constraints.assign(static_cast<std::size_t>(n), sched::LevelConstraint{});
  const auto place = [&](int t, int level) {
    for (int l = 0; l + 1 < n; ++l) {
      o.constraints[static_cast<std::size_t>(l)].keep[static_cast<std::size_t>(t)] =
          l == level ? 1 : -1;
    }
  };
  place(kWeights, roles.weights);
  if (const int g = p.dim_index("G"); g >= 0) {
    for (int l = 0; l + 1 < n; ++l) {
      o.constraints[static_cast<std::size_t>(l)].temporal[static_cast<std::size_t>(g)] = 1;
    }
  }
  for (int t : {kInputs, kOutputs}) {
    int level = -1;
    for (int l = roles.mesh; l + 1 < n && level < 0; ++l) {
      if (arch.levels[static_cast<std::size_t>(l)].keeps[static_cast<std::size_t>(t)]) {
        level = l;
      }
    }
    if (level < 0) {
      refuse(fmt::format("arch '{}': no on-chip level at or above {} keeps {}; the nest "
                         "accelerator buffers Inputs and Outputs above the PE array",
                         arch.name, arch.levels[static_cast<std::size_t>(roles.mesh)].name,
                         t == kInputs ? "Inputs" : "Outputs"));
    }
    place(t, level);
  }
  return o;
}

NestLayer analyse_nest_layer(const Problem &p, const Arch &arch, const Mapping &m) {
  NestLayer out;
  out.name = p.name;
  out.conv = conv_layer(p);
  if (out.conv.G > 1) {
    const auto tg = tile_at(p, m, static_cast<int>(arch.levels.size()) - 2);
    if (tg.at("G") != 1) {
      refuse(fmt::format("layer '{}': a G (group) loop below {}; the nest accelerator walks "
                         "groups only in the backing store's loops",
                         p.name, arch.levels.back().name));
    }
  }
  if (m.levels.size() != arch.levels.size()) {
    refuse(fmt::format("layer '{}': the mapping has {} levels, arch '{}' has {}", p.name,
                       m.levels.size(), arch.name, arch.levels.size()));
  }
  const NestRoles roles = nest_roles(arch);
  spatial_factors(p, arch, m, roles.mesh, out);
  nest_loops(p, arch, m, roles.mesh, out);
  out.wt_level = on_chip_keeper(arch, m, kWeights, p.name);
  out.in_level = on_chip_keeper(arch, m, kInputs, p.name);
  out.out_level = on_chip_keeper(arch, m, kOutputs, p.name);
  const auto name_of = [&](int l) { return arch.levels[static_cast<std::size_t>(l)].name; };
  if (out.wt_level < 0 || out.wt_level >= roles.mesh) {
    refuse(
        fmt::format("layer '{}': Weights must be kept in the PE registers ({}), not {}", p.name,
                    name_of(roles.weights),
                    out.wt_level < 0 ? "only in " + name_of(roles.dram) : name_of(out.wt_level)));
  }
  for (auto [lvl, tname] :
       {std::pair{out.in_level, "Inputs"}, std::pair{out.out_level, "Outputs"}}) {
    if (lvl < roles.mesh) {
      refuse(fmt::format("layer '{}': {} must be kept in one on-chip buffer at or above {} (the "
                         "mesh), not {}",
                         p.name, tname, name_of(roles.mesh),
                         lvl < 0 ? "only in " + name_of(roles.dram) : name_of(lvl)));
    }
  }
  out.in_double = arch.levels[static_cast<std::size_t>(out.in_level)].double_buffered;
  out.out_double = arch.levels[static_cast<std::size_t>(out.out_level)].double_buffered;
  out.wt_double = arch.levels[static_cast<std::size_t>(out.wt_level)].double_buffered;
  const auto wt = tile_at(p, m, out.wt_level);
  if (wt.at("K") * wt.at("C") * wt.at("R") * wt.at("S") != 1) {
    refuse(fmt::format("layer '{}': the weight tile at {} is {} words; a PE register holds one",
                       p.name, name_of(out.wt_level),
                       wt.at("K") * wt.at("C") * wt.at("R") * wt.at("S")));
  }
  const ConvLayer &c = out.conv;
  const auto ti = tile_at(p, m, out.in_level);
  out.in_tile = {ti.at("N"), ti.at("C") / out.c_lanes,
                 (ti.at("P") - 1) * c.stride_h + (ti.at("R") - 1) * c.dil_h + 1,
                 (ti.at("Q") - 1) * c.stride_w + (ti.at("S") - 1) * c.dil_w + 1};
  const auto to = tile_at(p, m, out.out_level);
  out.out_tile = {to.at("N"), to.at("K") / out.k_lanes, to.at("P"), to.at("Q")};
  out.in_bank_words = out.in_tile[0] * out.in_tile[1] * out.in_tile[2] * out.in_tile[3];
  out.out_bank_words = out.out_tile[0] * out.out_tile[1] * out.out_tile[2] * out.out_tile[3];
  return out;
}

namespace {

// The words one layer's tiles take in the banked buffers (banks x its tile per bank, twice
// over where double-buffered), against each level's size: hcl mode's capacity rule
// (scheduler/model/banking.h), so a schedule found on nest_timed_arch always passes.
void check_layer_fits(const Arch &arch, const gen::NestAcceleratorConfig &cfg, const NestLayer &l) {
  struct Held {
    int level;
    const char *tensor;
    std::int64_t per_bank, banks, halves;
    std::int64_t words() const { return per_bank * banks * halves; }
  };
  const Held held[] = {{l.in_level, "Inputs", l.in_bank_words, cfg.rows, l.in_double ? 2 : 1},
                       {l.out_level, "Outputs", l.out_bank_words, cfg.cols, l.out_double ? 2 : 1}};
  for (const Held &h : held) {
    const auto &lv = arch.levels[static_cast<std::size_t>(h.level)];
    std::int64_t total = 0;
    for (const Held &o : held) {
      total += o.level == h.level ? o.words() : 0;
    }
    if (lv.size_words > 0 && total > lv.size_words) {
      refuse(fmt::format(
          "layer '{}': the {} tile at {} takes {} words per bank x {} banks{} = {} "
          "words{}; {} holds {}",
          l.name, h.tensor, lv.name, h.per_bank, h.banks,
          h.halves > 1 ? " x 2 (double-buffered)" : "", h.words(),
          total > h.words() ? fmt::format(" ({} with the other tile kept there)", total) : "",
          lv.name, lv.size_words));
    }
  }
}

// The buffers as built (the deepest tile of any layer in every bank), against the level they
// stand for. A tensor every layer keeps at one level has its buffer there, and a level keeping
// both tensors holds both buffers: two layers that each fit can together need more than the
// level has. A tensor kept at different levels by different layers has one buffer serving all
// of them, as deep as the largest layer's, which check_layer_fits bounds by that layer's level.
void check_built_fits(const Arch &arch, const gen::NestAcceleratorConfig &cfg,
                      const std::vector<NestLayer> &layers) {
  if (layers.empty()) {
    return;
  }
  const auto one_level = [&](auto level_of) {
    for (const auto &l : layers) {
      if (level_of(l) != level_of(layers.front())) {
        return -1;
      }
    }
    return level_of(layers.front());
  };
  const int in_level = one_level([](const NestLayer &l) { return l.in_level; });
  const int out_level = one_level([](const NestLayer &l) { return l.out_level; });
  if (in_level < 0 || in_level != out_level) {
    return; // each buffer is bounded by its own level in check_layer_fits
  }
  const auto deepest = [&](auto words_of) {
    const NestLayer *best = &layers.front();
    for (const auto &l : layers) {
      best = words_of(l) > words_of(*best) ? &l : best;
    }
    return best;
  };
  const NestLayer *in = deepest([](const NestLayer &l) { return l.in_bank_words; });
  const NestLayer *out = deepest([](const NestLayer &l) { return l.out_bank_words; });
  const std::int64_t in_words = std::int64_t{cfg.in_depth} * cfg.rows * (cfg.in_double ? 2 : 1);
  const std::int64_t out_words = std::int64_t{cfg.out_depth} * cfg.cols * (cfg.out_double ? 2 : 1);
  const auto &lv = arch.levels[static_cast<std::size_t>(in_level)];
  if (lv.size_words > 0 && in_words + out_words > lv.size_words) {
    refuse(fmt::format("{} keeps Inputs and Outputs for every layer, and the buffers built for "
                       "the largest tiles take {} + {} = {} words ({}'s Inputs, {}'s Outputs); "
                       "{} holds {}. Give the level as partitioned (one size per tensor), or "
                       "schedule these layers with smaller tiles",
                       lv.name, in_words, out_words, in_words + out_words, in->name, out->name,
                       lv.name, lv.size_words));
  }
}

} // namespace

gen::NestAcceleratorConfig nest_accelerator_config(const Arch &arch,
                                                   const std::vector<NestLayer> &layers,
                                                   Provenance *why, const std::string &dataflow) {
  const NestRoles roles = nest_roles(arch);
  const auto &mesh = arch.levels[static_cast<std::size_t>(roles.mesh)];
  gen::NestAcceleratorConfig cfg;
  Provenance w;
  if (dataflow == "C") {
    cfg.preset = "tree";
    w["preset"] = "the C dataflow: one adder tree over the PEs";
  }
  cfg.rows = static_cast<int>(mesh.fanout_x);
  cfg.cols = static_cast<int>(mesh.fanout_y);
  w["rows"] = fmt::format("{}'s mesh X side (C lanes)", mesh.name);
  w["cols"] = fmt::format("{}'s mesh Y side (K lanes)", mesh.name);
  std::int64_t in_depth = 2, out_depth = 2, longest = 1, widest = 2, dram = 0;
  for (const auto &l : layers) {
    check_layer_fits(arch, cfg, l);
    cfg.in_double = cfg.in_double || l.in_double;
    cfg.out_double = cfg.out_double || l.out_double;
    cfg.wt_double = cfg.wt_double || l.wt_double;
    in_depth = std::max(in_depth, l.in_bank_words);
    out_depth = std::max(out_depth, l.out_bank_words);
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(l.loops.size()));
    for (const auto &lp : l.loops) {
      widest = std::max(widest, lp.factor);
    }
    for (auto e : l.in_tile) {
      widest = std::max(widest, e);
    }
    for (auto e : l.out_tile) {
      widest = std::max(widest, e);
    }
    // The lane coordinate is walked too: a wide adder tree has more lanes than any tile.
    widest = std::max({widest, l.c_lanes, l.k_lanes});
    const ConvLayer &c = l.conv;
    dram = std::max(
        dram, c.G * (c.N * c.C * c.H() * c.W() + c.K * c.C * c.R * c.S + c.N * c.K * c.P * c.Q));
  }
  cfg.in_depth = static_cast<int>(std::min<std::int64_t>(in_depth, 1 << 20));
  cfg.out_depth = static_cast<int>(std::min<std::int64_t>(out_depth, 1 << 20));
  check_built_fits(arch, cfg, layers);
  w["in_depth"] = "the largest Inputs tile of any layer, per bank (C lane)";
  w["out_depth"] = "the largest Outputs tile of any layer, per bank (K lane)";
  cfg.loops = static_cast<int>(std::min<std::int64_t>(longest, 16));
  w["loops"] = "the longest nest of any layer (non-trivial temporal loops)";
  w["in_double"] = "a layer keeps Inputs in a double-buffered level";
  w["out_double"] = "a layer keeps Outputs in a double-buffered level";
  w["wt_double"] = "a layer keeps Weights in a double-buffered level (shadow registers)";
  cfg.dram_width = static_cast<int>(std::min<std::int64_t>(sched::machine_port_words(arch), 64));
  w["dram_width"] = fmt::format("{}'s bandwidth in words per cycle, at most the widest mesh side "
                                "(one word per bank per cycle)",
                                arch.levels.back().name);
  cfg.counter_width = std::max(2, gen::addr_bits(static_cast<std::uint64_t>(widest) + 1));
  cfg.dram_addr_width = std::max(8, gen::addr_bits(static_cast<std::uint64_t>(dram)));
  const auto bits = [&](int t, int fallback) {
    for (std::size_t l = 0; l + 1 < arch.levels.size(); ++l) {
      if (arch.levels[l].keeps[static_cast<std::size_t>(t)]) {
        return arch.levels[l].word_bits;
      }
    }
    return fallback;
  };
  cfg.data_width = bits(kInputs, arch.mac_bits);
  cfg.weight_width = bits(kWeights, arch.mac_bits);
  cfg.acc_width = std::max(bits(kOutputs, arch.mac_bits), cfg.data_width + cfg.weight_width);
  w["data_width"] = "the word bits of the level keeping Inputs";
  w["weight_width"] = "the word bits of the level keeping Weights";
  w["acc_width"] = "the word bits of the level keeping Outputs (at least data + weight bits)";
  if (why) {
    *why = w;
  }
  return cfg;
}

sched::Arch nest_timed_arch(const Arch &arch, const gen::NestAcceleratorConfig &cfg) {
  const gen::NestTiming t = gen::plan_nest_accelerator(cfg).timing;
  Arch a = arch;
  a.machine.start = t.start;
  a.machine.drain = t.drain;
  a.machine.fill_tail = t.fill_tail;
  a.machine.writeback_tail = t.writeback_tail;
  a.machine.prefetch_lag = t.prefetch_lag;
  a.machine.port_words = cfg.dram_width;
  // Inputs have one bank per row (C lane), Outputs one per column (K lane): capacity counts
  // every bank, used or not (scheduler/model/banking.h).
  const NestRoles roles = nest_roles(arch);
  for (std::size_t l = static_cast<std::size_t>(roles.mesh); l + 1 < a.levels.size(); ++l) {
    a.levels[l].bank_axes[kInputs] = 1;
    a.levels[l].bank_axes[kOutputs] = 2;
  }
  return a;
}

namespace {

// Two's complement of v in `width` bits.
std::uint64_t bits_of(std::int64_t v, int width) {
  const auto u = static_cast<std::uint64_t>(v);
  return width >= 64 ? u : u & ((std::uint64_t{1} << width) - 1);
}

// Per dimension: how one step of the dimension's index moves an address.
using Strides = std::map<std::string, std::int64_t>;

struct Layouts {
  Strides in_dram, wt_dram, out_dram, in_buf, out_buf;
};

Layouts layouts(const NestLayer &l) {
  const ConvLayer &c = l.conv;
  const std::int64_t H = c.H(), W = c.W();
  const auto [Nt, Ct, Hs, Ws] = l.in_tile;
  const auto [On, Kt, Pt, Qt] = l.out_tile;
  (void)On;
  Layouts y;
  y.in_dram = {{"N", c.G * c.C * H * W}, {"G", c.C * H * W}, {"C", H * W},  {"P", c.stride_h * W},
               {"R", c.dil_h * W},       {"Q", c.stride_w},  {"S", c.dil_w}};
  y.wt_dram = {
      {"G", c.K * c.C * c.R * c.S}, {"K", c.C * c.R * c.S}, {"C", c.R * c.S}, {"R", c.S}, {"S", 1}};
  y.out_dram = {
      {"N", c.G * c.K * c.P * c.Q}, {"G", c.K * c.P * c.Q}, {"K", c.P * c.Q}, {"P", c.Q}, {"Q", 1}};
  // Inside a bank the lane is gone: a C (K) index step is 1/c_lanes (1/k_lanes) of a row.
  y.in_buf = {{"N", Ct * Hs * Ws}, {"C", Hs * Ws},    {"P", c.stride_h * Ws},
              {"R", c.dil_h * Ws}, {"Q", c.stride_w}, {"S", c.dil_w}};
  y.out_buf = {{"N", Kt * Pt * Qt}, {"K", Pt * Qt}, {"P", Qt}, {"Q", 1}};
  (void)Nt;
  return y;
}

std::int64_t stride_of(const Strides &s, const NestLoop &lp, std::int64_t lanes_of_dim) {
  const auto it = s.find(lp.dim);
  return it == s.end() ? 0 : it->second * (lp.weight / lanes_of_dim);
}

// The layer's nest, lanes, tiles and double buffering fit the built accelerator.
void check_layer_fits_built(const gen::NestAcceleratorConfig &cfg, const NestLayer &l) {
  if (static_cast<int>(l.loops.size()) > cfg.loops) {
    refuse(fmt::format("layer '{}': its nest has {} loops; the accelerator has {} (loops)", l.name,
                       l.loops.size(), cfg.loops));
  }
  if (l.c_lanes > cfg.rows || l.k_lanes > cfg.cols) {
    refuse(fmt::format("layer '{}': {} x {} lanes on a {} x {} array", l.name, l.c_lanes, l.k_lanes,
                       cfg.rows, cfg.cols));
  }
  if (l.in_bank_words > cfg.in_depth || l.out_bank_words > cfg.out_depth) {
    refuse(fmt::format("layer '{}': tiles of {} / {} words per bank; the buffers hold {} / {} "
                       "(in_depth / out_depth)",
                       l.name, l.in_bank_words, l.out_bank_words, cfg.in_depth, cfg.out_depth));
  }
  for (auto [wants, has, tensor, key] :
       {std::tuple{l.in_double, cfg.in_double, "Inputs", "in_double"},
        std::tuple{l.out_double, cfg.out_double, "Outputs", "out_double"},
        std::tuple{l.wt_double, cfg.wt_double, "Weights", "wt_double"}}) {
    if (wants && !has) {
      refuse(fmt::format("layer '{}': its {} level is double-buffered; the accelerator's buffer "
                         "has one half ({})",
                         l.name, tensor, key));
    }
  }
}

// The tensors' places in DRAM, in their natural layouts one after the other.
void place_tensors(const gen::NestAcceleratorConfig &cfg, const NestLayer &l,
                   NestLayerConfig &out) {
  const ConvLayer &c = l.conv;
  out.name = l.name;
  out.in_base = 0;
  out.wt_base = c.N * c.G * c.C * c.H() * c.W();
  out.out_base = out.wt_base + c.G * c.K * c.C * c.R * c.S;
  out.dram_words = out.out_base + c.N * c.G * c.K * c.P * c.Q;
  if (out.dram_words > (std::int64_t{1} << cfg.dram_addr_width)) {
    refuse(fmt::format("layer '{}': {} words of tensors; the memory port addresses {} "
                       "(dram_addr_width {})",
                       l.name, out.dram_words, std::int64_t{1} << cfg.dram_addr_width,
                       cfg.dram_addr_width));
  }
}

using RegValues = std::map<std::string, std::int64_t>;

// Per loop: its bound and each address generator's stride; the first-touch masks; and each
// unit's trigger, the first loop above its buffer that the tensor depends on.
void nest_registers(const gen::NestAcceleratorConfig &cfg, const NestLayer &l, RegValues &v) {
  const std::int64_t limit = std::int64_t{1} << cfg.counter_width;
  const Layouts y = layouts(l);
  std::int64_t first = 0, tile_first = 0;
  for (std::size_t j = 0; j < l.loops.size(); ++j) {
    const NestLoop &lp = l.loops[j];
    if (lp.factor >= limit) {
      refuse(fmt::format("layer '{}': loop {} of {} exceeds counter_width {}", l.name, lp.dim,
                         lp.factor, cfg.counter_width));
    }
    v[fmt::format("bound_{}", j)] = lp.factor;
    const std::int64_t cl = lp.dim == "C" ? l.c_lanes : 1, kl = lp.dim == "K" ? l.k_lanes : 1;
    if (lp.level <= l.in_level) {
      v[fmt::format("stride_in_addr_{}", j)] = stride_of(y.in_buf, lp, cl);
    } else {
      v[fmt::format("stride_in_src_{}", j)] = stride_of(y.in_dram, lp, 1);
    }
    if (lp.level <= l.out_level) {
      v[fmt::format("stride_out_addr_{}", j)] = stride_of(y.out_buf, lp, kl);
    } else {
      v[fmt::format("stride_out_src_{}", j)] = stride_of(y.out_dram, lp, 1);
    }
    if (lp.level > l.wt_level) {
      v[fmt::format("stride_wt_src_{}", j)] = stride_of(y.wt_dram, lp, 1);
    }
    if (!relevant(kOutputs, lp.dim)) {
      first |= std::int64_t{1} << j;
      if (lp.level > l.out_level) {
        tile_first |= std::int64_t{1} << j;
      }
    }
  }
  const auto trig = [&](int level, int t) {
    for (std::size_t j = 0; j < l.loops.size(); ++j) {
      if (l.loops[j].level > level && relevant(t, l.loops[j].dim)) {
        return static_cast<std::int64_t>(j);
      }
    }
    return static_cast<std::int64_t>(cfg.loops);
  };
  v["trig_in"] = trig(l.in_level, kInputs);
  v["trig_out"] = trig(l.out_level, kOutputs);
  v["trig_wt"] = trig(l.wt_level, kWeights);
  v["first_out"] = first;
  v["tile_first_out"] = tile_first;
}

// The tile walkers' extents and DRAM (source) and buffer (destination) strides per
// coordinate, innermost first; a weight load walks the K lanes of each C lane, bottom row first.
void walker_registers(const gen::NestAcceleratorConfig &cfg, const NestLayer &l,
                      const NestLayerConfig &out, RegValues &v) {
  const ConvLayer &c = l.conv;
  const std::int64_t limit = std::int64_t{1} << cfg.counter_width;
  const auto [Nt, Ct, Hs, Ws] = l.in_tile;
  const auto [On, Kt, Pt, Qt] = l.out_tile;
  const std::int64_t H = c.H(), W = c.W();
  const std::int64_t in_ext[] = {Ws, Hs, l.c_lanes, Ct, Nt};
  const std::int64_t in_src[] = {1, W, H * W, l.c_lanes * H * W, c.G * c.C * H * W};
  const std::int64_t in_dst[] = {1, Ws, 0, Hs * Ws, Ct * Hs * Ws};
  const std::int64_t out_ext[] = {Qt, Pt, l.k_lanes, Kt, On};
  const std::int64_t out_src[] = {1, c.Q, c.P * c.Q, l.k_lanes * c.P * c.Q, c.G * c.K * c.P * c.Q};
  const std::int64_t out_dst[] = {1, Qt, 0, Pt * Qt, Kt * Pt * Qt};
  for (int k = 0; k < gen::kCopyCoords; ++k) {
    if (in_ext[k] >= limit || out_ext[k] >= limit) {
      refuse(fmt::format("layer '{}': a tile extent exceeds counter_width {}", l.name,
                         cfg.counter_width));
    }
    v[fmt::format("ext_in_{}", k)] = in_ext[k];
    v[fmt::format("sstr_in_{}", k)] = in_src[k];
    v[fmt::format("dstr_in_{}", k)] = in_dst[k];
    v[fmt::format("ext_out_{}", k)] = out_ext[k];
    v[fmt::format("sstr_out_{}", k)] = out_src[k];
    v[fmt::format("dstr_out_{}", k)] = out_dst[k];
  }
  v["ext_wt_0"] = l.k_lanes;
  v["sstr_wt_0"] = c.C * c.R * c.S;
  v["ext_wt_1"] = l.c_lanes;
  v["sstr_wt_1"] = -(c.R * c.S);
  v["base_in_src"] = out.in_base;
  v["base_out_src"] = out.out_base;
  v["base_wt_src"] = out.wt_base + (l.c_lanes - 1) * c.R * c.S; // bottom row first
}

} // namespace

NestLayerConfig configure_nest_layer(const gen::NestAcceleratorConfig &cfg, const NestLayer &l) {
  const gen::NestAcceleratorPlan plan = gen::plan_nest_accelerator(cfg);
  check_layer_fits_built(cfg, l);
  NestLayerConfig out;
  place_tensors(cfg, l, out);
  RegValues v;
  nest_registers(cfg, l, v);
  v["db_in"] = l.in_double ? 1 : 0;
  v["db_out"] = l.out_double ? 1 : 0;
  v["db_wt"] = l.wt_double ? 1 : 0;
  v["rows_active"] = l.c_lanes;
  v["cols_active"] = l.k_lanes;
  walker_registers(cfg, l, out, v);
  // Registers the layer does not set keep their reset values.
  for (int r = 0; r < plan.registers(); ++r) {
    const auto &name = plan.reg_names[static_cast<std::size_t>(r)];
    std::int64_t value = 0;
    if (const auto it = v.find(name); it != v.end()) {
      value = it->second;
    } else if (name.rfind("bound_", 0) == 0) {
      value = 1;
    } else if (name.rfind("trig_", 0) == 0) {
      value = cfg.loops;
    }
    out.writes.emplace_back(r, bits_of(value, plan.reg_widths[static_cast<std::size_t>(r)]));
    out.write_names.push_back(name);
  }
  return out;
}

nlohmann::json NestLayerConfig::to_json() const {
  nlohmann::json regs = nlohmann::json::object();
  for (std::size_t i = 0; i < writes.size(); ++i) {
    regs[write_names[i]] = writes[i].second;
  }
  return {{"layer", name},
          {"dram",
           {{"inputs_base", in_base},
            {"weights_base", wt_base},
            {"outputs_base", out_base},
            {"words", dram_words},
            {"layouts", {{"inputs", "NCHW"}, {"weights", "KCRS"}, {"outputs", "NKPQ"}}}}},
          {"registers", regs}};
}

std::string NestLayerConfig::hex() const {
  std::string s;
  for (const auto &[addr, value] : writes) {
    s += fmt::format("{:x} {:x}\n", addr, value);
  }
  return s;
}

gen::Generated nest_generated(const gen::NestAcceleratorConfig &cfg, const Arch &arch,
                              const std::vector<NestLayerSpec> &specs,
                              const std::vector<NestLayerConfig> &configs) {
  gen::Generated g{hcl::elaborate(gen::NestAccelerator{cfg}), cfg.to_json(), {}};
  g.header = gen::c_header(g.params);
  g.files.emplace_back("arch.yaml", sched::arch_to_yaml(arch));
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const auto &l = configs[i];
    g.files.emplace_back("config/" + l.name + ".json", l.to_json().dump(2) + "\n");
    g.files.emplace_back("config/" + l.name + ".hex", l.hex());
    g.files.emplace_back("layers/" + l.name + ".workload.yaml",
                         sched::problem_to_yaml(specs[i].problem));
    g.files.emplace_back("schedules/" + l.name + ".schedule.yaml",
                         sched::mapping_to_yaml(specs[i].problem, arch, specs[i].mapping));
  }
  g.owned_dirs = {"config", "layers", "schedules"};
  return g;
}

gen::NestAcceleratorConfig nest_config_from_params(const nlohmann::json &j,
                                                   const std::string &file) {
  if (!j.is_object() || j.value("generator", "") != "nest_accelerator" || !j.contains("params")) {
    refuse(fmt::format("{}: not the params.json of a schedule-driven accelerator (generator: "
                       "nest_accelerator); write one with hcl generate accelerator --arch ... "
                       "--schedule ...",
                       file));
  }
  gen::NestAcceleratorConfig cfg;
  for (const auto &[k, v] : j["params"].items()) {
    try {
      cfg.set(k, v.is_boolean()  ? (v.get<bool>() ? "true" : "false")
                 : v.is_string() ? v.get<std::string>()
                                 : v.dump());
    } catch (const std::invalid_argument &e) {
      refuse(fmt::format("{}: params.{}: {}", file, k, e.what()));
    }
  }
  cfg.validate();
  return cfg;
}

} // namespace hcl::flows
