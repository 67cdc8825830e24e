#include <scheduler/io/arch_yaml.h>

#include <scheduler/counts.h>
#include <scheduler/io/energy_table.h>
#include <scheduler/model/area.h>
#include <support/text.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

namespace hcl::sched {

const std::vector<std::string> &arch_tensor_names() {
  static const std::vector<std::string> names = {"Weights", "Inputs", "Outputs"};
  return names;
}

namespace {

const std::vector<std::string> kKinds = {"dram", "sram", "regfile", "register"};

struct ArchDefaults {
  int word_bits = 16;
  bool table = true;
  bool area_table = false; // area_table: accelergy_40nm
};

std::int64_t parse_size_bytes(const YamlView &v) {
  const std::string s = v.as_string();
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.')) {
    ++i;
  }
  const std::string number = s.substr(0, i);
  const std::string unit = support::trim(s.substr(i));
  const std::map<std::string, double> units = {{"B", 1},        {"KB", 1024},     {"KiB", 1024},
                                               {"MB", 1 << 20}, {"MiB", 1 << 20}, {"GB", 1 << 30},
                                               {"GiB", 1 << 30}};
  const auto u = units.find(unit);
  if (number.empty() || u == units.end()) {
    v.fail(fmt::format("'{}' is not a size; write a number and a unit (B, KB, KiB, MB, MiB, GB, "
                       "GiB; K = 1024), e.g. '108 KB', or give size_words instead",
                       s));
  }
  if (number.size() > 20) { // std::stod would throw out_of_range past 1e308
    v.fail(fmt::format("'{}' is more than {} bytes", s, max_count_text()));
  }
  const double bytes = std::stod(number) * u->second;
  if (bytes < 1 || bytes != std::floor(bytes)) {
    v.fail(fmt::format("'{}' is not a whole number of bytes", s));
  }
  if (bytes > static_cast<double>(kMaxCount)) {
    v.fail(fmt::format("'{}' is more than {} bytes", s, max_count_text()));
  }
  return static_cast<std::int64_t>(bytes);
}

// Reads the storage properties shared by a level and a partition entry into `lv`. Returns
// whether the entry gave its area explicitly.
bool parse_storage(const YamlView &v, Level &lv, const ArchDefaults &d, bool size_required) {
  if (auto wb = v.get("word_bits")) {
    lv.word_bits = static_cast<int>(wb->as_int(1, 1024));
  }
  if (auto b = v.get("block")) {
    lv.block_size = static_cast<int>(b->as_int(1, 1 << 20));
  }
  const auto size = v.get("size");
  const auto size_words = v.get("size_words");
  if (size && size_words) {
    size_words->fail("give either size (with a unit) or size_words, not both");
  }
  if (size) {
    const std::int64_t bytes = parse_size_bytes(*size);
    if ((bytes * 8) % lv.word_bits != 0) {
      size->fail(
          fmt::format("{} bytes is not a whole number of {}-bit words", bytes, lv.word_bits));
    }
    lv.size_words = bytes * 8 / lv.word_bits;
  } else if (size_words) {
    lv.size_words = size_words->as_int(1);
  } else if (size_required) {
    v.fail(fmt::format("level '{}' of kind {} needs a size (e.g. size: 64 KB, or size_words: "
                       "32768); only dram may be unbounded",
                       lv.name, kKinds[static_cast<std::size_t>(lv.kind)]));
  }
  if (auto bw = v.get("bandwidth")) {
    if (bw->is_map()) {
      bw->require_keys({"read", "write"}, "bandwidth");
      lv.read_bandwidth = bw->at("read").as_double(0);
      lv.write_bandwidth = bw->at("write").as_double(0);
    } else {
      lv.read_bandwidth = lv.write_bandwidth = bw->as_double(0);
    }
  }
  if (auto db = v.get("double_buffered")) {
    lv.double_buffered = db->as_bool();
  }
  if (auto mu = v.get("min_utilization")) {
    lv.min_utilization = mu->as_double(0, 1);
  }
  if (auto en = v.get("energy")) {
    if (en->is_map()) {
      en->require_keys({"read", "write", "update", "leak"},
                       "energy (pJ per vector access; leak per instance per cycle)");
      lv.read_energy_pj = en->at("read").as_double(0);
      lv.write_energy_pj = en->at("write").as_double(0);
      lv.update_energy_pj = en->get("update") ? en->at("update").as_double(0) : lv.write_energy_pj;
      if (auto leak = en->get("leak")) {
        lv.leak_energy_pj = leak->as_double(0);
      }
    } else {
      lv.read_energy_pj = lv.write_energy_pj = lv.update_energy_pj = en->as_double(0);
    }
  } else if (d.table) {
    const std::int64_t bytes = lv.size_words * lv.word_bits / 8;
    if (lv.kind != MemKind::DRAM && bytes == 0) {
      v.fail(fmt::format("level '{}' has no size, so the energy table cannot price it; give "
                         "energy explicitly",
                         lv.name));
    }
    const double e =
        interstellar_word_energy_pj(lv.kind, bytes) * lv.block_size * lv.word_bits / 16.0;
    lv.read_energy_pj = lv.write_energy_pj = lv.update_energy_pj = e;
  }
  if (auto ar = v.get("area_um2")) {
    lv.area_um2 = ar->as_double(0);
    return true;
  }
  if (d.area_table) {
    lv.area_um2 = accelergy40_level_area_um2(lv.kind, lv.size_words, lv.word_bits);
  }
  return false;
}

std::array<bool, kMaxTensors> parse_keep(const YamlView &level) {
  std::array<bool, kMaxTensors> keeps{true, true, true};
  const auto keep = level.get("keep");
  const auto bypass = level.get("bypass");
  if (keep && bypass) {
    bypass->fail("give either keep or bypass, not both");
  }
  if (!keep && !bypass) {
    return keeps;
  }
  const auto &names = arch_tensor_names();
  const YamlView &list = keep ? *keep : *bypass;
  keeps.fill(!keep);
  for (const auto &item : list.is_sequence() ? list.items() : std::vector<YamlView>{list}) {
    const int t = item.as_choice(names);
    keeps[static_cast<std::size_t>(t)] = keep.has_value();
  }
  return keeps;
}

// An area model is all or nothing: with the table every level is priced (explicit area_um2
// overrides it); without it, one explicit area asks for all of them, so that a forgotten level
// is an error rather than a free 0 um^2 under a budget.
void parse_area_model(const YamlView &arch, const ArchDefaults &d,
                      const std::vector<Level> &outer_first, const std::vector<int> &lines,
                      const std::vector<bool> &area_given, Arch &a) {
  const auto mac = arch.get("mac");
  const auto mac_area = mac ? mac->get("area_um2") : std::nullopt;
  if (mac_area) {
    a.mac_area_um2 = mac_area->as_double(0);
  } else if (d.area_table) {
    a.mac_area_um2 = accelergy40_mac_area_um2(a.mac_bits);
  }
  bool any = d.area_table || mac_area.has_value();
  for (const bool g : area_given) {
    any = any || g;
  }
  a.has_area = any;
  if (!any || d.area_table) {
    return;
  }
  for (std::size_t i = 0; i < outer_first.size(); ++i) {
    if (!area_given[i] && outer_first[i].kind != MemKind::DRAM) {
      throw SpecError(arch.file(), lines[i], "area_um2",
                      fmt::format("level '{}' has no area_um2; once any area is given, every "
                                  "on-chip level and the mac need one (or set area_table: "
                                  "accelergy_40nm, which prices the rest)",
                                  outer_first[i].name));
    }
  }
  if (!mac_area) {
    throw SpecError(arch.file(), mac ? mac->line() : arch.line(), "mac",
                    "the mac has no area_um2; once any area is given, every on-chip level and "
                    "the mac need one (or set area_table: accelergy_40nm)");
  }
}

// The levels read so far, outermost first, with each one's line and whether it gave an area.
struct ParsedLevels {
  std::vector<Level> outer_first;
  std::vector<int> lines;
  std::vector<bool> area_given;
  void add(const Level &lv, int line, bool area) {
    outer_first.push_back(lv);
    lines.push_back(line);
    area_given.push_back(area);
  }
};

// The arch-wide keys: name, word width, clock, the mac and the energy and area tables.
ArchDefaults parse_arch_header(const YamlView &arch, Arch &a) {
  a.name = arch.at("name").as_string();
  ArchDefaults d;
  if (auto wb = arch.get("word_bits")) {
    d.word_bits = static_cast<int>(wb->as_int(1, 1024));
  }
  if (auto c = arch.get("clock_ghz")) {
    a.clock_ghz = c->as_double(1e-6);
  }
  if (auto mac = arch.get("mac")) {
    mac->require_keys({"energy_pj", "bits", "area_um2"}, "mac");
    if (auto e = mac->get("energy_pj")) {
      a.mac_energy_pj = e->as_double(0);
    }
    a.mac_bits = mac->get("bits") ? static_cast<int>(mac->at("bits").as_int(1, 1024)) : d.word_bits;
  } else {
    a.mac_bits = d.word_bits;
  }
  if (auto t = arch.get("energy_table")) {
    d.table = t->as_choice({"none", "interstellar"}) == 1;
  }
  if (auto t = arch.get("area_table")) {
    d.area_table = t->as_choice({"none", "accelergy_40nm"}) == 1;
  }
  return d;
}

double table_hop(const Level &lv) { return kInterstellarHopEnergyPj * lv.word_bits / 16.0; }

// A level's `mesh:`; true when its hop energy is to come from the table, once the word width
// of the level below it is known.
bool parse_mesh(const YamlView &item, const ArchDefaults &d, Level &base) {
  auto mesh = item.get("mesh");
  if (!mesh) {
    return false;
  }
  mesh->require_keys({"x", "y", "hop_energy_pj"}, "mesh");
  base.fanout_x = mesh->get("x") ? mesh->at("x").as_int(1) : 1;
  base.fanout_y = mesh->get("y") ? mesh->at("y").as_int(1) : 1;
  if (auto hop = mesh->get("hop_energy_pj")) {
    base.hop_energy_pj = hop->as_double(0);
    return false;
  }
  return d.table;
}

// A `partitioned:` level: one per-tensor scratchpad per entry, each with its own storage keys.
void parse_partitions(const YamlView &item, const YamlView &parts, const ArchDefaults &d,
                      Level base, bool hop_from_table, ParsedLevels &out) {
  for (const char *k : {"size", "size_words", "keep", "bypass", "energy", "block", "bandwidth",
                        "double_buffered", "min_utilization", "area_um2"}) {
    if (auto misplaced = item.get(k)) {
      misplaced->fail(fmt::format("with 'partitioned', give {} in each partition entry "
                                  "(valid keys there: tensor, name, size, size_words, "
                                  "word_bits, block, bandwidth, double_buffered, "
                                  "min_utilization, energy, "
                                  "area_um2)",
                                  k));
    }
  }
  // The group's word width is the default of its partitions.
  if (auto wb = item.get("word_bits")) {
    base.word_bits = static_cast<int>(wb->as_int(1, 1024));
  }
  const auto entries = parts.items();
  if (entries.empty()) {
    parts.fail("list one entry per tensor scratchpad");
  }
  std::array<bool, kMaxTensors> seen{};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto &e = entries[i];
    e.require_keys({"tensor", "name", "size", "size_words", "word_bits", "block", "bandwidth",
                    "double_buffered", "min_utilization", "energy", "area_um2"},
                   "a partitioned entry");
    Level lv = base;
    const int t = e.at("tensor").as_choice(arch_tensor_names());
    if (seen[static_cast<std::size_t>(t)]) {
      e.at("tensor").fail(fmt::format("{} has two partitions", arch_tensor_names()[t]));
    }
    seen[static_cast<std::size_t>(t)] = true;
    lv.name = e.get("name") ? e.at("name").as_string()
                            : fmt::format("{}_{}", base.name, arch_tensor_names()[t]);
    lv.keeps = {false, false, false};
    lv.keeps[static_cast<std::size_t>(t)] = true;
    // The mesh sits below the whole group, i.e. below its innermost (last) partition.
    if (i + 1 != entries.size()) {
      lv.fanout_x = lv.fanout_y = 1;
      lv.hop_energy_pj = 0;
    }
    const bool area = parse_storage(e, lv, d, lv.kind != MemKind::DRAM);
    if (hop_from_table && i + 1 == entries.size()) {
      lv.hop_energy_pj = table_hop(lv);
    }
    out.add(lv, e.line(), area);
  }
}

void parse_level(const YamlView &item, const ArchDefaults &d, ParsedLevels &out) {
  item.require_keys({"name", "kind", "size", "size_words", "word_bits", "block", "bandwidth",
                     "double_buffered", "min_utilization", "keep", "bypass", "energy", "area_um2",
                     "mesh", "partitioned"},
                    "an arch level");
  Level base;
  base.name = item.at("name").as_string();
  base.kind = static_cast<MemKind>(item.at("kind").as_choice(kKinds));
  base.word_bits = d.word_bits;
  base.keeps = parse_keep(item);
  const bool hop_from_table = parse_mesh(item, d, base);
  if (const auto parts = item.get("partitioned")) {
    parse_partitions(item, *parts, d, base, hop_from_table, out);
    return;
  }
  const bool area = parse_storage(item, base, d, base.kind != MemKind::DRAM);
  if (hop_from_table) {
    base.hop_energy_pj = table_hop(base);
  }
  out.add(base, item.line(), area);
}

// Level names are unique, and the backing store keeps every tensor.
void check_levels(const YamlView &arch, const ParsedLevels &pl) {
  const auto &levels = pl.outer_first;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (levels[i].name == levels[j].name) {
        throw SpecError(arch.file(), pl.lines[i], "name",
                        fmt::format("level name '{}' is used twice", levels[i].name));
      }
    }
  }
  const auto &store = levels.front();
  for (int t = 0; t < kMaxTensors; ++t) {
    if (!store.keeps[static_cast<std::size_t>(t)]) {
      throw SpecError(arch.file(), pl.lines.front(), "bypass",
                      fmt::format("the first level ('{}') is the backing store and must keep "
                                  "every tensor, but it bypasses {}",
                                  store.name, arch_tensor_names()[static_cast<std::size_t>(t)]));
    }
  }
}

} // namespace

Arch parse_arch(const YamlView &arch) {
  arch.require_keys(
      {"name", "word_bits", "clock_ghz", "mac", "energy_table", "area_table", "levels"}, "arch");
  Arch a;
  const ArchDefaults d = parse_arch_header(arch, a);
  const auto levels_view = arch.at("levels");
  const auto items = levels_view.items();
  if (items.empty()) {
    levels_view.fail("list at least one level, the backing store first");
  }
  ParsedLevels pl;
  for (const auto &item : items) {
    parse_level(item, d, pl);
  }
  check_levels(arch, pl);
  parse_area_model(arch, d, pl.outer_first, pl.lines, pl.area_given, a);
  a.levels.assign(pl.outer_first.rbegin(), pl.outer_first.rend());
  if (const CountCheck c = check_arch_counts(a); !c.ok()) {
    throw SpecError(arch.file(),
                    pl.lines[pl.outer_first.size() - 1 - static_cast<std::size_t>(c.level)], c.key,
                    c.message);
  }
  return a;
}

Arch load_arch_yaml(const std::string &path) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"arch"}, "an architecture file");
  return parse_arch(doc.at("arch"));
}

namespace {
std::string num(double v) { return fmt::format("{}", v); }
} // namespace

std::string arch_to_yaml(const Arch &a) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "arch" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << a.name;
  e << YAML::Key << "clock_ghz" << YAML::Value << num(a.clock_ghz);
  e << YAML::Key << "mac" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "energy_pj"
    << YAML::Value << num(a.mac_energy_pj) << YAML::Key << "bits" << YAML::Value << a.mac_bits;
  if (a.has_area) {
    e << YAML::Key << "area_um2" << YAML::Value << num(a.mac_area_um2);
  }
  e << YAML::EndMap;
  e << YAML::Key << "energy_table" << YAML::Value << "none";
  e << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (auto it = a.levels.rbegin(); it != a.levels.rend(); ++it) {
    const Level &l = *it;
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << l.name;
    e << YAML::Key << "kind" << YAML::Value << kKinds[static_cast<std::size_t>(l.kind)];
    if (l.size_words > 0) {
      e << YAML::Key << "size_words" << YAML::Value << l.size_words;
    }
    e << YAML::Key << "word_bits" << YAML::Value << l.word_bits;
    e << YAML::Key << "block" << YAML::Value << l.block_size;
    if (l.read_bandwidth > 0 || l.write_bandwidth > 0) {
      e << YAML::Key << "bandwidth" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "read" << YAML::Value << num(l.read_bandwidth) << YAML::Key << "write" << YAML::Value
        << num(l.write_bandwidth) << YAML::EndMap;
    }
    if (l.double_buffered) {
      e << YAML::Key << "double_buffered" << YAML::Value << true;
    }
    if (l.min_utilization > 0) {
      e << YAML::Key << "min_utilization" << YAML::Value << num(l.min_utilization);
    }
    if (!(l.keeps[0] && l.keeps[1] && l.keeps[2])) {
      e << YAML::Key << "keep" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int t = 0; t < kMaxTensors; ++t) {
        if (l.keeps[static_cast<std::size_t>(t)]) {
          e << arch_tensor_names()[static_cast<std::size_t>(t)];
        }
      }
      e << YAML::EndSeq;
    }
    e << YAML::Key << "energy" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "read"
      << YAML::Value << num(l.read_energy_pj) << YAML::Key << "write" << YAML::Value
      << num(l.write_energy_pj) << YAML::Key << "update" << YAML::Value << num(l.update_energy_pj);
    if (l.leak_energy_pj != 0) {
      e << YAML::Key << "leak" << YAML::Value << num(l.leak_energy_pj);
    }
    e << YAML::EndMap;
    if (a.has_area) {
      e << YAML::Key << "area_um2" << YAML::Value << num(l.area_um2);
    }
    if (l.fanout() > 1 || l.hop_energy_pj != 0) {
      e << YAML::Key << "mesh" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "x"
        << YAML::Value << l.fanout_x << YAML::Key << "y" << YAML::Value << l.fanout_y;
      if (l.hop_energy_pj != 0) {
        e << YAML::Key << "hop_energy_pj" << YAML::Value << num(l.hop_energy_pj);
      }
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void save_arch_yaml(const std::string &path, const Arch &arch) {
  write_text_atomic(path, arch_to_yaml(arch));
}

} // namespace hcl::sched
