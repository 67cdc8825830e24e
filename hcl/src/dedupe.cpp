// Structural deduplication: modules whose elaborated contents are identical (same nodes,
// names, ports, instances of identical children) are merged, so a generator that is not
// cached by name still emits one Verilog module per distinct structure.
#include "builder.h"
#include "names.h"

#include <cstring>
#include <unordered_map>

namespace hcl::detail {

namespace {

class KeyWriter {
public:
  template <class T> void pod(const T &v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
  }
  void str(const std::string &s) {
    pod(static_cast<std::uint64_t>(s.size()));
    out += s;
  }
  std::string out;
};

// Everything that reaches the Verilog except source locations (which only feed comments).
std::string structural_key(const ir::Module &m, const std::vector<std::uint32_t> &canon) {
  KeyWriter w;
  w.str(m.name);
  w.pod(m.is_extern);
  if (m.is_extern) {
    w.str(m.extern_info.clock);
    w.str(m.extern_info.reset);
    w.str(m.extern_info.verilog);
    for (const auto &[k, v] : m.extern_info.params) {
      w.str(k);
      w.pod(v);
    }
  }
  w.pod(m.nodes.size());
  for (const ir::Node &n : m.nodes) {
    w.pod(n.op);
    w.pod(n.type.kind);
    w.pod(n.type.width);
    w.pod(n.a);
    w.pod(n.b);
    w.pod(n.c);
    w.pod(n.p0);
    w.pod(n.p1);
    w.pod(n.name);
    w.pod(n.driver);
    w.pod(n.imm);
  }
  for (const ir::Port &p : m.ports) {
    w.pod(p.name);
    w.pod(p.dir);
    w.pod(p.node);
  }
  w.pod(m.instances.size());
  for (const ir::Instance &i : m.instances) {
    w.pod(i.name);
    w.pod(canon[i.module]);
    w.pod(i.domain);
  }
  for (const ir::ClockDomain &dom : m.domains) {
    w.pod(dom.clock);
    w.pod(dom.reset);
  }
  w.pod(m.memories.size());
  for (const ir::Memory &mem : m.memories) {
    w.pod(mem.name);
    w.pod(mem.type.kind);
    w.pod(mem.type.width);
    w.pod(mem.depth);
    w.pod(mem.domain);
    for (const ir::MemPort &p : mem.ports) {
      w.pod(p.addr);
      w.pod(p.en);
      w.pod(p.wdata);
      w.pod(p.wen);
      w.pod(p.rdata);
    }
  }
  for (const ir::Assertion &a : m.assertions) {
    w.pod(a.cond);
    w.pod(a.enable);
    w.pod(a.domain);
    w.str(a.message);
  }
  return std::move(w.out);
}

} // namespace

void dedupe_and_name(ir::Design &d, std::uint32_t &top) {
  const std::size_t n = d.modules.size();
  // Children are always finished (and stored) before their parents, so one pass in order
  // sees every child's canonical index before the parent's key is built.
  std::vector<std::uint32_t> canon(n);
  std::unordered_map<std::string, std::uint32_t> seen;
  std::vector<std::uint32_t> new_index(n, ~0u);
  std::vector<std::unique_ptr<ir::Module>> kept;
  for (std::uint32_t i = 0; i < n; ++i) {
    auto [it, fresh] = seen.emplace(structural_key(*d.modules[i], canon), i);
    canon[i] = it->second;
    if (fresh) {
      new_index[i] = static_cast<std::uint32_t>(kept.size());
      kept.push_back(std::move(d.modules[i]));
    }
  }
  for (auto &m : kept) {
    for (ir::Instance &inst : m->instances) {
      inst.module = new_index[canon[inst.module]];
    }
  }
  top = new_index[canon[top]];
  d.modules = std::move(kept);

  // Distinct modules that asked for the same name get _1, _2... in elaboration order. Extern
  // modules keep their name: it must match the existing Verilog.
  NameScope scope;
  for (auto &m : d.modules) {
    if (m->is_extern) {
      scope.claim(m->name);
    }
  }
  for (auto &m : d.modules) {
    if (!m->is_extern) {
      m->name = scope.claim(m->name);
    }
  }
}

} // namespace hcl::detail
