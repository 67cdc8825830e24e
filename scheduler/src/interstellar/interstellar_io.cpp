#include <scheduler/interstellar/interstellar_io.h>

#include <scheduler/counts.h>

#include <support/read_file.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <stdexcept>

namespace hcl::sched::interstellar {
namespace {

using nlohmann::json;

// A parsed document plus what error messages need: its name and raw text (to find lines).
struct Doc {
  std::string source;
  std::string_view text;
  json root;

  // Line of the key path: each key is searched (quoted) after the previous one. Good enough
  // for the tool's small hand-written files; 0 when not found.
  int line_of(std::initializer_list<std::string_view> keys) const {
    std::size_t pos = 0;
    bool found_any = false;
    for (std::string_view key : keys) {
      const std::size_t found = text.find(fmt::format("\"{}\"", key), pos);
      if (found == std::string_view::npos) {
        break;
      }
      pos = found;
      found_any = true;
    }
    if (!found_any) {
      return 0;
    }
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
  }

  [[noreturn]] void fail(std::initializer_list<std::string_view> keys, const std::string &field,
                         const std::string &msg) const {
    const int line = line_of(keys);
    const std::string where = line > 0 ? fmt::format("{}:{}", source, line) : source;
    throw std::invalid_argument(fmt::format("{}: {}: {}", where, field, msg));
  }
};

Doc parse_doc(std::string_view text, const std::string &source) {
  Doc d{source, text, {}};
  try {
    d.root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error &e) {
    throw std::invalid_argument(fmt::format("{}: not valid JSON: {}", source, e.what()));
  } catch (const json::exception &e) {
    // The parser also throws out_of_range for a number no double holds (1e309).
    throw std::invalid_argument(fmt::format("{}: not valid JSON: {}", source, e.what()));
  }
  if (!d.root.is_object()) {
    throw std::invalid_argument(
        fmt::format("{}:1: top level: expected a JSON object {{...}}", source));
  }
  return d;
}

std::string read_text(const std::filesystem::path &path) {
  if (auto text = support::read_file(path)) {
    return *text;
  }
  throw std::invalid_argument(fmt::format("{}: cannot open file", path.string()));
}

int edit_distance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    prev[j] = static_cast<int>(j);
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The tool ignores unknown keys; a near-miss of a known key is almost surely a typo that
// would silently change the result (e.g. a misspelt stride defaults to 1).
void reject_typos(const Doc &d, const json &obj, std::initializer_list<std::string_view> known,
                  const std::string &where) {
  for (const auto &[key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    }
    for (std::string_view k : known) {
      if (edit_distance(key, k) <= 2) {
        d.fail({key}, where + key,
               fmt::format("unknown key; did you mean \"{}\"?", std::string(k)));
      }
    }
  }
}

bool is_int(const json &v) { return v.is_number_integer() || v.is_number_unsigned(); }

std::int64_t get_int(const Doc &d, const json &v, std::initializer_list<std::string_view> keys,
                     const std::string &field, std::int64_t min, const std::string &valid) {
  if (!is_int(v) || v.get<std::int64_t>() < min) {
    d.fail(keys, field, fmt::format("got {}; expected {}", v.dump(), valid));
  }
  return v.get<std::int64_t>();
}

const json &require(const Doc &d, const json &obj, const std::string &key,
                    const std::string &valid) {
  if (!obj.contains(key)) {
    d.fail({}, key, fmt::format("missing; expected {}", valid));
  }
  return obj.at(key);
}

std::vector<std::int64_t> get_int_list(const Doc &d, const std::string &key, std::size_t n,
                                       std::int64_t min, const std::string &valid) {
  const json &v = require(d, d.root, key, fmt::format("a list of {} {}", n, valid));
  if (!v.is_array() || v.size() != n) {
    d.fail(
        {key}, key,
        fmt::format("got {}; expected a list of {} {} (one per mem_levels)", v.dump(), n, valid));
  }
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(get_int(d, v[i], {key}, fmt::format("{}[{}]", key, i), min, valid));
  }
  return out;
}

std::vector<double> get_number_list(const Doc &d, const std::string &key, std::size_t n,
                                    bool exact_size) {
  const json &v = require(d, d.root, key, "a list of non-negative numbers (pJ)");
  if (!v.is_array() || (exact_size ? v.size() != n : v.size() < n)) {
    d.fail({key}, key,
           fmt::format("got {}; expected a list of {}{} non-negative numbers", v.dump(),
                       exact_size ? "" : "at least ", n));
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number() || v[i].get<double>() < 0) {
      d.fail({key}, fmt::format("{}[{}]", key, i),
             fmt::format("got {}; expected a non-negative number", v[i].dump()));
    }
    out.push_back(v[i].get<double>());
  }
  return out;
}

int loop_index(std::string_view name) {
  for (int l = 0; l < kNumLoops; ++l) {
    if (name == kLoopNames[l]) {
      return l;
    }
  }
  return -1;
}

const std::string kLoopList = "FX, FY, OX, OY, OC, IC, ON";

} // namespace

Layer parse_layer(std::string_view text, const std::string &source) {
  const Doc d = parse_doc(text, source);
  reject_typos(d, d.root,
               {"fmap_width", "fmap_height", "input_fmap_channel", "output_fmap_channel",
                "window_width", "window_height", "batch_size", "stride_width", "stride_height"},
               "");
  auto field = [&](const char *key, bool required) -> std::int64_t {
    if (!d.root.contains(key)) {
      if (required) {
        d.fail({}, key, "missing; expected a positive integer");
      }
      return 1; // the tool's default for batch and strides
    }
    return get_int(d, d.root.at(key), {key}, key, 1, "a positive integer");
  };
  Layer l;
  l.wofm = field("fmap_width", true);
  l.hofm = field("fmap_height", true);
  l.nifm = field("input_fmap_channel", true);
  l.nofm = field("output_fmap_channel", true);
  l.wfil = field("window_width", true);
  l.hfil = field("window_height", true);
  l.nimg = field("batch_size", false);
  l.wstd = field("stride_width", false);
  l.hstd = field("stride_height", false);
  // The same counts as a conv Problem; the layer's dimensions under the tool's keys.
  ConvShape shape;
  shape.N = l.nimg;
  shape.C = l.nifm;
  shape.K = l.nofm;
  shape.P = l.hofm;
  shape.Q = l.wofm;
  shape.R = l.hfil;
  shape.S = l.wfil;
  shape.stride_h = l.hstd;
  shape.stride_w = l.wstd;
  if (const CountCheck c = check_counts(make_conv2d(shape)); !c.ok()) {
    const std::map<std::string, const char *> keys = {
        {"N", "batch_size"},  {"C", "input_fmap_channel"}, {"K", "output_fmap_channel"},
        {"P", "fmap_height"}, {"Q", "fmap_width"},         {"R", "window_height"},
        {"S", "window_width"}};
    const auto k = keys.find(c.key);
    if (k == keys.end()) {
      d.fail({}, "layer", c.message);
    }
    d.fail({k->second}, k->second, c.message);
  }
  return l;
}

ArchSpec parse_arch(std::string_view text, const std::string &source) {
  const Doc d = parse_doc(text, source);
  reject_typos(d, d.root,
               {"mem_levels", "capacity", "access_cost", "static_cost", "parallel_count",
                "mac_capacity", "parallel_mode", "parallel_cost", "precision", "array_dim",
                "utilization_threshold", "replication"},
               "");
  ArchSpec a;
  a.levels = static_cast<int>(get_int(d, require(d, d.root, "mem_levels", "an integer 1..8"),
                                      {"mem_levels"}, "mem_levels", 1, "an integer 1..8"));
  if (a.levels > kMaxLevels) {
    d.fail({"mem_levels"}, "mem_levels",
           fmt::format("got {}; at most {} levels are supported", a.levels, kMaxLevels));
  }
  const auto n = static_cast<std::size_t>(a.levels);
  a.capacity_bytes = get_int_list(d, "capacity", n, 1, "positive integers (bytes)");
  a.access_cost = get_number_list(d, "access_cost", n, true);
  a.static_cost = get_number_list(d, "static_cost", n, true);
  a.parallel_count = get_int_list(d, "parallel_count", n, 1, "positive integers (PEs)");
  std::int64_t pes = 1;
  for (std::size_t v = 0; v < n; ++v) {
    const auto m = checked_mul(pes, a.parallel_count[v]);
    if (!m) {
      d.fail({"parallel_count"}, fmt::format("parallel_count[{}]", v),
             fmt::format("the PEs multiply to more than {}", max_count_text()));
    }
    pes = *m;
  }
  const auto modes = get_int_list(d, "parallel_mode", n, 0, "integers 0 (none), 1 or 2");
  for (std::size_t v = 0; v < n; ++v) {
    if (modes[v] > 2) {
      d.fail(
          {"parallel_mode"}, fmt::format("parallel_mode[{}]", v),
          fmt::format("got {}; expected 0 (no array), 1 (neighbour) or 2 (broadcast)", modes[v]));
    }
    if (modes[v] != 0 && a.parallel_count[v] == 1) {
      d.fail(
          {"parallel_mode"}, fmt::format("parallel_mode[{}]", v),
          fmt::format("is {} but parallel_count[{}] is 1; an array mode needs PEs", modes[v], v));
    }
    a.parallel_mode.push_back(static_cast<int>(modes[v]));
  }
  const auto arrays = static_cast<std::size_t>(
      std::count_if(a.parallel_mode.begin(), a.parallel_mode.end(), [](int m) { return m; }));
  a.parallel_cost = get_number_list(d, "parallel_cost", arrays, false);
  const json &mac = require(d, d.root, "mac_capacity", "0 or 1");
  a.mac_capacity = static_cast<int>(get_int(d, mac, {"mac_capacity"}, "mac_capacity", 0, "0 or 1"));
  if (a.mac_capacity > 1) {
    d.fail({"mac_capacity"}, "mac_capacity",
           fmt::format("got {}; expected 0 (no MAC register) or 1", a.mac_capacity));
  }
  const json &prec = require(d, d.root, "precision", "bits per word, a multiple of 8");
  a.precision = static_cast<int>(
      get_int(d, prec, {"precision"}, "precision", 8, "bits per word, a multiple of 8"));
  if (a.precision % 8 != 0) {
    d.fail({"precision"}, "precision",
           fmt::format("got {}; expected bits per word, a multiple of 8", a.precision));
  }
  if (d.root.contains("array_dim") && !d.root.at("array_dim").is_null()) {
    const auto dims = get_int_list(d, "array_dim", n, 1, "1 or 2 (array dimensions)");
    for (std::size_t v = 0; v < n; ++v) {
      if (dims[v] > 2) {
        d.fail({"array_dim"}, fmt::format("array_dim[{}]", v),
               fmt::format("got {}; expected 1 or 2", dims[v]));
      }
      a.array_dim.push_back(static_cast<int>(dims[v]));
    }
  } else {
    for (std::size_t v = 0; v < n; ++v) {
      a.array_dim.push_back(a.parallel_count[v] != 1 ? 2 : 1);
    }
  }
  if (d.root.contains("utilization_threshold")) {
    const json &u = d.root.at("utilization_threshold");
    if (!u.is_number() || u.get<double>() < 0 || u.get<double>() > 1) {
      d.fail({"utilization_threshold"}, "utilization_threshold",
             fmt::format("got {}; expected a number in 0..1", u.dump()));
    }
    a.utilization_threshold = u.get<double>();
  }
  if (d.root.contains("replication")) {
    const json &r = d.root.at("replication");
    if (!r.is_boolean()) {
      d.fail({"replication"}, "replication",
             fmt::format("got {}; expected true or false", r.dump()));
    }
    a.replication = r.get<bool>();
  }
  return a;
}

MappingSpec parse_mapping(std::string_view text, const std::string &source) {
  const Doc d = parse_doc(text, source);
  reject_typos(d, d.root, {"blockings", "partitionings", "orders", "para_loop_dim", "shares"}, "");
  MappingSpec m;
  m.levels = -1;
  const std::string per_loop =
      fmt::format("an object with one list per loop ({}), one entry per memory level", kLoopList);
  auto read_table = [&](const std::string &key, LoopLevels &out, std::int64_t min,
                        const std::string &valid) {
    const json &t = require(d, d.root, key, per_loop);
    if (!t.is_object()) {
      d.fail({key}, key, fmt::format("got {}; expected {}", t.dump(), per_loop));
    }
    for (const auto &[name, list] : t.items()) {
      if (loop_index(name) < 0) {
        d.fail({key, name}, fmt::format("{}.{}", key, name),
               fmt::format("unknown loop; expected one of {}", kLoopList));
      }
    }
    for (int l = 0; l < kNumLoops; ++l) {
      const std::string name = kLoopNames[l];
      const std::string field = fmt::format("{}.{}", key, name);
      if (!t.contains(name)) {
        d.fail({key}, field, fmt::format("missing; {} needs every loop: {}", key, kLoopList));
      }
      const json &list = t.at(name);
      if (!list.is_array() || list.empty() || list.size() > kMaxLevels) {
        d.fail({key, name}, field,
               fmt::format("got {}; expected a list of 1..{} {}, innermost level first",
                           list.dump(), kMaxLevels, valid));
      }
      if (m.levels < 0) {
        m.levels = static_cast<int>(list.size());
      } else if (static_cast<int>(list.size()) != m.levels) {
        d.fail({key, name}, field,
               fmt::format("has {} levels, other loops have {}; every list needs one entry "
                           "per memory level",
                           list.size(), m.levels));
      }
      for (int v = 0; v < m.levels; ++v) {
        out[l][v] = get_int(d, list[v], {key, name}, fmt::format("{}[{}]", field, v), min, valid);
      }
    }
  };
  read_table("blockings", m.blocking, 1, "positive integers");
  read_table("partitionings", m.partitioning, 1, "positive integers");
  read_table("orders", m.order, 0, "orders 0 (innermost) .. 6 (absent)");
  if (d.root.contains("shares")) {
    read_table("shares", m.share, 1, "positive integers (a level's share of the loop)");
  }
  for (int l = 0; l < kNumLoops; ++l) {
    for (int v = 0; v < m.levels; ++v) {
      if (m.order[l][v] > kNumLoops - 1) {
        d.fail({"orders", kLoopNames[l]}, fmt::format("orders.{}[{}]", kLoopNames[l], v),
               fmt::format("got {}; expected 0 (innermost) .. 6 (absent)", m.order[l][v]));
      }
    }
  }
  if (d.root.contains("para_loop_dim") && !d.root.at("para_loop_dim").is_null()) {
    const json &p = d.root.at("para_loop_dim");
    const std::string valid =
        "a list with one entry per memory level: null, or a list of unrolled-loop groups such "
        "as [[0], [1], [3]] (loop indices FX=0 FY=1 OX=2 OY=3 OC=4 IC=5 ON=6; a group is [loop] "
        "or [inner, outer])";
    if (!p.is_array() || static_cast<int>(p.size()) != m.levels) {
      d.fail({"para_loop_dim"}, "para_loop_dim",
             fmt::format("got {}; expected {}", p.dump(), valid));
    }
    for (int v = 0; v < m.levels; ++v) {
      if (p[v].is_null()) {
        continue;
      }
      const std::string field = fmt::format("para_loop_dim[{}]", v);
      if (!p[v].is_array() || p[v].size() > kMaxParaDims) {
        d.fail({"para_loop_dim"}, field, fmt::format("got {}; expected {}", p[v].dump(), valid));
      }
      LevelParaDims &lp = m.para_loop_dim[v];
      lp.present = true;
      lp.count = static_cast<int>(p[v].size());
      for (int i = 0; i < lp.count; ++i) {
        const json &g = p[v][i];
        const std::string gfield = fmt::format("{}[{}]", field, i);
        if (!g.is_array() || g.empty() || g.size() > 2) {
          d.fail({"para_loop_dim"}, gfield,
                 fmt::format("got {}; expected [loop] or [inner, outer]", g.dump()));
        }
        lp.dims[i].count = static_cast<int>(g.size());
        for (std::size_t j = 0; j < g.size(); ++j) {
          const auto loop = get_int(d, g[j], {"para_loop_dim"}, fmt::format("{}[{}]", gfield, j), 0,
                                    "a loop index 0..6 (FX FY OX OY OC IC ON)");
          if (loop >= kNumLoops) {
            d.fail({"para_loop_dim"}, fmt::format("{}[{}]", gfield, j),
                   fmt::format("got {}; expected a loop index 0..6 (FX FY OX OY OC IC ON)", loop));
          }
          lp.dims[i].loops[j] = static_cast<int>(loop);
        }
      }
    }
  }
  return m;
}

ScheduleHint parse_schedule_hint(std::string_view text, const std::string &source, int levels) {
  const Doc d = parse_doc(text, source);
  reject_typos(d, d.root, {"schedule_hint", "partition_loops"}, "");
  ScheduleHint h;
  h.levels = levels;
  const json &hint =
      require(d, d.root, "schedule_hint", fmt::format("an object keyed by loop ({})", kLoopList));
  if (!hint.is_object()) {
    d.fail({"schedule_hint"}, "schedule_hint",
           fmt::format("got {}; expected an object keyed by loop ({})", hint.dump(), kLoopList));
  }
  for (const auto &[name, per_level] : hint.items()) {
    const int l = loop_index(name);
    const std::string field = "schedule_hint." + name;
    if (l < 0) {
      d.fail({"schedule_hint", name}, field,
             fmt::format("unknown loop; expected one of {}", kLoopList));
    }
    if (!per_level.is_object()) {
      d.fail({"schedule_hint", name}, field,
             fmt::format("got {}; expected an object keyed by \"level0\", \"level1\", ...",
                         per_level.dump()));
    }
    for (const auto &[level_key, entry] : per_level.items()) {
      const std::string lfield = fmt::format("{}.{}", field, level_key);
      int v = -1;
      if (level_key.rfind("level", 0) == 0 && level_key.size() > 5 &&
          std::all_of(level_key.begin() + 5, level_key.end(),
                      [](char c) { return c >= '0' && c <= '9'; }) &&
          level_key.size() < 8) {
        v = std::stoi(level_key.substr(5));
      }
      if (v < 0 || v >= levels) {
        d.fail({"schedule_hint", name, level_key}, lfield,
               fmt::format("expected a key \"level0\" .. \"level{}\" (the architecture has {} "
                           "memory levels)",
                           levels - 1, levels));
      }
      if (!entry.is_object()) {
        d.fail({"schedule_hint", name, level_key}, lfield,
               fmt::format("got {}; expected an object with order, blocking_size, "
                           "partitioning_size",
                           entry.dump()));
      }
      HintEntry &e = h.loops[l][v];
      e.present = true;
      for (const auto &[k, value] : entry.items()) {
        const std::string kfield = fmt::format("{}.{}", lfield, k);
        if (k == "order") {
          e.order =
              get_int(d, value, {"schedule_hint", name, level_key, k}, kfield, 0, "an order 0..6");
        } else if (k == "blocking_size") {
          e.blocking = get_int(d, value, {"schedule_hint", name, level_key, k}, kfield, 1,
                               "a positive integer");
        } else if (k == "partitioning_size") {
          e.partitioning = get_int(d, value, {"schedule_hint", name, level_key, k}, kfield, 1,
                                   "a positive integer");
        } else {
          d.fail({"schedule_hint", name, level_key, k}, kfield,
                 "unknown key; expected order, blocking_size or partitioning_size");
        }
      }
    }
  }
  if (d.root.contains("partition_loops") && !d.root.at("partition_loops").is_null()) {
    const json &p = d.root.at("partition_loops");
    if (!p.is_array()) {
      d.fail({"partition_loops"}, "partition_loops",
             fmt::format("got {}; expected a list of loop indices 0..6", p.dump()));
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      const auto loop = get_int(d, p[i], {"partition_loops"}, fmt::format("partition_loops[{}]", i),
                                0, "a loop index 0..6");
      if (loop >= kNumLoops) {
        d.fail({"partition_loops"}, fmt::format("partition_loops[{}]", i),
               fmt::format("got {}; expected a loop index 0..6", loop));
      }
      h.partition_loops.push_back(static_cast<int>(loop));
    }
  }
  return h;
}

Layer read_layer(const std::filesystem::path &path) {
  return parse_layer(read_text(path), path.string());
}
ArchSpec read_arch(const std::filesystem::path &path) {
  return parse_arch(read_text(path), path.string());
}
MappingSpec read_mapping(const std::filesystem::path &path) {
  return parse_mapping(read_text(path), path.string());
}
ScheduleHint read_schedule_hint(const std::filesystem::path &path, int levels) {
  return parse_schedule_hint(read_text(path), path.string(), levels);
}

bool follows_hint(const ScheduleHint &hint, const MappingSpec &m) {
  for (int l = 0; l < kNumLoops; ++l) {
    for (int v = 0; v < std::min(hint.levels, m.levels); ++v) {
      const HintEntry &e = hint.loops[l][v];
      if (!e.present) {
        continue;
      }
      if (e.blocking > 0 && m.blocking[l][v] != e.blocking) {
        return false;
      }
      if (e.partitioning > 0 && m.partitioning[l][v] % e.partitioning != 0) {
        return false;
      }
    }
  }
  return true;
}

json mapping_to_json(const MappingSpec &m) {
  json out = json::object();
  auto table = [&](const LoopLevels &x) {
    json t = json::object();
    for (int l = 0; l < kNumLoops; ++l) {
      json list = json::array();
      for (int v = 0; v < m.levels; ++v) {
        list.push_back(x[l][v]);
      }
      t[kLoopNames[l]] = list;
    }
    return t;
  };
  out["blockings"] = table(m.blocking);
  out["partitionings"] = table(m.partitioning);
  out["orders"] = table(m.order);
  // Only where a share differs from its factors (a loop walked in ceil steps): the tool's own
  // form has no such field.
  bool shares = false;
  LoopLevels full{};
  for (int l = 0; l < kNumLoops; ++l) {
    for (int v = 0; v < m.levels; ++v) {
      full[l][v] = m.share_at(l, v);
      shares = shares || full[l][v] != m.blocking[l][v] * m.partitioning[l][v];
    }
  }
  if (shares) {
    out["shares"] = table(full);
  }
  json pd = json::array();
  for (int v = 0; v < m.levels; ++v) {
    const LevelParaDims &lp = m.para_loop_dim[v];
    if (!lp.present) {
      pd.push_back(nullptr);
      continue;
    }
    json groups = json::array();
    for (int i = 0; i < lp.count; ++i) {
      json g = json::array();
      for (int j = 0; j < lp.dims[i].count; ++j) {
        g.push_back(lp.dims[i].loops[j]);
      }
      groups.push_back(g);
    }
    pd.push_back(groups);
  }
  out["para_loop_dim"] = pd;
  return out;
}

json result_to_json(const Result &r, const Layer &layer, const ArchSpec &arch,
                    const MappingSpec &m) {
  const Validity val = check_validity(layer, arch, m);
  const auto size = layer.tensor_sizes();
  json out;
  out["mode"] = "interstellar";
  out["macs"] = r.macs;
  out["energy_pj"] = r.energy_pj;
  json energies = json::array();
  json order = json::array();
  json levels = json::array();
  for (int i = 0; i < r.count; ++i) {
    const Result::Entry &e = r.entries[i];
    energies.push_back(e.energy_pj);
    json level;
    if (e.is_array) {
      level["name"] = fmt::format("array{}", e.level);
      level["kind"] = "array";
      level["parallel_mode"] = arch.parallel_mode[e.level] == 1 ? "neighbour" : "broadcast";
      level["hop_cost_pj"] = arch.array_cost(e.level);
    } else {
      level["name"] = fmt::format("L{}", e.level);
      level["kind"] = "buffer";
      level["access_cost_pj"] = arch.access_cost[e.level];
      const auto &a = r.accesses[e.level];
      // Words moved per tensor, as the level energy charges them.
      const std::array<std::int64_t, kNumTensors> words = {
          a[IF] * size[IF], (2 * a[OF] - 1) * size[OF], a[FL] * size[FL]};
      const std::array<const char *, kNumTensors> names = {"Inputs", "Outputs", "Weights"};
      json tensors = json::object();
      for (int t = 0; t < kNumTensors; ++t) {
        tensors[names[t]] = {
            {"accesses_per_element", a[t]},
            {"words", words[t]},
            {"energy_pj", static_cast<double>(words[t]) * arch.access_cost[e.level]}};
      }
      level["tensors"] = tensors;
      const LevelUsage &u = val.usage[e.level];
      if (e.level + 1 < m.levels) {
        level["capacity_words"] = arch.capacity_words(e.level);
        level["tile_words"] = u.tile_words;
        if (arch.parallel_count[e.level] != 1) {
          level["pe_tile_words"] = u.bank_words;
        }
      }
    }
    // Buffers and arrays at a parallel level are replicated once per PE of every level above.
    std::int64_t instances = 1;
    for (int v = e.level; v < arch.levels; ++v) {
      instances *= arch.parallel_count[v];
    }
    level["level"] = e.level;
    level["instances"] = instances;
    level["energy_pj"] = e.energy_pj;
    order.push_back(level["name"]);
    levels.push_back(level);
  }
  out["level_energies_pj"] = energies;
  out["level_cost_order"] = order;
  out["levels"] = levels;
  out["valid"] = val.ok;
  out["violations"] = validity_violations(layer, arch, m);
  return out;
}

json evaluate_files(const std::filesystem::path &layer_path, const std::filesystem::path &arch_path,
                    const std::filesystem::path &mapping_path) {
  const Layer layer = read_layer(layer_path);
  const ArchSpec arch = read_arch(arch_path);
  const MappingSpec mapping = read_mapping(mapping_path);
  check_mapping(layer, arch, mapping,
                fmt::format("{} (with layer {} and arch {})", mapping_path.string(),
                            layer_path.string(), arch_path.string()));
  return result_to_json(evaluate(layer, arch, mapping), layer, arch, mapping);
}

} // namespace hcl::sched::interstellar
