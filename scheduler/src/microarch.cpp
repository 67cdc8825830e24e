#include <scheduler/microarch.h>

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace hcl::sched {

namespace {

const char *kind_name(MemKind k) {
  switch (k) {
  case MemKind::DRAM:
    return "dram";
  case MemKind::SRAM:
    return "sram";
  case MemKind::RegFile:
    return "regfile";
  case MemKind::Register:
    return "register";
  }
  return "sram";
}

std::vector<MicroLoop> named(const Problem &p, const std::vector<Loop> &loops) {
  std::vector<MicroLoop> out;
  for (const auto &l : loops) {
    if (l.factor > 1) {
      out.push_back({p.dim_names[static_cast<std::size_t>(l.dim)], l.factor});
    }
  }
  return out;
}

void add_unique(std::vector<std::string> &names, const std::vector<MicroLoop> &loops) {
  for (const auto &l : loops) {
    if (std::find(names.begin(), names.end(), l.dim) == names.end()) {
      names.push_back(l.dim);
    }
  }
}

} // namespace

MicroArch derive_microarch(const Arch &arch, const std::vector<ScheduledLayer> &layers) {
  MicroArch m;
  m.arch = arch.name;
  m.mac_bits = arch.mac_bits;
  m.clock_ghz = arch.clock_ghz;
  const std::size_t nl = arch.levels.size();
  for (std::size_t l = 0; l < nl; ++l) {
    const Level &lv = arch.levels[l];
    MicroBuffer b;
    b.name = lv.name;
    b.kind = kind_name(lv.kind);
    b.size_words = lv.size_words;
    b.word_bits = lv.word_bits;
    b.block_size = lv.block_size;
    b.instances = arch.instances(static_cast<int>(l));
    b.double_buffered = lv.double_buffered;
    b.mesh_x = lv.fanout_x;
    b.mesh_y = lv.fanout_y;
    m.rows *= lv.fanout_x;
    m.cols *= lv.fanout_y;
    m.levels.push_back(std::move(b));
  }

  for (const auto &sl : layers) {
    const Problem &p = *sl.problem;
    const Mapping &map = *sl.mapping;
    if (map.levels.size() != nl) {
      throw std::invalid_argument(fmt::format("layer '{}': the mapping has {} levels, the "
                                              "architecture '{}' has {}",
                                              p.name, map.levels.size(), arch.name, nl));
    }
    const std::size_t nd = p.dim_names.size();
    const std::size_t nt = std::min<std::size_t>(p.tensors.size(), kMaxTensors);
    MicroLayer ml;
    ml.name = p.name;
    ml.dims = p.dim_names;
    ml.bounds = sl.bounds.empty() ? p.bounds : sl.bounds;
    std::vector<std::int64_t> tile(nd, 1);
    // Per tensor, the relevant spatial fan-out since the last level that kept it.
    std::vector<std::int64_t> fan(nt, 1);
    for (std::size_t l = 0; l < nl; ++l) {
      const LevelMapping &lm = map.levels[l];
      MicroLevelTiling t;
      t.level = arch.levels[l].name;
      t.temporal = named(p, lm.temporal);
      t.spatial_x = named(p, lm.spatial_x);
      t.spatial_y = named(p, lm.spatial_y);
      add_unique(m.row_dims, t.spatial_x);
      add_unique(m.col_dims, t.spatial_y);
      for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
        for (const auto &lp : *loops) {
          tile[static_cast<std::size_t>(lp.dim)] *= lp.factor;
        }
      }
      t.tile = tile;
      MicroBuffer &b = m.levels[l];
      for (std::size_t ti = 0; ti < nt; ++ti) {
        const std::string &tn = p.tensors[ti].name;
        if (arch.levels[l].keeps[ti] &&
            std::find(b.tensors.begin(), b.tensors.end(), tn) == b.tensors.end()) {
          b.tensors.push_back(tn);
        }
        for (const auto *loops : {&lm.spatial_x, &lm.spatial_y}) {
          for (const auto &lp : *loops) {
            if (p.relevant(static_cast<int>(ti), lp.dim)) {
              fan[ti] *= lp.factor;
            }
          }
        }
        if (lm.keep[ti]) {
          // Everything fanned out since the last level keeping the tensor reads from here.
          b.banks[tn] = std::max(b.banks.count(tn) ? b.banks[tn] : 1, fan[ti]);
          fan[ti] = 1;
          t.keeps.push_back(tn);
          const std::int64_t words = p.footprint(static_cast<int>(ti), tile);
          t.words[tn] = words;
          b.used_words[tn] = std::max(b.used_words.count(tn) ? b.used_words[tn] : 0, words);
        }
      }
      ml.levels.push_back(std::move(t));
    }
    m.layers.push_back(std::move(ml));
  }
  return m;
}

namespace {

nlohmann::json loops_json(const std::vector<MicroLoop> &loops) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto &l : loops) {
    j.push_back({l.dim, l.factor});
  }
  return j;
}

} // namespace

nlohmann::json to_json(const MicroArch &m) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto &b : m.levels) {
    levels.push_back({{"name", b.name},
                      {"kind", b.kind},
                      {"size_words", b.size_words},
                      {"word_bits", b.word_bits},
                      {"block_size", b.block_size},
                      {"instances", b.instances},
                      {"double_buffered", b.double_buffered},
                      {"mesh", {{"x", b.mesh_x}, {"y", b.mesh_y}}},
                      {"tensors", b.tensors},
                      {"banks", b.banks},
                      {"used_words", b.used_words}});
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const auto &l : m.layers) {
    nlohmann::json lv = nlohmann::json::array();
    for (const auto &t : l.levels) {
      lv.push_back({{"level", t.level},
                    {"temporal", loops_json(t.temporal)},
                    {"spatial_x", loops_json(t.spatial_x)},
                    {"spatial_y", loops_json(t.spatial_y)},
                    {"keeps", t.keeps},
                    {"tile", t.tile},
                    {"words", t.words}});
    }
    layers.push_back({{"name", l.name}, {"dims", l.dims}, {"bounds", l.bounds}, {"levels", lv}});
  }
  return {
      {"arch", m.arch},
      {"mac_bits", m.mac_bits},
      {"clock_ghz", m.clock_ghz},
      {"array",
       {{"rows", m.rows}, {"cols", m.cols}, {"row_dims", m.row_dims}, {"col_dims", m.col_dims}}},
      {"levels", levels},
      {"layers", layers}};
}

} // namespace hcl::sched
