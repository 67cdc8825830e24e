#include <scheduler/io/timeloop_import.h>
#include <scheduler/warnings.h>

#include <scheduler/counts.h>

#include "timeloop_common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace hcl::sched {

using detail::get_either;
using detail::tensor_index;

namespace {

// Timeloop reads any unsigned split (constraints.cpp); one past the permutation puts every
// loop on X, and timeloopfe writes 999 for that. The space clamps it to the loops there are.
int read_split(const YamlView &v) { return static_cast<int>(v.as_int(0, std::int64_t{1} << 20)); }

// One mesh side; two of them multiply without overflowing (check_arch_counts bounds the rest).
constexpr std::int64_t kMaxMeshSide = std::int64_t{1} << 24;

// Dataspace keep/bypass as Timeloop's mapper reads it (constraints.cpp
// ParseDatatypeBypassSettings, mapspaces/uber.cpp InitDatatypeBypassNestSpace): per tensor 1 =
// must keep, -1 = must bypass, 0 = the mapper's choice. timeloopfe's keep_only/bypass_only fix
// every tensor: the ones not listed are bypassed/kept. A tensor given twice is an error, as in
// Timeloop ("re-specification of dataspace keep flag").
std::array<int, kMaxTensors> keep_from(const YamlView &dataspace, const Problem &p) {
  std::array<int, kMaxTensors> out{};
  std::array<bool, kMaxTensors> listed{};
  const int T = static_cast<int>(p.tensors.size());
  for (const char *key : {"keep", "bypass", "keep_only", "bypass_only"}) {
    const auto v = dataspace.get(key);
    if (!v) {
      continue;
    }
    const bool keep = key[0] == 'k';
    const bool only = std::string(key).find("_only") != std::string::npos;
    std::array<bool, kMaxTensors> here{};
    for (const auto &item : v->items()) {
      const auto t = static_cast<std::size_t>(tensor_index(item, p, item.as_string()));
      if (listed[t]) {
        item.fail(fmt::format("data space '{}' is given twice in one dataspace constraint",
                              item.as_string()));
      }
      listed[t] = here[t] = true;
      out[t] = keep ? 1 : -1;
    }
    if (only) {
      for (int t = 0; t < T; ++t) {
        const auto tu = static_cast<std::size_t>(t);
        if (!here[tu]) {
          if (listed[tu]) {
            v->fail(fmt::format("'{}' fixes every data space; '{}' is also given elsewhere", key,
                                p.tensors[tu].name));
          }
          listed[tu] = true;
          out[tu] = keep ? -1 : 1;
        }
      }
    }
  }
  return out;
}

MemKind kind_of(const std::string &cls) {
  std::string c;
  for (char ch : cls) {
    c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  if (c.find("dram") != std::string::npos) {
    return MemKind::DRAM;
  }
  if (c.find("regfile") != std::string::npos || c.find("_rf") != std::string::npos) {
    return MemKind::RegFile;
  }
  if (c == "reg" || c.find("register") != std::string::npos) {
    return MemKind::Register;
  }
  return MemKind::SRAM;
}

// Instance range of a v0.2 name "RegisterFile[0..15]" -> ("RegisterFile", 16).
std::pair<std::string, std::int64_t> split_range(const YamlView &where, const std::string &name) {
  const auto open = name.find('[');
  if (open == std::string::npos) {
    return {name, 1};
  }
  const auto dots = name.find("..", open);
  const auto close = name.find(']', open);
  if (dots == std::string::npos || close == std::string::npos || close != name.size() - 1) {
    where.fail(fmt::format("name '{}' has a malformed instance range; write NAME[0..N-1]", name));
  }
  try {
    const std::int64_t lo = std::stoll(name.substr(open + 1, dots - open - 1));
    const std::int64_t hi = std::stoll(name.substr(dots + 2, close - dots - 2));
    if (hi < lo) {
      throw std::out_of_range("range");
    }
    return {name.substr(0, open), hi - lo + 1};
  } catch (const std::logic_error &) {
    where.fail(fmt::format("name '{}' has a malformed instance range; write NAME[0..N-1]", name));
  }
}

// no_link_transfer: hcl never counts transfers between neighbouring PEs, so every mapping
// already has none; the tensors it names must exist.
void check_tensor_list(const YamlView &v, const Problem &p) {
  for (const auto &item : v.items()) {
    tensor_index(item, p, item.as_string());
  }
}

struct Builder {
  const Problem &problem;
  TimeloopArch out;
  std::vector<Level> outer_first;      // storage levels, outermost first
  std::vector<std::int64_t> instances; // v0.2: instances of each level in outer_first
  std::vector<std::int64_t> meshx;     // v0.2: meshX of each level in outer_first
  bool have_compute = false;
  std::vector<std::string> containers; // names usable as spatial targets

  void read_constraints(const YamlView &c, const std::string &target, Level *level) {
    c.require_map("constraints");
    c.require_keys({"dataspace", "temporal", "spatial"});
    if (auto d = c.get("dataspace")) {
      if (!level) {
        d->fail("dataspace constraints apply to storage components only");
      }
      d->require_map("dataspace constraints");
      d->require_keys({"keep", "bypass", "keep_only", "bypass_only"});
      TimeloopConstraint tc;
      tc.target = target;
      tc.type = "dataspace";
      tc.keep = keep_from(*d, problem);
      // timeloopfe, whose format this is, reads a `keep` list given alone as the whole set the
      // component holds: everything else is bypassed (its processed files say so).
      if (d->has("keep") && !d->has("bypass") && !d->has("keep_only") && !d->has("bypass_only")) {
        for (std::size_t t = 0; t < problem.tensors.size(); ++t) {
          tc.keep[t] = tc.keep[t] == 1 ? 1 : -1;
        }
      }
      for (std::size_t t = 0; t < kMaxTensors; ++t) {
        if (tc.keep[t] < 0) {
          level->keeps[t] = false;
        }
      }
      out.constraints.push_back(tc);
    }
    for (const char *type : {"temporal", "spatial"}) {
      if (auto t = c.get(type)) {
        t->require_map(std::string(type) + " constraints");
        // Timeloop's keys (constraints.cpp); a maximum is written "D<=n" inside factors.
        if (std::string(type) == "temporal") {
          t->require_keys({"factors", "permutation"});
        } else {
          t->require_keys({"factors", "permutation", "split", "no_link_transfer"});
          if (auto nl = t->get("no_link_transfer")) {
            check_tensor_list(*nl, problem);
          }
        }
        TimeloopConstraint tc;
        tc.target = target;
        tc.type = type;
        if (auto f = t->get("factors")) {
          tc.factors = f->is_scalar() ? f->as_string() : join_names(f->as_string_list(), " ");
        }
        if (auto pm = t->get("permutation")) {
          tc.permutation =
              pm->is_scalar() ? pm->as_string() : join_names(pm->as_string_list(), " ");
        }
        if (auto s = t->get("split")) {
          tc.split = read_split(*s);
        }
        out.constraints.push_back(tc);
      }
    }
  }

  Level storage_from(const YamlView &node, const std::string &name, const std::string &cls,
                     const YamlView *attrs) {
    Level l;
    l.name = name;
    l.kind = kind_of(cls);
    std::int64_t depth = 0, width = 0;
    int datawidth = 0;
    std::int64_t block = 0;
    if (attrs) {
      attrs->require_map("attributes");
      if (auto v = get_either(*attrs, "depth", "memory_depth")) {
        depth = v->as_int(0);
      }
      if (auto v = get_either(*attrs, "width", "memory_width")) {
        width = v->as_int(1);
      }
      if (auto v = get_either(*attrs, "datawidth", "word-bits")) {
        datawidth = static_cast<int>(v->as_int(1, 1 << 20));
      } else if (auto w = attrs->get("word_bits")) {
        datawidth = static_cast<int>(w->as_int(1, 1 << 20));
      }
      if (auto v = get_either(*attrs, "block_size", "block-size")) {
        block = v->as_int(1);
      }
      if (auto v = attrs->get("read_bandwidth")) {
        l.read_bandwidth = v->as_double(0);
      }
      if (auto v = attrs->get("write_bandwidth")) {
        l.write_bandwidth = v->as_double(0);
      }
      if (auto v = attrs->get("multiple_buffering")) {
        l.double_buffered = v->as_double(1) >= 2;
      }
      if (auto v = get_either(*attrs, "min_utilization", "min-utilization")) {
        l.min_utilization = v->as_double(0, 1);
      }
    }
    if (datawidth == 0) {
      datawidth = width > 0 && block > 0 ? static_cast<int>(width / block) : 16;
    }
    if (block == 0) {
      block = width > 0 ? std::max<std::int64_t>(1, width / datawidth) : 1;
    }
    if (width > 0 && width % datawidth != 0) {
      node.fail(fmt::format("component '{}': width {} is not a multiple of datawidth {}", name,
                            width, datawidth));
    }
    l.word_bits = datawidth;
    l.block_size = static_cast<int>(block);
    l.size_words = depth * block; // 0 = unbounded (DRAM without depth)
    return l;
  }

  void set_compute(const YamlView &node, const YamlView *attrs) {
    if (attrs) {
      if (auto v = get_either(*attrs, "datawidth", "width")) {
        out.arch.mac_bits = static_cast<int>(v->as_int(1, 1 << 20));
      }
    }
    (void)node;
    have_compute = true;
  }

  // v0.4 node list, outermost first.
  void walk_nodes(const YamlView &nodes, bool in_parallel) {
    for (const auto &n : nodes.items()) {
      if (have_compute) {
        n.fail("nothing may follow the compute element (the innermost !Component)");
      }
      const std::string tag = n.node().Tag();
      if (tag == "!Nothing") {
        continue; // timeloopfe's placeholder node: it holds nothing and does nothing
      }
      n.require_map("an architecture node");
      if (tag == "!Container") {
        if (in_parallel) {
          n.fail("a !Container cannot sit directly in a !Parallel group");
        }
        n.require_keys({"name", "attributes", "spatial", "constraints", "required_actions",
                        "enabled", "area_share", "energy_scale", "area_scale"});
        const std::string name = n.at("name").as_string();
        std::int64_t mx = 1, my = 1;
        if (auto s = n.get("spatial")) {
          s->require_map("spatial fan-out");
          s->require_keys({"meshX", "meshY"});
          if (auto x = s->get("meshX")) {
            mx = x->as_int(1, kMaxMeshSide);
          }
          if (auto y = s->get("meshY")) {
            my = y->as_int(1, kMaxMeshSide);
          }
        }
        containers.push_back(name);
        if (mx * my > 1) {
          if (outer_first.empty()) {
            n.fail(fmt::format("container '{}' fans out before any storage level; put a "
                               "backing store above it",
                               name));
          }
          Level d;
          d.name = "inter_" + name + "_spatial";
          d.size_words = 1;
          d.word_bits = 1;
          d.keeps = {false, false, false};
          d.fanout_x = mx;
          d.fanout_y = my;
          outer_first.push_back(d);
        }
        if (auto c = n.get("constraints")) {
          Level *dummy = mx * my > 1 ? &outer_first.back() : nullptr;
          read_constraints(*c, mx * my > 1 ? "inter_" + name + "_spatial" : name, dummy);
        }
      } else if (tag == "!Component") {
        n.require_keys({"name", "class", "subclass", "attributes", "spatial", "constraints",
                        "required_actions", "enabled", "area_share", "energy_scale", "area_scale"});
        const std::string name = n.at("name").as_string();
        const std::string cls = n.has("class") ? n.at("class").as_string() : "";
        std::optional<YamlView> attrs = n.get("attributes");
        if (auto s = n.get("spatial")) {
          s->require_map("spatial fan-out");
          s->require_keys({"meshX", "meshY"});
          std::int64_t mx = s->has("meshX") ? s->at("meshX").as_int(1, kMaxMeshSide) : 1;
          std::int64_t my = s->has("meshY") ? s->at("meshY").as_int(1, kMaxMeshSide) : 1;
          if (mx * my > 1) {
            if (outer_first.empty()) {
              s->fail("a component fan-out needs a storage level above it");
            }
            outer_first.back().fanout_x *= mx;
            outer_first.back().fanout_y *= my;
          }
        }
        if (is_compute(cls, attrs ? &*attrs : nullptr)) {
          if (in_parallel) {
            n.fail("the compute element cannot sit in a !Parallel group");
          }
          out.compute_name = name;
          set_compute(n, attrs ? &*attrs : nullptr);
          if (auto c = n.get("constraints")) {
            read_constraints(*c, name, nullptr);
          }
          continue;
        }
        Level l = storage_from(n, name, cls, attrs ? &*attrs : nullptr);
        outer_first.push_back(l);
        if (auto c = n.get("constraints")) {
          read_constraints(*c, name, &outer_first.back());
        }
      } else if (tag == "!Parallel" || tag == "!Hierarchical") {
        n.require_keys({"nodes"});
        walk_nodes(n.at("nodes"), tag == "!Parallel");
      } else {
        n.fail(fmt::format("unknown node tag '{}'; valid are !Container, !Component, !Parallel, "
                           "!Hierarchical, !Nothing",
                           tag.empty() ? std::string("(none)") : tag));
      }
    }
  }

  static bool is_compute(const std::string &cls, const YamlView *attrs) {
    std::string c;
    for (char ch : cls) {
      c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (c.find("mac") != std::string::npos || c.find("compute") != std::string::npos ||
        c.find("mult") != std::string::npos || c.find("adder") != std::string::npos) {
      return true;
    }
    (void)attrs;
    return false;
  }

  // v0.2/v0.3: subtree: [{name, attributes, local: [...], subtree: [...]}]
  void walk_subtree(const YamlView &list, std::int64_t inst) {
    for (const auto &st : list.items()) {
      st.require_map("a subtree");
      st.require_keys({"name", "attributes", "local", "subtree", "required_actions", "enabled"});
      const auto [name, n] = split_range(st.at("name"), st.at("name").as_string());
      const std::int64_t here = inst * n;
      containers.push_back(name);
      if (auto local = st.get("local")) {
        for (const auto &c : local->items()) {
          if (have_compute) {
            c.fail("nothing may follow the compute element");
          }
          c.require_map("a component");
          c.require_keys(
              {"name", "class", "subclass", "attributes", "required_actions", "enabled"});
          const auto [cname, cn] = split_range(c.at("name"), c.at("name").as_string());
          const std::string cls = c.has("class") ? c.at("class").as_string() : "";
          std::optional<YamlView> attrs = c.get("attributes");
          const std::int64_t total = here * cn;
          const std::int64_t mesh = attach_fanout(c, total, attrs ? &*attrs : nullptr);
          if (is_compute(cls, attrs ? &*attrs : nullptr)) {
            out.compute_name = cname;
            set_compute(c, attrs ? &*attrs : nullptr);
            continue;
          }
          outer_first.push_back(storage_from(c, cname, cls, attrs ? &*attrs : nullptr));
          instances.push_back(total);
          meshx.push_back(mesh);
        }
      }
      if (auto sub = st.get("subtree")) {
        // Instances of a subtree name multiply everything inside it.
        walk_subtree(*sub, here);
      }
    }
  }

  // v0.2: instance counts define the fan-out of the level above; meshX (default: all
  // instances in one row) says how much of it runs along X.
  std::int64_t attach_fanout(const YamlView &c, std::int64_t total, const YamlView *attrs) {
    std::int64_t mesh = total;
    if (attrs) {
      if (auto m = attrs->get("meshX")) {
        mesh = m->as_int(1, kMaxMeshSide);
        if (total % mesh != 0) {
          m->fail(fmt::format("meshX {} does not divide the {} instances", mesh, total));
        }
      }
    }
    if (instances.empty()) {
      if (total != 1) {
        c.fail("the outermost component must have one instance");
      }
      return mesh;
    }
    const std::int64_t above = instances.back();
    if (total % above != 0 || mesh % meshx.back() != 0) {
      c.fail(fmt::format("{} instances (meshX {}) do not divide evenly under {} instances "
                         "(meshX {}) above",
                         total, mesh, above, meshx.back()));
    }
    const std::int64_t fan = total / above;
    const std::int64_t fx = mesh / meshx.back();
    if (fan % fx != 0) {
      c.fail(fmt::format("fan-out {} is not a multiple of its X part {}", fan, fx));
    }
    outer_first.back().fanout_x = fx;
    outer_first.back().fanout_y = fan / fx;
    return mesh;
  }
};

} // namespace

TimeloopArch load_timeloop_arch(const std::string &path, const Problem &problem) {
  return parse_timeloop_arch(load_yaml_file(path), problem);
}

namespace {

// Timeloop's utilization (parallelism) constraint: the fraction of the PEs the spatial loops
// must use, counted from the top of the hierarchy, and allowed at the innermost storage level
// only (NVlabs/timeloop v3.0.3 src/mapping/constraints.cpp).
void read_utilization(const YamlView &c, const Level &level, Builder &b) {
  if (&level != &b.outer_first.back()) {
    c.at("target").fail(fmt::format("parallelism cannot be constrained at level {}; Timeloop "
                                    "allows it at the innermost storage level ({}) only",
                                    level.name, b.outer_first.back().name));
  }
  if (!c.has("min")) {
    c.fail("a utilization constraint needs min: the fraction of the PEs the spatial loops must "
           "use (0..1)");
  }
  if (b.out.min_utilization > 0) {
    c.fail("a second utilization constraint (Timeloop: re-specification)");
  }
  b.out.min_utilization = c.at("min").as_double(0, 1);
}

// One entry of a v0.3-style constraint list ({targets: [{target, type, ...}]}), applied by the
// search like the per-component constraints.
void read_target(const YamlView &c, Builder &b) {
  c.require_map("a constraint");
  c.require_keys({"target", "type", "keep", "bypass", "factors", "permutation", "split", "min",
                  "no_link_transfer"});
  const std::string target = c.at("target").as_string();
  Level *level = nullptr;
  std::vector<std::string> names;
  for (auto &l : b.outer_first) {
    names.push_back(l.name);
    if (l.name == target || l.name == "inter_" + target + "_spatial") {
      level = &l;
    }
  }
  if (!level) {
    c.at("target").fail(
        fmt::format("unknown target '{}'; valid are {}", target, join_names(names)));
  }
  const int type = c.at("type").as_choice(
      {"temporal", "spatial", "bypass", "dataspace", "datatype", "utilization", "parallelism"});
  const auto misplaced = [&](std::initializer_list<const char *> keys, const char *owner) {
    for (const char *k : keys) {
      if (c.has(k)) {
        c.at(k).fail(fmt::format("'{}' belongs to {} constraint", k, owner));
      }
    }
  };
  if (type != 1) {
    misplaced({"no_link_transfer"}, "a spatial");
  }
  if (type >= 5) {
    misplaced({"keep", "bypass", "factors", "permutation", "split"}, "another kind of");
    read_utilization(c, *level, b);
    return;
  }
  misplaced({"min"}, "a utilization");
  TimeloopConstraint tc;
  tc.target = level->name;
  if (type >= 2) {
    misplaced({"factors", "permutation", "split"}, "a temporal/spatial");
    tc.type = "dataspace";
    tc.keep = keep_from(c, b.problem);
    for (std::size_t t = 0; t < kMaxTensors; ++t) {
      if (tc.keep[t] < 0) {
        level->keeps[t] = false;
      }
    }
    b.out.constraints.push_back(tc);
    return;
  }
  misplaced({"keep", "bypass"}, "a bypass");
  if (type == 0 && c.has("split")) {
    c.at("split").fail("'split' belongs to a spatial constraint");
  }
  tc.type = type == 0 ? "temporal" : "spatial";
  if (auto f = c.get("factors")) {
    tc.factors = f->is_scalar() ? f->as_string() : join_names(f->as_string_list(), " ");
  }
  if (auto pm = c.get("permutation")) {
    tc.permutation = pm->is_scalar() ? pm->as_string() : join_names(pm->as_string_list(), " ");
  }
  if (auto sp = c.get("split")) {
    tc.split = read_split(*sp);
  }
  if (auto nl = c.get("no_link_transfer")) {
    check_tensor_list(*nl, b.problem);
  }
  b.out.constraints.push_back(tc);
}

} // namespace

TimeloopArch parse_timeloop_arch(const YamlView &doc, const Problem &problem) {
  detail::check_sections(doc, {"architecture"}, "a Timeloop architecture file");
  const YamlView a = doc.at("architecture");
  a.require_map("architecture");
  a.require_keys({"version", "nodes", "subtree", "local"});
  Builder b{problem, {}, {}, {}, {}, false, {}};
  if (auto nodes = a.get("nodes")) {
    b.walk_nodes(*nodes, false);
  } else if (auto sub = a.get("subtree")) {
    b.walk_subtree(*sub, 1);
  } else {
    a.fail("missing 'nodes' (v0.4) or 'subtree' (v0.2/v0.3)");
  }
  if (b.outer_first.empty()) {
    a.fail("has no storage component");
  }
  if (auto ac = doc.get("architecture_constraints")) {
    ac->require_map("architecture_constraints");
    ac->require_keys({"targets"});
    if (auto targets = ac->get("targets")) {
      for (const auto &c : targets->items()) {
        read_target(c, b);
      }
    }
  }
  if (!b.have_compute) {
    a.fail("has no compute element (a !Component of a MAC class such as intmac)");
  }
  TimeloopArch out = std::move(b.out);
  out.arch.name = "timeloop";
  out.arch.levels.assign(b.outer_first.rbegin(), b.outer_first.rend());
  if (const CountCheck c = check_arch_counts(out.arch); !c.ok()) {
    a.fail(c.message);
  }
  return out;
}

} // namespace hcl::sched
