#include <scheduler/io/timeloop_import.h>

#include "timeloop_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace hcl::sched {

using detail::tensor_index;

namespace {

std::vector<std::string> tokens_of(const std::string &s, const std::vector<std::string> &dims) {
  std::vector<std::string> out;
  const bool separated = s.find_first_of(" ,") != std::string::npos;
  if (separated) {
    std::string cur;
    for (char c : s + " ") {
      if (c == ' ' || c == ',') {
        if (!cur.empty()) {
          out.push_back(cur);
        }
        cur.clear();
      } else {
        cur += c;
      }
    }
    return out;
  }
  // Unseparated strings list one-letter dims (Timeloop's "RPKC"); a whole multi-letter dim
  // name is taken as one token.
  if (std::find(dims.begin(), dims.end(), s) != dims.end()) {
    return {s};
  }
  for (char c : s) {
    out.emplace_back(1, c);
  }
  return out;
}

std::vector<Loop> parse_factors(const YamlView &v, const Problem &p, std::vector<bool> &seen) {
  std::vector<Loop> out;
  const std::string text = v.is_scalar() ? v.as_string() : join_names(v.as_string_list(), " ");
  for (const auto &tok : tokens_of(text + " ", {})) {
    // "K=16" (inputs) or "K16" (what Timeloop writes in its own map.yaml outputs).
    auto eq = tok.find('=');
    std::size_t num_at = eq + 1;
    if (eq == std::string::npos) {
      eq = tok.find_first_of("0123456789");
      num_at = eq;
      if (eq == std::string::npos || eq == 0) {
        v.fail(fmt::format("factor '{}' is not DIM=N", tok));
      }
    }
    const std::string dim = tok.substr(0, eq);
    const int d = p.dim_index(dim);
    if (d < 0) {
      v.fail(fmt::format("unknown dimension '{}'; valid are {}", dim, join_names(p.dim_names)));
    }
    std::int64_t f = 0;
    try {
      std::size_t used = 0;
      f = std::stoll(tok.substr(num_at), &used);
      if (used != tok.size() - num_at) {
        throw std::invalid_argument("trailing text");
      }
    } catch (const std::logic_error &) {
      v.fail(fmt::format("factor '{}' is not DIM=N with N >= 1", tok));
    }
    if (f < 1) {
      v.fail(fmt::format("factor '{}' must be >= 1", tok));
    }
    if (seen[static_cast<std::size_t>(d)]) {
      v.fail(fmt::format("dimension {} is given twice", dim));
    }
    seen[static_cast<std::size_t>(d)] = true;
    out.push_back({d, f});
  }
  return out;
}

// Loops in permutation order (innermost first); dims the permutation leaves out go outside.
std::vector<Loop> order(const std::vector<Loop> &loops, const YamlView *perm, const Problem &p) {
  std::vector<Loop> out;
  std::vector<bool> used(loops.size(), false);
  if (perm) {
    const std::string text =
        perm->is_scalar() ? perm->as_string() : join_names(perm->as_string_list(), " ");
    for (const auto &tok : tokens_of(text, p.dim_names)) {
      const int d = p.dim_index(tok);
      if (d < 0) {
        perm->fail(fmt::format("unknown dimension '{}' in permutation; valid are {}", tok,
                               join_names(p.dim_names)));
      }
      for (std::size_t i = 0; i < loops.size(); ++i) {
        if (loops[i].dim == d && !used[i]) {
          out.push_back(loops[i]);
          used[i] = true;
        }
      }
    }
  }
  for (std::size_t i = 0; i < loops.size(); ++i) {
    if (!used[i]) {
      out.push_back(loops[i]);
    }
  }
  return out;
}

// The arch level a directive's `target` names (or its inter_<target>_spatial level).
int target_level(const YamlView &tv, const Arch &arch) {
  const std::string target = tv.as_string();
  int level = -1;
  for (std::size_t i = 0; i < arch.levels.size(); ++i) {
    if (arch.levels[i].name == target || arch.levels[i].name == "inter_" + target + "_spatial") {
      level = static_cast<int>(i);
    }
  }
  if (level < 0) {
    std::vector<std::string> targets;
    for (const auto &l : arch.levels) {
      targets.push_back(l.name);
    }
    tv.fail(fmt::format("unknown target '{}'; valid are {}", target, join_names(targets)));
  }
  return level;
}

// A temporal or spatial directive: its factors in the permutation's order.
void parse_loop_directive(const YamlView &dir, bool temporal, const Problem &p, const Level &lv,
                          const std::string &target, LevelMapping &lm) {
  for (const char *k : {"keep", "bypass"}) {
    if (dir.has(k)) {
      dir.at(k).fail(fmt::format("'{}' belongs to a datatype/bypass directive", k));
    }
  }
  if (temporal && dir.has("split")) {
    dir.at("split").fail("'split' belongs to a spatial directive");
  }
  // Timeloop reads these on the directive of the right kind and ignores them elsewhere.
  const char *wrong = temporal ? "no_multicast_no_reduction" : "no_temporal_reuse";
  if (dir.has(wrong)) {
    dir.at(wrong).fail(
        fmt::format("'{}' belongs to a {} directive", wrong, temporal ? "spatial" : "temporal"));
  }
  if (auto flags = dir.get(temporal ? "no_temporal_reuse" : "no_multicast_no_reduction")) {
    auto &set = temporal ? lm.no_temporal_reuse : lm.no_multicast;
    for (const auto &item : flags->items()) {
      set[static_cast<std::size_t>(tensor_index(item, p, item.as_string()))] = true;
    }
  }
  std::vector<bool> seen(p.dim_names.size(), false);
  std::vector<Loop> loops;
  if (auto f = dir.get("factors")) {
    loops = parse_factors(*f, p, seen);
  }
  auto perm = dir.get("permutation");
  loops = order(loops, perm ? &*perm : nullptr, p);
  if (temporal) {
    if (!lm.temporal.empty()) {
      dir.fail(fmt::format("a second temporal directive for target '{}'", target));
    }
    lm.temporal = loops;
    return;
  }
  if (!lm.spatial_x.empty() || !lm.spatial_y.empty()) {
    dir.fail(fmt::format("a second spatial directive for target '{}'", target));
  }
  // Timeloop: the first `split` loops of the permutation go to X, the rest to Y; with no
  // split, everything goes to X unless the mesh is a column.
  int split = static_cast<int>(loops.size());
  if (auto s = dir.get("split")) {
    split = static_cast<int>(s->as_int(0, 1 << 20));
  } else if (lv.fanout_x == 1 && lv.fanout_y > 1) {
    split = 0;
  }
  // A factor-1 loop is no fan-out (Timeloop's own full directives list every dimension).
  for (std::size_t i = 0; i < loops.size(); ++i) {
    if (loops[i].factor > 1) {
      (static_cast<int>(i) < split ? lm.spatial_x : lm.spatial_y).push_back(loops[i]);
    }
  }
}

// A datatype / bypass / dataspace directive: `keep` and `bypass` lists.
void parse_keep_directive(const YamlView &dir, const Problem &p, LevelMapping &lm) {
  for (const char *k :
       {"factors", "permutation", "split", "no_temporal_reuse", "no_multicast_no_reduction"}) {
    if (dir.has(k)) {
      dir.at(k).fail(fmt::format("'{}' belongs to a temporal/spatial directive", k));
    }
  }
  if (auto k = dir.get("keep")) {
    for (const auto &item : k->items()) {
      lm.keep[static_cast<std::size_t>(tensor_index(item, p, item.as_string()))] = true;
    }
  }
  if (auto b = dir.get("bypass")) {
    for (const auto &item : b->items()) {
      lm.keep[static_cast<std::size_t>(tensor_index(item, p, item.as_string()))] = false;
    }
  }
}

// A dimension a mapping leaves short is an error, named with its product.
void check_factor_products(const YamlView &list, const Problem &p, const Mapping &m) {
  for (std::size_t d = 0; d < p.dim_names.size(); ++d) {
    std::int64_t prod = 1;
    for (const auto &lm : m.levels) {
      for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
        for (const auto &l : *loops) {
          if (l.dim == static_cast<int>(d)) {
            prod *= l.factor;
          }
        }
      }
    }
    if (prod != p.bounds[d]) {
      list.fail(fmt::format("factors of {} multiply to {}, problem has {}", p.dim_names[d], prod,
                            p.bounds[d]));
    }
  }
}

} // namespace

Mapping load_timeloop_mapping(const std::string &path, const Problem &problem, const Arch &arch) {
  return parse_timeloop_mapping(load_yaml_file(path), problem, arch);
}

Mapping parse_timeloop_mapping(const YamlView &doc, const Problem &p, const Arch &arch) {
  detail::check_sections(doc, {"mapping"}, "a Timeloop mapping file");
  const YamlView list = doc.at("mapping");
  Mapping m;
  m.levels.resize(arch.levels.size());
  for (std::size_t i = 0; i < arch.levels.size(); ++i) {
    m.levels[i].keep = arch.levels[i].keeps;
  }
  for (const auto &dir : list.items()) {
    dir.require_map("a mapping directive");
    dir.require_keys({"target", "type", "factors", "permutation", "split", "keep", "bypass",
                      "no_temporal_reuse", "no_multicast_no_reduction"});
    const YamlView tv = dir.at("target");
    const int level = target_level(tv, arch);
    auto &lm = m.levels[static_cast<std::size_t>(level)];
    // `dataspace` is the keep/bypass directive under its other Timeloop name.
    const int type =
        dir.at("type").as_choice({"temporal", "spatial", "datatype", "bypass", "dataspace"});
    if (type <= 1) {
      parse_loop_directive(dir, type == 0, p, arch.levels[static_cast<std::size_t>(level)],
                           tv.as_string(), lm);
    } else {
      parse_keep_directive(dir, p, lm);
    }
  }
  check_factor_products(list, p, m);
  return m;
}

} // namespace hcl::sched
