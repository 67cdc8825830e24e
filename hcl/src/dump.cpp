// A textual dump of the IR, independent of the Verilog printer: one line per node with its
// operands, drivers and user names, so tests can check what elaboration built.
#include <hcl/emit.h>

#include <fmt/core.h>

namespace hcl {

namespace {
std::string ref(ir::NodeId id) { return id == ir::kNone ? "-" : fmt::format("%{}", id); }
} // namespace

std::string dump(const Design &d) {
  std::string out;
  for (std::uint32_t mi = 0; mi < d.modules.size(); ++mi) {
    const ir::Module &m = *d.modules[mi];
    out += fmt::format("module {}{}{}{}{}{}\n", m.name, mi == d.top ? " (top)" : "",
                       m.is_extern ? " extern" : "", m.uses_clock ? " clock" : "",
                       m.uses_reset ? " reset" : "", m.uses_areset ? " areset" : "");
    for (const ir::Port &p : m.ports) {
      out += fmt::format("  port {} {} : {} = %{}\n", p.dir == ir::Dir::In ? "in" : "out",
                         d.str(p.name), ir::to_string(p.type), p.node);
    }
    for (ir::NodeId i = 0; i < m.nodes.size(); ++i) {
      const ir::Node &n = m.nodes[i];
      out += fmt::format("  %{} = {}", i, ir::op_name(n.op));
      if (n.name != ir::kNoName) {
        out += fmt::format(" \"{}\"", d.str(n.name));
      }
      switch (n.op) {
      case ir::Op::Const:
        out += fmt::format(" {}", n.imm);
        break;
      case ir::Op::Bits:
        out += fmt::format(" {} [{}:{}]", ref(n.a), n.p0, n.p1);
        break;
      case ir::Op::Shl:
        out += fmt::format(" {} by {}", ref(n.a), n.p0);
        break;
      case ir::Op::Input:
      case ir::Op::Output:
        out += fmt::format(" port {}", n.p0);
        break;
      case ir::Op::InstIn:
      case ir::Op::InstOut:
        out += fmt::format(" {}.{}", d.str(m.instances[n.p0].name),
                           d.str(d.modules[m.instances[n.p0].module]->ports[n.p1].name));
        break;
      case ir::Op::MemRead:
        out += fmt::format(" {} port {}", d.str(m.memories[n.p0].name), n.p1);
        break;
      case ir::Op::Reg:
        if (n.b != ir::kNone) {
          out += fmt::format(" init {}{}", ref(n.b), n.p0 ? " async" : "");
        }
        if (n.p1) {
          out += fmt::format(" domain {}", n.p1);
        }
        break;
      case ir::Op::Wire:
        break;
      default:
        for (ir::NodeId o : {n.a, n.b, n.c}) {
          if (o != ir::kNone) {
            out += ' ';
            out += ref(o);
          }
        }
      }
      out += " : ";
      out += ir::to_string(n.type);
      if (n.driver != ir::kNone) {
        out += " <- ";
        out += ref(n.driver);
      }
      out += "\n";
    }
    for (std::size_t k = 1; k < m.domains.size(); ++k) {
      out += fmt::format("  domain {} clock {} reset {}\n", k, ref(m.domains[k].clock),
                         ref(m.domains[k].reset));
    }
    for (const ir::Instance &inst : m.instances) {
      out += fmt::format("  inst {} : {}{}\n", d.str(inst.name), d.modules[inst.module]->name,
                         inst.domain ? fmt::format(" domain {}", inst.domain) : "");
    }
    for (const ir::Memory &mem : m.memories) {
      out +=
          fmt::format("  mem {} : {} x {}\n", d.str(mem.name), ir::to_string(mem.type), mem.depth);
      for (const ir::MemPort &p : mem.ports) {
        out += fmt::format("    port addr {} en {} wdata {} wen {} rdata {}\n", ref(p.addr),
                           ref(p.en), ref(p.wdata), ref(p.wen), ref(p.rdata));
      }
    }
    for (const ir::Assertion &a : m.assertions) {
      out += fmt::format("  assert {} when {} \"{}\"\n", ref(a.cond), ref(a.enable), a.message);
    }
  }
  return out;
}

} // namespace hcl
