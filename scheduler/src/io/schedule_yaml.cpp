#include <scheduler/io/schedule_yaml.h>

#include <scheduler/validate.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace hcl::sched {

namespace {

int dim_of(const YamlView &v, const std::string &name, const Problem &p) {
  const int d = p.dim_index(name);
  if (d < 0) {
    v.fail(fmt::format("'{}' is not a dimension of layer '{}'; its dimensions are: {}", name,
                       p.name, join_names(p.dim_names)));
  }
  return d;
}

std::vector<Loop> parse_factors(const YamlView &map, const Problem &p) {
  std::vector<Loop> loops;
  for (const auto &[name, value] : map.entries()) {
    const int d = dim_of(value, name, p);
    const std::int64_t f = value.as_int(1);
    if (f > 1) {
      loops.push_back({d, f});
    }
  }
  return loops;
}

struct ListedLevel {
  int line = 0;
  std::string name;
};

// The arch level an entry's `level:` names, once only.
int level_of(const YamlView &name_view, const Arch &a, std::vector<ListedLevel> &listed,
             int entry_line) {
  const std::string name = name_view.as_string();
  int l = -1;
  for (std::size_t i = 0; i < a.levels.size(); ++i) {
    if (a.levels[i].name == name) {
      l = static_cast<int>(i);
    }
  }
  if (l < 0) {
    std::vector<std::string> level_names;
    for (auto it = a.levels.rbegin(); it != a.levels.rend(); ++it) {
      level_names.push_back(it->name);
    }
    name_view.fail(fmt::format("'{}' is not a level of architecture '{}'; its levels are: {}", name,
                               a.name, join_names(level_names)));
  }
  auto &entry = listed[static_cast<std::size_t>(l)];
  if (entry.line != 0) {
    name_view.fail(
        fmt::format("level '{}' is scheduled twice (first at line {})", name, entry.line));
  }
  entry = {entry_line, name};
  return l;
}

// `order:` (innermost first), which must place every loop of `loops`; without it a level may
// have one loop above 1.
std::vector<int> loop_order(const YamlView &item, const YamlView &temporal,
                            const std::vector<Loop> &loops, const Problem &p,
                            const std::string &name) {
  std::vector<int> order;
  if (auto o = item.get("order")) {
    for (const auto &dv : o->items()) {
      const int d = dim_of(dv, dv.as_string(), p);
      if (std::find(order.begin(), order.end(), d) != order.end()) {
        dv.fail(fmt::format("'{}' is listed twice in the order", dv.as_string()));
      }
      order.push_back(d);
    }
    for (const auto &loop : loops) {
      if (std::find(order.begin(), order.end(), loop.dim) == order.end()) {
        o->fail(fmt::format("the order at {} does not place {} (factor {}); list every "
                            "dimension with a factor above 1, innermost first",
                            name, p.dim_names[static_cast<std::size_t>(loop.dim)], loop.factor));
      }
    }
    return order;
  }
  if (loops.size() > 1) {
    temporal.fail(fmt::format(
        "{} has {} temporal loops above 1, so it needs an 'order' (innermost "
        "first), e.g. order: [{}]",
        name, loops.size(),
        fmt::join(std::vector<std::string>{p.dim_names[static_cast<std::size_t>(loops[0].dim)],
                                           p.dim_names[static_cast<std::size_t>(loops[1].dim)]},
                  ", ")));
  }
  for (const auto &loop : loops) {
    order.push_back(loop.dim);
  }
  return order;
}

void parse_temporal(const YamlView &item, const Problem &p, const std::string &name,
                    LevelMapping &lm) {
  if (auto t = item.get("temporal")) {
    const auto loops = parse_factors(*t, p);
    for (int d : loop_order(item, *t, loops, p, name)) {
      for (const auto &loop : loops) {
        if (loop.dim == d) {
          lm.temporal.push_back(loop);
        }
      }
    }
  } else if (auto o = item.get("order")) {
    o->fail(fmt::format("an order without temporal factors has no effect at {}; add "
                        "'temporal:' or remove it",
                        name));
  }
}

// `keep:` lists what the level keeps, `bypass:` what it does not of what the arch allows.
void parse_keeps(const YamlView &item, const Problem &p, const Level &level, LevelMapping &lm) {
  const auto keep = item.get("keep");
  const auto bypass = item.get("bypass");
  if (keep && bypass) {
    bypass->fail("give either keep or bypass, not both");
  }
  if (!keep && !bypass) {
    return;
  }
  std::vector<std::string> tensor_names;
  for (const auto &t : p.tensors) {
    tensor_names.push_back(t.name);
  }
  const YamlView &list = keep ? *keep : *bypass;
  lm.keep = level.keeps;
  if (keep) {
    lm.keep.fill(false);
  }
  for (const auto &tv : list.is_sequence() ? list.items() : std::vector<YamlView>{list}) {
    const int t = tv.as_choice(tensor_names);
    lm.keep[static_cast<std::size_t>(t)] = keep.has_value();
  }
}

// The mapping's issues as one SpecError, led by one that points at a level entry.
[[noreturn]] void fail_issues(const YamlView &sched, const YamlView &levels_view, const Problem &p,
                              std::vector<MappingIssue> issues,
                              const std::vector<ListedLevel> &listed) {
  std::stable_partition(issues.begin(), issues.end(), [&](const MappingIssue &i) {
    return i.level >= 0 && listed[static_cast<std::size_t>(i.level)].line > 0;
  });
  const auto &first = issues.front();
  int line = levels_view.line();
  std::string key = "levels";
  if (first.level >= 0 && listed[static_cast<std::size_t>(first.level)].line > 0) {
    line = listed[static_cast<std::size_t>(first.level)].line;
    key = listed[static_cast<std::size_t>(first.level)].name;
  } else if (first.dim >= 0) {
    key = p.dim_names[static_cast<std::size_t>(first.dim)];
  }
  std::string message = first.message;
  for (std::size_t i = 1; i < issues.size(); ++i) {
    message += "; also: " + issues[i].message;
  }
  throw SpecError(sched.file(), line, key, message);
}

} // namespace

Mapping parse_mapping(const YamlView &sched, const Problem &p, const Arch &a) {
  sched.require_keys({"layer", "arch", "padding", "levels"}, "schedule");
  ValidateOptions opts;
  if (auto pad = sched.get("padding")) {
    opts.allow_padding = pad->as_bool();
  }
  for (const char *info : {"layer", "arch"}) {
    if (auto v = sched.get(info)) {
      v->as_string();
    }
  }
  Mapping m;
  m.levels.resize(a.levels.size());
  for (std::size_t l = 0; l < a.levels.size(); ++l) {
    m.levels[l].keep = a.levels[l].keeps;
  }
  std::vector<ListedLevel> listed(a.levels.size());
  const auto levels_view = sched.at("levels");
  for (const auto &item : levels_view.items()) {
    item.require_keys({"level", "temporal", "order", "spatial", "keep", "bypass"},
                      "a schedule level");
    const auto name_view = item.at("level");
    const int l = level_of(name_view, a, listed, item.line());
    const std::string name = name_view.as_string();
    LevelMapping &lm = m.levels[static_cast<std::size_t>(l)];
    parse_temporal(item, p, name, lm);
    if (auto s = item.get("spatial")) {
      s->require_keys({"X", "Y"}, "spatial (axes X and Y of the mesh below this level)");
      if (auto x = s->get("X")) {
        lm.spatial_x = parse_factors(*x, p);
      }
      if (auto y = s->get("Y")) {
        lm.spatial_y = parse_factors(*y, p);
      }
    }
    parse_keeps(item, p, a.levels[static_cast<std::size_t>(l)], lm);
  }
  auto issues = check_mapping(p, a, m, opts);
  if (!issues.empty()) {
    fail_issues(sched, levels_view, p, std::move(issues), listed);
  }
  return m;
}

Mapping load_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch) {
  const auto doc = load_yaml_file(path);
  doc.require_keys({"schedule"}, "a schedule file");
  return parse_mapping(doc.at("schedule"), problem, arch);
}

std::string mapping_to_yaml(const Problem &p, const Arch &a, const Mapping &m) {
  if (m.levels.size() != a.levels.size()) {
    throw SpecError("", 0, "levels",
                    fmt::format("mapping has {} levels, architecture '{}' has {}", m.levels.size(),
                                a.name, a.levels.size()));
  }
  for (std::size_t i = 0; i < m.levels.size(); ++i) {
    if (m.levels[i].switched()) {
      // Never dropped in silence: only the Timeloop mapping form can say these.
      throw SpecError("", 0, "levels",
                      fmt::format("level {}: no_temporal_reuse / no_multicast_no_reduction have "
                                  "no place in a schedule YAML; write the Timeloop mapping form",
                                  a.levels[i].name));
    }
  }
  const auto dn = [&](int d) { return p.dim_names.at(static_cast<std::size_t>(d)); };
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << "schedule" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "layer" << YAML::Value << p.name;
  e << YAML::Key << "arch" << YAML::Value << a.name;
  // Imperfect factorizations (from the search's padding) must say so to load back.
  std::vector<std::int64_t> product(p.dim_names.size(), 1);
  for (const auto &lm : m.levels) {
    for (const auto *loops : {&lm.temporal, &lm.spatial_x, &lm.spatial_y}) {
      for (const auto &loop : *loops) {
        product.at(static_cast<std::size_t>(loop.dim)) *= loop.factor;
      }
    }
  }
  if (product != p.bounds) {
    e << YAML::Key << "padding" << YAML::Value << true;
  }
  e << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = a.levels.size(); i-- > 0;) {
    const auto &lm = m.levels[i];
    e << YAML::BeginMap << YAML::Key << "level" << YAML::Value << a.levels[i].name;
    std::vector<Loop> temporal;
    for (const auto &loop : lm.temporal) {
      if (loop.factor != 1) {
        temporal.push_back(loop);
      }
    }
    if (!temporal.empty()) {
      e << YAML::Key << "temporal" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto &loop : temporal) {
        e << YAML::Key << dn(loop.dim) << YAML::Value << loop.factor;
      }
      e << YAML::EndMap;
      if (temporal.size() > 1) {
        e << YAML::Key << "order" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto &loop : temporal) {
          e << dn(loop.dim);
        }
        e << YAML::EndSeq;
      }
    }
    if (!lm.spatial_x.empty() || !lm.spatial_y.empty()) {
      e << YAML::Key << "spatial" << YAML::Value << YAML::Flow << YAML::BeginMap;
      for (const auto &[axis, loops] : {std::pair{"X", &lm.spatial_x}, {"Y", &lm.spatial_y}}) {
        if (loops->empty()) {
          continue;
        }
        e << YAML::Key << axis << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto &loop : *loops) {
          e << YAML::Key << dn(loop.dim) << YAML::Value << loop.factor;
        }
        e << YAML::EndMap;
      }
      e << YAML::EndMap;
    }
    if (lm.keep != a.levels[i].keeps) {
      e << YAML::Key << "keep" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (std::size_t t = 0; t < p.tensors.size(); ++t) {
        if (lm.keep[t]) {
          e << p.tensors[t].name;
        }
      }
      e << YAML::EndSeq;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

void save_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch,
                       const Mapping &mapping) {
  write_text_atomic(path, mapping_to_yaml(problem, arch, mapping));
}

} // namespace hcl::sched
