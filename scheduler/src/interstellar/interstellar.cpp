#include <scheduler/interstellar/interstellar.h>

#include <scheduler/counts.h>
#include <support/text.h>

#include <fmt/format.h>

#include <stdexcept>

namespace hcl::sched::interstellar {
namespace {

// Loops a tensor does NOT depend on; reuse of the tensor comes from iterating these.
constexpr std::array<std::array<int, 3>, kNumTensors> kIrrelevant = {{
    {FX, FY, OC}, // IF(OX,OY,IC,ON)
    {FX, FY, IC}, // OF(OX,OY,OC,ON)
    {OX, OY, ON}, // FL(FX,FY,IC,OC)
}};
constexpr std::array<std::array<int, 4>, kNumTensors> kRelevant = {{
    {OX, OY, IC, ON},
    {OX, OY, OC, ON},
    {FX, FY, IC, OC},
}};

// Suffix products over levels: suf[l][v] = prod_{v' >= v} x[l][v'], suf[l][levels] = 1.
using Suffix = std::array<std::array<std::int64_t, kMaxLevels + 1>, kNumLoops>;

void suffix_products(const LoopLevels &x, int levels, Suffix &suf) noexcept {
  for (int l = 0; l < kNumLoops; ++l) {
    suf[l][levels] = 1;
    for (int v = levels - 1; v >= 0; --v) {
      suf[l][v] = suf[l][v + 1] * x[l][v];
    }
  }
}

std::int64_t access_with(const Layer &layer, const ArchSpec &arch, const MappingSpec &m,
                         const Suffix &sb, const Suffix &sp, int t, int v) noexcept {
  if (v == 0 && arch.mac_capacity == 0) {
    // No register at the MAC: every MAC touches level 0, whatever the schedule.
    switch (t) {
    case IF:
      return layer.wfil * layer.hfil * layer.nofm / (layer.wstd * layer.hstd);
    case OF:
      return layer.wfil * layer.hfil * layer.nifm;
    default:
      return layer.wofm * layer.hofm * layer.nimg;
    }
  }
  std::int64_t m_order = m.order[kRelevant[t][0]][v];
  for (int r : kRelevant[t]) {
    m_order = std::min(m_order, m.order[r][v]);
  }
  std::int64_t a = 1;
  for (int u : kIrrelevant[t]) {
    // An irrelevant loop inside every relevant loop of this level keeps the tile stationary,
    // so its own blocking at this level brings no extra access.
    const int start = v + (m.order[u][v] < m_order ? 1 : 0);
    // Unrolled loops have no order among themselves: partitionings count from v, always.
    a *= sb[u][start] * sp[u][v];
  }
  if (t == IF) {
    a /= layer.wstd * layer.hstd; // the tool's Python 2 integer division
  }
  return a;
}

using Extents = std::array<std::int64_t, kNumLoops>;

// Words of one tile with extents e (IF with the sliding-window halo). The tool's search checks
// capacity on the shares with no partitioning (mapping_point_generator.opt_valid_blocking), so
// no tensor is counted once per PE lane here.
std::int64_t footprint(const Layer &layer, const Extents &e) noexcept {
  const std::int64_t width = e[FX] + (e[OX] - 1) * layer.wstd;
  const std::int64_t height = e[FY] + (e[OY] - 1) * layer.hstd;
  return width * height * e[IC] * e[ON] + e[OX] * e[OY] * e[OC] * e[ON] +
         e[FX] * e[FY] * e[IC] * e[OC];
}

bool is_relevant(int t, int loop) noexcept {
  for (int r : kRelevant[t]) {
    if (r == loop) {
      return true;
    }
  }
  return false;
}

// Cost of the level after parallel level p including its array, evaluated exactly as the
// tool's cost_model.get_array_and_curr_level_cost does (doubles, same operation order). The
// tool's array energy is this minus the plain level cost.
double level_with_array(const ArchSpec &arch, const MappingSpec &m,
                        const std::array<std::int64_t, kNumTensors> &size,
                        const std::array<std::int64_t, kNumTensors> &next_access,
                        std::int64_t next_level_words, int p) noexcept {
  const double c = arch.array_cost(p);
  std::array<std::int64_t, kNumLoops> part{};
  for (int l = 0; l < kNumLoops; ++l) {
    part[l] = m.partitioning[l][p];
  }
  const LevelParaDims &dims = m.para_loop_dim[p];
  std::array<std::int64_t, kNumLoops> nearest = {1, 1, 1, 1, 1, 1, 1};
  for (int i = 0; i < dims.count; ++i) {
    const ParaDim &d = dims.dims[i];
    if (arch.parallel_mode[p] == 2) {
      for (int j = 0; j < d.count; ++j) {
        nearest[d.loops[j]] = part[d.loops[j]];
      }
    } else {
      nearest[d.loops[0]] = part[d.loops[0]];
    }
  }
  std::int64_t near_words = 0;
  for (int t = 0; t < kNumTensors; ++t) {
    std::int64_t f = next_access[t];
    for (int u : kIrrelevant[t]) {
      f *= nearest[u];
    }
    near_words += f * size[t];
  }
  double array = static_cast<double>(near_words) * c;
  if (arch.parallel_mode[p] == 1) {
    // Neighbour mode: the outer loop of an [inner, outer] pair hops across blocks of `inner`
    // PEs, each hop costing c x partitions[inner]. The tool only visits the first array_dim
    // entries.
    const int dims_visited = std::min(dims.count, arch.array_dim[p]);
    for (int i = 0; i < dims_visited; ++i) {
      const ParaDim &d = dims.dims[i];
      if (d.count != 2) {
        continue; // across-block cost 0
      }
      const int inner = d.loops[0];
      const int outer = d.loops[1];
      std::int64_t far_words = 0;
      for (int t = 0; t < kNumTensors; ++t) {
        const std::int64_t far = is_relevant(t, outer) ? 1 : part[outer];
        if (far != 1) { // the tool maps a far factor of 1 to "no far access"
          far_words += next_access[t] * far * size[t];
        }
      }
      array += static_cast<double>(far_words) * (c * static_cast<double>(part[inner]));
    }
  }
  return static_cast<double>(next_level_words) * arch.access_cost[p + 1] + array;
}

// The tool's walk of one loop (mapping_point_generator.loop_tile_with_hint): each level takes
// a share of the loop, in ceil(share / p) temporal steps of its p PEs, and the levels outside
// take ceil(extent / what is inside). What it never produces is a factor with nothing to do:
// the shares cover the extent, and every step and every PE of a level's first step starts
// inside it. A share the mapping does not give is taken as small as its factors allow,
// (b - 1) x p + 1, for where steps start, and as b x p for what they cover. Empty when the
// loop is walked that way, else what is wrong.
std::string coverage_problem(const MappingSpec &m, int l, std::int64_t extent) {
  std::int64_t inside = 1;  // the least the levels inside v can cover
  std::int64_t covered = 1; // the most they can
  for (int v = 0; v < m.levels; ++v) {
    const std::int64_t b = m.blocking[l][v];
    const std::int64_t p = m.partitioning[l][v];
    const std::int64_t share = m.share[l][v];
    if (share > 0 && (saturating_mul(b - 1, p) >= share || share > saturating_mul(b, p))) {
      return fmt::format("shares.{}[{}] is {}: with partitioning {} it runs ceil({} / {}) steps, "
                         "the mapping's blocking is {}",
                         kLoopNames[l], v, share, p, share, p, b);
    }
    // Saturated products stay above every extent, so absurd factors fail here too.
    const std::int64_t last_pe = saturating_mul(p - 1, inside);
    const std::int64_t last_step = saturating_mul(saturating_mul(b - 1, p), inside);
    if (last_pe >= extent || last_step >= extent) {
      return fmt::format("{} at level {} (blocking {}, partitioning {}) starts its last {} at "
                         "index {} or later, past the layer's {}: the tool runs ceil(share / p) "
                         "steps where p does not divide a level's share, never an empty step "
                         "or PE",
                         kLoopNames[l], v, b, p, last_step >= extent ? "step" : "PE",
                         support::grouped(std::max(last_pe, last_step)), support::grouped(extent));
    }
    inside = saturating_mul(inside, share > 0 ? share : (b - 1) * p + 1);
    covered = saturating_mul(covered, share > 0 ? share : saturating_mul(b, p));
  }
  if (covered < extent) {
    return fmt::format("blockings x partitionings of {} cover {} of the layer's {} indices",
                       kLoopNames[l], support::grouped(covered), support::grouped(extent));
  }
  return "";
}

} // namespace

std::array<std::int64_t, kNumTensors> Layer::tensor_sizes() const {
  return {wifm() * hifm() * nifm * nimg, wofm * hofm * nofm * nimg, wfil * hfil * nifm * nofm};
}

std::int64_t ArchSpec::capacity_words(int level) const {
  return capacity_bytes[level] / (precision / 8);
}

double ArchSpec::array_cost(int level) const {
  int index = 0;
  for (int v = 0; v < level; ++v) {
    index += parallel_mode[v] != 0 ? 1 : 0;
  }
  return parallel_cost[index];
}

MappingSpec MappingSpec::trivial(int levels) {
  MappingSpec m;
  m.levels = levels;
  for (int l = 0; l < kNumLoops; ++l) {
    for (int v = 0; v < kMaxLevels; ++v) {
      m.blocking[l][v] = 1;
      m.partitioning[l][v] = 1;
      m.order[l][v] = kNumLoops - 1;
    }
  }
  return m;
}

std::int64_t access_count(const Layer &layer, const ArchSpec &arch, const MappingSpec &mapping,
                          Tensor t, int level) noexcept {
  Suffix sb, sp;
  suffix_products(mapping.blocking, mapping.levels, sb);
  suffix_products(mapping.partitioning, mapping.levels, sp);
  return access_with(layer, arch, mapping, sb, sp, t, level);
}

Result evaluate(const Layer &layer, const ArchSpec &arch, const MappingSpec &m) noexcept {
  Result r;
  const int levels = m.levels;
  Suffix sb, sp;
  suffix_products(m.blocking, levels, sb);
  suffix_products(m.partitioning, levels, sp);
  const auto size = layer.tensor_sizes();

  std::array<std::int64_t, kMaxLevels> words{};
  std::array<double, kMaxLevels> cost{};
  for (int v = 0; v < levels; ++v) {
    for (int t = 0; t < kNumTensors; ++t) {
      r.accesses[v][t] = access_with(layer, arch, m, sb, sp, t, v);
    }
    const auto &a = r.accesses[v];
    // The first write of each partial sum needs no read, hence 2 a_OF - 1.
    words[v] = a[IF] * size[IF] + (2 * a[OF] - 1) * size[OF] + a[FL] * size[FL];
    cost[v] = static_cast<double>(words[v]) * arch.access_cost[v];
  }

  // Entries in the tool's order (array right after its parallel level); the total in the
  // order of the tool's search (mapping_point_generator.opt_get_best_loop_order), where the
  // level after a parallel level is charged together with its array.
  double total = 0;
  std::array<double, kMaxLevels> with_array{};
  for (int v = 0; v < levels; ++v) {
    r.entries[r.count++] = {false, v, cost[v]};
    if (v > 0 && arch.parallel_mode[v - 1] != 0) {
      total += with_array[v];
    } else {
      total += cost[v];
    }
    if (arch.parallel_mode[v] != 0 && v + 1 < levels) {
      with_array[v + 1] = level_with_array(arch, m, size, r.accesses[v + 1], words[v + 1], v);
      r.entries[r.count++] = {true, v, with_array[v + 1] - cost[v + 1]};
    }
  }
  r.energy_pj = total;
  r.macs = layer.macs();
  return r;
}

LevelUsage level_usage(const Layer &layer, const ArchSpec &arch, int v, const Extents &tile,
                       const Extents &bank, std::int64_t pes_used) noexcept {
  LevelUsage u;
  u.pes_used = pes_used;
  u.ok = u.pes_used <= arch.parallel_count[v];
  if (v == arch.levels - 1) {
    return u; // the backing store holds everything
  }
  const bool parallel = arch.parallel_count[v] != 1;
  u.tile_words = footprint(layer, tile);
  u.tile_limit = arch.capacity_words(v) * arch.parallel_count[v];
  u.ok = u.ok && u.tile_words <= u.tile_limit;
  if (!parallel) {
    u.ok = u.ok && 2 * u.tile_words >= u.tile_limit; // the tool's under-utilization rule
  } else {
    u.bank_words = footprint(layer, bank);
    u.bank_limit = arch.capacity_words(v);
    u.ok = u.ok && u.bank_words <= u.bank_limit && 2 * u.bank_words >= u.bank_limit;
  }
  return u;
}

Validity check_validity(const Layer &layer, const ArchSpec &arch, const MappingSpec &m) noexcept {
  Validity out;
  out.levels = m.levels;
  Extents tile = {1, 1, 1, 1, 1, 1, 1};
  Extents bank = {1, 1, 1, 1, 1, 1, 1};
  for (int v = 0; v < m.levels; ++v) {
    std::int64_t pes = 1;
    for (int l = 0; l < kNumLoops; ++l) {
      tile[l] *= m.share_at(l, v);
      bank[l] *= m.blocking[l][v];
      pes *= m.partitioning[l][v];
    }
    out.usage[v] = level_usage(layer, arch, v, tile, bank, pes);
    out.ok = out.ok && out.usage[v].ok;
  }
  return out;
}

std::vector<std::string> validity_violations(const Layer &layer, const ArchSpec &arch,
                                             const MappingSpec &m) {
  std::vector<std::string> out;
  const Validity val = check_validity(layer, arch, m);
  for (int v = 0; v < val.levels; ++v) {
    const LevelUsage &u = val.usage[v];
    if (u.pes_used > arch.parallel_count[v]) {
      out.push_back(fmt::format("level {}: partitionings use {} PEs, parallel_count is {}", v,
                                support::grouped(u.pes_used),
                                support::grouped(arch.parallel_count[v])));
    }
    if (v == val.levels - 1) {
      continue;
    }
    const bool parallel = arch.parallel_count[v] != 1;
    const std::string per = parallel ? fmt::format(" ({} PEs)", arch.parallel_count[v]) : "";
    if (u.tile_words > u.tile_limit) {
      out.push_back(fmt::format("level {}: tile needs {} words, capacity {}{}", v,
                                support::grouped(u.tile_words), support::grouped(u.tile_limit),
                                per));
    } else if (!parallel && 2 * u.tile_words < u.tile_limit) {
      out.push_back(fmt::format("level {}: tile of {} words fills less than half of capacity {} "
                                "(the tool prunes under-utilized buffers)",
                                v, support::grouped(u.tile_words), support::grouped(u.tile_limit)));
    }
    if (parallel && u.bank_words > u.bank_limit) {
      out.push_back(fmt::format("level {}: per-PE tile needs {} words, PE buffer holds {}", v,
                                support::grouped(u.bank_words), support::grouped(u.bank_limit)));
    } else if (parallel && 2 * u.bank_words < u.bank_limit) {
      out.push_back(fmt::format("level {}: per-PE tile of {} words fills less than half of the "
                                "PE buffer ({} words; the tool prunes under-utilized buffers)",
                                v, support::grouped(u.bank_words), support::grouped(u.bank_limit)));
    }
  }
  return out;
}

void check_mapping(const Layer &layer, const ArchSpec &arch, const MappingSpec &m,
                   const std::string &where) {
  auto fail = [&](const std::string &msg) { throw std::invalid_argument(where + ": " + msg); };
  if (m.levels < 1 || m.levels > kMaxLevels) {
    fail(fmt::format("mapping has {} levels; 1..{} are supported", m.levels, kMaxLevels));
  }
  if (m.levels != arch.levels) {
    fail(fmt::format("mapping has {} levels per loop, the architecture has mem_levels {}", m.levels,
                     arch.levels));
  }
  const auto sizes = layer.sizes();
  for (int l = 0; l < kNumLoops; ++l) {
    for (int v = 0; v < m.levels; ++v) {
      const auto field = [&](const char *key) {
        return fmt::format("{}.{}[{}]", key, kLoopNames[l], v);
      };
      if (m.blocking[l][v] < 1) {
        fail(fmt::format("{} is {}; must be a positive integer", field("blockings"),
                         m.blocking[l][v]));
      }
      if (m.partitioning[l][v] < 1) {
        fail(fmt::format("{} is {}; must be a positive integer", field("partitionings"),
                         m.partitioning[l][v]));
      }
      if (m.order[l][v] < 0 || m.order[l][v] > kNumLoops - 1) {
        fail(fmt::format("{} is {}; must be 0 (innermost) .. 6 (absent)", field("orders"),
                         m.order[l][v]));
      }
    }
    if (const std::string why = coverage_problem(m, l, sizes[l]); !why.empty()) {
      fail(why);
    }
  }
  for (int v = 0; v < m.levels; ++v) {
    if (arch.parallel_mode[v] == 0) {
      continue;
    }
    if (v == m.levels - 1) {
      fail(fmt::format("parallel_mode[{}] is {} at the outermost level; an array needs a next "
                       "level to read from",
                       v, arch.parallel_mode[v]));
    }
    if (!m.para_loop_dim[v].present) {
      fail(fmt::format("para_loop_dim[{}] is null but level {} has an array (parallel_mode {}); "
                       "give the unrolled loops, e.g. [[4], [5]] for OC and IC",
                       v, v, arch.parallel_mode[v]));
    }
    const LevelParaDims &d = m.para_loop_dim[v];
    for (int i = 0; i < d.count; ++i) {
      if (arch.parallel_mode[v] == 1 && d.dims[i].count == 2 && i >= arch.array_dim[v]) {
        fail(fmt::format("para_loop_dim[{}][{}] pairs two loops but the array has only {} "
                         "dimensions",
                         v, i, arch.array_dim[v]));
      }
    }
  }
}

} // namespace hcl::sched::interstellar
