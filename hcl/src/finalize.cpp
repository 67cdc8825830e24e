// End of a module body: last-connect resolution into drivers, then the elaboration checks
// (undriven sinks, combinational loops) and the summaries a parent module needs.
#include "builder.h"

#include <fmt/core.h>

#include <algorithm>

namespace hcl::detail {

std::string describe(const ir::Design &d, const ir::Module &m, ir::NodeId id) {
  const ir::Node &n = m.nodes[id];
  if (n.name != ir::kNoName) {
    return d.str(n.name);
  }
  switch (n.op) {
  case ir::Op::Input:
  case ir::Op::Output:
    return d.str(m.ports[n.p0].name);
  case ir::Op::InstIn:
  case ir::Op::InstOut: {
    const ir::Instance &inst = m.instances[n.p0];
    return d.str(inst.name) + "." + d.str(d.modules[inst.module]->ports[n.p1].name);
  }
  case ir::Op::MemRead:
    return d.str(m.memories[n.p0].name) + ".read";
  case ir::Op::Const:
    return std::to_string(n.imm);
  case ir::Op::Wire:
    return "<unnamed wire>";
  case ir::Op::Reg:
    return "<unnamed register>";
  default:
    break;
  }
  std::string s(ir::op_name(n.op));
  s += "(";
  bool first = true;
  for (ir::NodeId o : {n.a, n.b, n.c}) {
    if (o == ir::kNone) {
      continue;
    }
    s += first ? "" : ", ";
    first = false;
    // Extensions and reinterpretations are noise in a message: name what they wrap.
    ir::NodeId x = o;
    for (int depth = 0; depth < 4 && ir::is_wrapper(m.nodes[x].op) &&
                        m.nodes[x].op != ir::Op::Bits && m.nodes[x].name == ir::kNoName;
         ++depth) {
      x = m.nodes[x].a;
    }
    const ir::Node &xn = m.nodes[x];
    if (xn.name != ir::kNoName || xn.op == ir::Op::Input || xn.op == ir::Op::Const ||
        xn.op == ir::Op::InstOut || xn.op == ir::Op::Output || xn.op == ir::Op::MemRead) {
      s += describe(d, m, x);
    } else {
      s += ir::op_name(xn.op);
    }
  }
  return s + ")";
}

namespace {

bool is_sink(ir::Op op) {
  return op == ir::Op::Output || op == ir::Op::Wire || op == ir::Op::Reg || op == ir::Op::InstIn;
}

// Each sink's value after last-connect resolution: a conditional connect muxes over what came
// before it. `partial` gets, per sink, the conditional connect it still depends on when no
// value precedes it.
std::vector<ir::NodeId> last_connect(Builder &b, std::vector<const Connect *> &partial) {
  ir::Module &m = *b.mod;
  std::vector<ir::NodeId> cur(m.nodes.size(), ir::kNone);
  for (const Connect &c : b.connects) {
    if (c.value == ir::kNone) {
      // An exhaustive when-chain drove the sink on every branch. At the top level of the body
      // that makes it fully driven; nested chains are accounted for by their enclosing chain.
      if (c.cond == ir::kNone) {
        partial[c.sink] = nullptr;
      }
      continue;
    }
    if (c.cond == ir::kNone) {
      cur[c.sink] = c.value;
      partial[c.sink] = nullptr;
      continue;
    }
    ir::NodeId base = cur[c.sink];
    if (base == ir::kNone) {
      const ir::Node &s = m.nodes[c.sink];
      if (s.op == ir::Op::Reg) {
        base = c.sink;
      } else if (s.op == ir::Op::Wire) {
        base = s.b;
      }
    }
    if (base == ir::kNone) {
      // No value yet when the condition is false: that case is unreachable if a later
      // exhaustive chain or connect completes the sink (checked below), so the value under
      // this condition stands for both cases, as FIRRTL's validif removal does.
      partial[c.sink] = &c;
      cur[c.sink] = c.value;
      continue;
    }
    ir::Node mux;
    mux.op = ir::Op::Mux;
    mux.type = m.nodes[c.sink].type;
    mux.a = c.cond;
    mux.b = c.value;
    mux.c = base;
    mux.loc = c.loc;
    mux.p1 = 1; // marks a mux made by last-connect resolution; named after its sink
    mux.imm = c.sink;
    cur[c.sink] = b.add(mux);
  }
  return cur;
}

void check_extern_body(const ir::Module &m) {
  for (const auto &node : m.nodes) {
    if (node.op != ir::Op::Input && node.op != ir::Op::Output) {
      throw Error(fmt::format("extern module '{}' may only declare ports, but its body "
                              "creates a {}",
                              m.name, ir::op_name(node.op)),
                  node.loc);
    }
  }
}

// A sink without a value on every path: the error names it and says how to drive it.
[[noreturn]] void undriven(const ir::Design &d, const ir::Module &m, std::size_t i,
                           const Connect *partial) {
  const ir::Node &s = m.nodes[i];
  const std::string what = describe(d, m, static_cast<ir::NodeId>(i));
  if (partial) {
    throw Error(fmt::format("'{}' is driven only under a condition (when at {}) and has no "
                            "value otherwise; add an otherwise() branch, an unconditional "
                            "connect before the when, or use WireDefault",
                            what, format_location(partial->loc)),
                s.loc);
  }
  switch (s.op) {
  case ir::Op::Output:
    throw Error(fmt::format("undriven output: '{}' of module '{}' is never connected; drive "
                            "it with {} <<= ...",
                            what, m.name, what),
                s.loc);
  case ir::Op::Wire:
    throw Error(fmt::format("undriven wire: '{}' is never connected; drive it with <<= or "
                            "declare it with WireDefault",
                            what),
                s.loc);
  case ir::Op::Reg:
    throw Error(fmt::format("undriven register input: register '{}' is never assigned a next "
                            "value; assign it with {} <<= ...",
                            what, what),
                s.loc);
  default:
    throw Error(fmt::format("undriven instance input: '{}' (module '{}') is not connected", what,
                            d.modules[m.instances[s.p0].module]->name),
                s.loc);
  }
}

void resolve_drivers(Context &ctx, Builder &b) {
  ir::Module &m = *b.mod;
  const std::size_t n = m.nodes.size();
  std::vector<const Connect *> partial(n, nullptr);
  const std::vector<ir::NodeId> cur = last_connect(b, partial);
  if (m.is_extern) {
    check_extern_body(m);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    ir::Node &s = m.nodes[i];
    if (!is_sink(s.op)) {
      continue;
    }
    ir::NodeId drv = cur[i];
    if (drv == ir::kNone && s.op == ir::Op::Wire) {
      drv = s.b;
    }
    if (drv == ir::kNone || partial[i]) {
      undriven(*ctx.design, m, i, partial[i]);
    }
    s.driver = drv;
  }
}

void compute_uses(Context &ctx, ir::Module &m) {
  if (m.is_extern) {
    m.uses_clock = !m.extern_info.clock.empty();
    m.uses_reset = !m.extern_info.reset.empty();
    return;
  }
  // Only state in the implicit domain (0) needs the implicit clock and reset ports.
  for (const ir::Node &n : m.nodes) {
    if (n.op == ir::Op::Reg) {
      if (n.b != ir::kNone && n.p0) {
        m.uses_areset = m.uses_clock = true;
      }
      if (n.p1 != 0) {
        continue;
      }
      m.uses_clock = true;
      if (n.b != ir::kNone && !n.p0) {
        m.uses_reset = true;
      }
    }
  }
  for (const ir::Memory &mem : m.memories) {
    m.uses_clock |= mem.domain == 0;
  }
  for (const ir::Assertion &a : m.assertions) {
    if (a.domain == 0) {
      m.uses_clock = m.uses_reset = true;
    }
  }
  for (const ir::Instance &inst : m.instances) {
    const ir::Module &c = *ctx.design->modules[inst.module];
    m.uses_areset |= c.uses_areset;
    if (inst.domain != 0) {
      continue;
    }
    m.uses_clock |= c.uses_clock;
    m.uses_reset |= c.uses_reset;
  }
}

// Combinational dependencies of a node (registers, inputs, constants and memory read data
// start new paths).
template <class F> void for_each_dep(const ir::Design &d, const ir::Module &m, ir::NodeId id, F f) {
  const ir::Node &n = m.nodes[id];
  switch (n.op) {
  case ir::Op::Input:
  case ir::Op::Reg:
  case ir::Op::Const:
  case ir::Op::MemRead:
    return;
  case ir::Op::Output:
  case ir::Op::Wire:
  case ir::Op::InstIn:
    if (n.driver != ir::kNone) {
      f(n.driver);
    }
    return;
  case ir::Op::InstOut: {
    const ir::Instance &inst = m.instances[n.p0];
    const ir::Module &c = *d.modules[inst.module];
    if (n.p1 < c.comb_deps.size()) {
      for (std::uint32_t in : c.comb_deps[n.p1]) {
        f(inst.port_nodes[in]);
      }
    }
    return;
  }
  default:
    for (ir::NodeId o : {n.a, n.b, n.c}) {
      if (o != ir::kNone) {
        f(o);
      }
    }
  }
}

std::string loop_message(const ir::Design &d, const ir::Module &m,
                         const std::vector<ir::NodeId> &cycle) {
  std::string s = fmt::format("combinational loop in module '{}': ", m.name);
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    const ir::Node &n = m.nodes[cycle[i]];
    s +=
        fmt::format("{}{} ({})", i ? " -> " : "", describe(d, m, cycle[i]), format_location(n.loc));
  }
  s += fmt::format(" -> {}; break it with a register", describe(d, m, cycle.front()));
  return s;
}

// Depth-first search over combinational dependencies: throws on a cycle, and collects for each
// output port the input ports it depends on.
void check_loops(Context &ctx, ir::Module &m) {
  const ir::Design &d = *ctx.design;
  const std::size_t n = m.nodes.size();
  std::vector<std::uint8_t> state(n, 0); // 0 new, 1 on stack, 2 done
  std::vector<std::vector<std::uint32_t>> inputs(n);
  struct Frame {
    ir::NodeId id;
    std::vector<ir::NodeId> deps;
    std::size_t next;
  };
  std::vector<Frame> stack;
  for (ir::NodeId root = 0; root < n; ++root) {
    if (state[root]) {
      continue;
    }
    auto push = [&](ir::NodeId id) {
      Frame f{id, {}, 0};
      for_each_dep(d, m, id, [&](ir::NodeId x) { f.deps.push_back(x); });
      state[id] = 1;
      stack.push_back(std::move(f));
    };
    push(root);
    while (!stack.empty()) {
      Frame &f = stack.back();
      if (f.next < f.deps.size()) {
        ir::NodeId x = f.deps[f.next++];
        if (state[x] == 0) {
          push(x);
        } else if (state[x] == 1) {
          std::vector<ir::NodeId> cycle;
          auto it =
              std::find_if(stack.begin(), stack.end(), [&](const Frame &g) { return g.id == x; });
          for (; it != stack.end(); ++it) {
            cycle.push_back(it->id);
          }
          // Report the loop in data-flow order, starting at the first-declared named signal,
          // so the message does not depend on where the search happened to enter the loop.
          std::reverse(cycle.begin(), cycle.end());
          auto start = cycle.end();
          for (auto c = cycle.begin(); c != cycle.end(); ++c) {
            if (m.nodes[*c].name != ir::kNoName && (start == cycle.end() || *c < *start)) {
              start = c;
            }
          }
          if (start != cycle.end()) {
            std::rotate(cycle.begin(), start, cycle.end());
          }
          throw Error(loop_message(d, m, cycle), m.nodes[cycle.front()].loc);
        }
        continue;
      }
      ir::NodeId id = f.id;
      std::vector<std::uint32_t> acc;
      if (m.nodes[id].op == ir::Op::Input) {
        acc.push_back(m.nodes[id].p0);
      }
      for (ir::NodeId x : f.deps) {
        acc.insert(acc.end(), inputs[x].begin(), inputs[x].end());
      }
      std::sort(acc.begin(), acc.end());
      acc.erase(std::unique(acc.begin(), acc.end()), acc.end());
      inputs[id] = std::move(acc);
      state[id] = 2;
      stack.pop_back();
    }
  }
  m.comb_deps.assign(m.ports.size(), {});
  for (std::uint32_t i = 0; i < m.ports.size(); ++i) {
    if (m.ports[i].dir == ir::Dir::Out) {
      m.comb_deps[i] = inputs[m.ports[i].node];
    }
  }
}

} // namespace

void finalize(Context &ctx, Builder &b) {
  resolve_drivers(ctx, b);
  compute_uses(ctx, *b.mod);
  if (b.mod->is_extern) {
    // Extern modules (SRAM macros, hand-written RTL) are assumed to register their outputs,
    // as ir::ExternInfo documents; no combinational path is recorded through them.
    b.mod->comb_deps.assign(b.mod->ports.size(), {});
    return;
  }
  check_loops(ctx, *b.mod);
}

} // namespace hcl::detail
