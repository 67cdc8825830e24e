// The Verilog printer. Design choices, all driven by `verilator --lint-only -Wall` passing
// without waivers and by readable output:
// - every operand already has the exact width of its operation (ir.h), so no WIDTH warnings;
// - a temporary is declared only when it is shared or feeds a bit-select; single-use values
//   are printed inline into the assign or register update that consumes them;
// - bits nobody reads are collected into one `_unused` wire: Verilator's default
//   --unused-regexp (*unused*) exempts it, the lowRISC idiom, and no lint waiver is needed;
// - names: user names exactly (legalized only for keywords and clashes), instance outputs
//   <inst>_<port>, temporaries _<op>_<operands>, numbered per module only on a clash.
#include "names.h"

#include <hcl/emit.h>
#include <hcl/error.h>

#include <support/atomic_write.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

namespace hcl {

namespace {

using ir::kNone;
using ir::NodeId;
using ir::Op;

std::string basename_loc(const std::source_location &loc) {
  std::string_view f = loc.file_name();
  auto slash = f.find_last_of('/');
  if (slash != std::string_view::npos) {
    f = f.substr(slash + 1);
  }
  return fmt::format("{}:{}", f, loc.line());
}

std::string range(ir::Type t) {
  std::string s = t.kind == ir::Kind::SInt ? "signed " : "";
  if (t.width > 1) {
    s += fmt::format("[{}:0] ", t.width - 1);
  }
  return s;
}

std::string literal(ir::Type t, std::int64_t v) {
  if (t.width >= 64) {
    auto u = static_cast<std::uint64_t>(v);
    if (v < 0 && t.width > 64) {
      return fmt::format("{{{{{}{{1'b1}}}}, 64'h{:x}}}", t.width - 64, u);
    }
    return fmt::format("{}'h{:x}", t.width, u);
  }
  auto u = static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << t.width) - 1);
  return fmt::format("{}'h{:x}", t.width, u);
}

std::string escape(std::string_view s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r.push_back('\\');
    }
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r.push_back(c);
  }
  return r;
}

class ModuleEmitter {
public:
  ModuleEmitter(const Design &d, const ir::Module &m, const EmitOptions &opt)
      : d_(d), m_(m), opt_(opt), n_(m.nodes.size()), uses_(n_, 0), user_is_sink_(n_, 0),
        user_(n_, kNone), decl_(n_, 0), name_(n_), full_(n_, 0) {}

  std::string run() {
    count_uses();
    remove_dead();
    decide();
    assign_names();
    return print();
  }

private:
  const Design &d_;
  const ir::Module &m_;
  const EmitOptions &opt_;
  std::size_t n_;
  std::vector<std::uint32_t> uses_;
  std::vector<std::uint8_t> user_is_sink_; // the (single) use is as driver of Output/Wire/Reg
  std::vector<NodeId> user_;               // the last user of each node
  std::vector<std::uint8_t> decl_;         // printed as a name
  std::vector<std::string> name_;
  std::vector<std::uint8_t> full_; // every bit is read somewhere
  std::unordered_map<NodeId, std::vector<bool>> partial_;
  std::vector<std::uint8_t> dead_;
  detail::NameScope scope_;

  const ir::Node &node(NodeId id) const { return m_.nodes[id]; }
  const std::string &str(ir::StrId s) const { return d_.str(s); }

  static bool is_source(Op op) {
    return op == Op::Input || op == Op::Output || op == Op::Wire || op == Op::Reg ||
           op == Op::InstOut || op == Op::MemRead || op == Op::InstIn || op == Op::Const;
  }

  void use(NodeId id, NodeId user, bool as_sink_driver = false) {
    if (id == kNone) {
      return;
    }
    ++uses_[id];
    user_is_sink_[id] = as_sink_driver;
    user_[id] = user;
  }

  void count_uses() {
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      switch (x.op) {
      case Op::Output:
      case Op::Wire:
      case Op::Reg:
        use(x.driver, i, true);
        if (x.op == Op::Reg) {
          use(x.b, i);
        }
        break;
      case Op::InstIn:
        use(x.driver, i);
        break;
      case Op::Input:
      case Op::Const:
      case Op::InstOut:
      case Op::MemRead:
        break;
      default:
        use(x.a, i);
        use(x.b, i);
        use(x.c, i);
      }
    }
    for (const ir::Memory &mem : m_.memories) {
      for (const ir::MemPort &p : mem.ports) {
        for (NodeId x : {p.addr, p.en, p.wdata, p.wen}) {
          use(x, kNone);
        }
      }
    }
    for (const ir::Assertion &a : m_.assertions) {
      use(a.cond, kNone);
      use(a.enable, kNone);
    }
    for (const ir::ClockDomain &d : m_.domains) {
      use(d.clock, kNone);
      use(d.reset, kNone);
    }
  }

  // Unnamed operations nobody reads are not printed (operands before users, so one reverse
  // pass releases whole dead chains).
  void remove_dead() {
    dead_.assign(n_, 0);
    for (NodeId i = static_cast<NodeId>(n_); i-- > 0;) {
      const ir::Node &x = node(i);
      if (uses_[i] != 0 || is_source(x.op) || x.name != ir::kNoName) {
        continue;
      }
      dead_[i] = 1;
      for (NodeId o : {x.a, x.b, x.c}) {
        if (o != kNone) {
          --uses_[o];
        }
      }
    }
  }

  bool needs_name_operand(Op op) const { return op == Op::Bits || op == Op::Sext; }

  void decide() {
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (dead_[i]) {
        continue;
      }
      switch (x.op) {
      case Op::Input:
      case Op::Output:
      case Op::Wire:
      case Op::Reg:
      case Op::InstOut:
      case Op::MemRead:
        decl_[i] = 1;
        continue;
      case Op::Const:
      case Op::InstIn:
        continue;
      default:
        break;
      }
      if (x.name != ir::kNoName) {
        decl_[i] = 1;
      } else if (ir::is_wrapper(x.op)) {
        decl_[i] = 0;
      } else if (x.op == Op::Cat) {
        bool into_cat = user_[i] != kNone && node(user_[i]).op == Op::Cat;
        decl_[i] = !(uses_[i] == 1 && (user_is_sink_[i] || into_cat));
      } else {
        decl_[i] = !(uses_[i] == 1 && user_is_sink_[i]);
      }
    }
    // Clocks and resets of explicit domains appear in event controls: names only.
    for (const ir::ClockDomain &d : m_.domains) {
      for (NodeId x : {d.clock, d.reset}) {
        if (x != kNone) {
          force_name(x);
        }
      }
    }
    // Bit-selects and sign extensions index their operand, so it must be a name.
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (dead_[i] || !needs_name_operand(x.op)) {
        continue;
      }
      force_name(x.a);
    }
    // The mux chain that last-connect resolution built for a wire, output or register is
    // printed in place: nested ?: for wires, an if / else if chain for registers.
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (x.op != Op::Output && x.op != Op::Wire && x.op != Op::Reg) {
        continue;
      }
      for (NodeId m = x.driver; in_chain(m, i); m = node(m).c) {
        decl_[m] = 0;
        // A single-use condition or value reads best in place: if (a & b) r <= r + 1;
        for (NodeId o : {node(m).a, node(m).b}) {
          const ir::Node &on = node(o);
          if (uses_[o] == 1 && on.name == ir::kNoName && !is_source(on.op) &&
              !ir::is_wrapper(on.op) && on.op != Op::Mux) {
            decl_[o] = 0;
          }
        }
      }
    }
    // Instance inputs are connected by expression; keep operations out of port lists.
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (x.op == Op::InstIn && x.driver != kNone) {
        const ir::Node &dn = node(x.driver);
        if (!ir::is_wrapper(dn.op) && !is_source(dn.op)) {
          decl_[x.driver] = 1;
        }
      }
    }
    // Verilog sizes a signed product by its context (native_product), so it must be a whole
    // assignment of the product's width: its own declaration unless it drives a sink directly.
    // Its operands' extensions are not printed when nothing else reads them.
    std::vector<std::uint32_t> native_uses(n_, 0);
    for (NodeId i = 0; i < n_; ++i) {
      if (dead_[i] || !native_product(i)) {
        continue;
      }
      if (!decl_[i] && !user_is_sink_[i]) {
        decl_[i] = 1;
      }
      ++native_uses[resolve(node(i).a)];
      ++native_uses[resolve(node(i).b)];
    }
    for (NodeId i = 0; i < n_; ++i) {
      if (native_uses[i] != 0 && native_uses[i] == uses_[i]) {
        decl_[i] = 0;
      }
    }
  }

  // The operand of an unnamed sign extension, else kNone.
  NodeId extension_source(NodeId id) const {
    id = resolve(id);
    const ir::Node &x = node(id);
    return x.op == Op::Sext && x.name == ir::kNoName ? resolve(x.a) : kNone;
  }

  // A signed product of two operands sign-extended to its width prints as
  // $signed(a) * $signed(b) on the operands' own widths: the same value in a context of the
  // product's width, and Yosys then builds a multiplier of the operands' widths, not of the
  // product's (for int8 the extended form cost about 16% more PE area).
  bool native_product(NodeId id) const {
    const ir::Node &x = node(id);
    return x.op == Op::Mul && x.type.is_signed() && extension_source(x.a) != kNone &&
           extension_source(x.b) != kNone;
  }

  // True for a when-resolution mux of `sink` that nothing else reads.
  bool in_chain(NodeId m, NodeId sink) const {
    if (m == kNone || dead_[m]) {
      return false;
    }
    const ir::Node &x = node(m);
    return x.op == Op::Mux && x.p1 == 1 && x.imm == static_cast<std::int64_t>(sink) &&
           x.name == ir::kNoName && uses_[m] == 1;
  }

  void force_name(NodeId id) {
    const ir::Node &x = node(id);
    if (x.op == Op::InstIn) {
      force_name(x.driver);
      return;
    }
    if (x.op != Op::Const) {
      decl_[id] = 1;
    }
  }

  std::string short_name(NodeId id, int depth = 0) const {
    const ir::Node &x = node(id);
    if (x.name != ir::kNoName) {
      return str(x.name);
    }
    switch (x.op) {
    case Op::Input:
    case Op::Output:
      return str(m_.ports[x.p0].name);
    case Op::Const:
      return x.imm < 0 ? fmt::format("m{}", -x.imm) : std::to_string(x.imm);
    case Op::InstOut:
    case Op::InstIn:
      return str(m_.instances[x.p0].name) + "_" +
             str(d_.modules[m_.instances[x.p0].module]->ports[x.p1].name);
    case Op::MemRead:
      return str(m_.memories[x.p0].name) + "_rdata";
    default:
      break;
    }
    if (ir::is_wrapper(x.op) && x.a != kNone && depth < 4) {
      return short_name(x.a, depth + 1);
    }
    // An unnamed operation inside a name is spelled out two levels deep (_and_not_eq_s_0_...),
    // then abbreviated to its operator.
    if (depth < 2 && x.op != Op::Mux) {
      return temp_base(id, depth + 1).substr(1);
    }
    return std::string(ir::op_name(x.op));
  }

  std::string temp_base(NodeId id, int depth = 0) const {
    const ir::Node &x = node(id);
    if (x.op == Op::Mux && x.p1 == 1) {
      return fmt::format("_{}_next", short_name(static_cast<NodeId>(x.imm)));
    }
    if (x.op == Op::Wire) {
      return "_wire";
    }
    if (x.op == Op::Reg) {
      return "_reg";
    }
    std::string s = fmt::format("_{}", ir::op_name(x.op));
    for (NodeId o : {x.a, x.b, x.c}) {
      if (o != kNone) {
        s += fmt::format("_{}", short_name(o, depth));
      }
    }
    if (s.size() > 40) {
      s.resize(40);
    }
    while (!s.empty() && s.back() == '_') {
      s.pop_back();
    }
    return s;
  }

  void assign_names() {
    if (m_.uses_clock) {
      scope_.claim("clock");
    }
    if (m_.uses_reset) {
      scope_.claim("reset");
    }
    if (m_.uses_areset) {
      scope_.claim("areset");
    }
    for (const ir::Port &p : m_.ports) {
      name_[p.node] = scope_.claim(str(p.name));
    }
    for (NodeId i = 0; i < n_; ++i) {
      if (decl_[i] && name_[i].empty() && node(i).name != ir::kNoName) {
        name_[i] = scope_.claim(str(node(i).name));
      }
    }
    mem_names_.clear();
    for (const ir::Memory &mem : m_.memories) {
      mem_names_.push_back(scope_.claim(str(mem.name)));
    }
    for (const ir::Instance &inst : m_.instances) {
      inst_names_.push_back(scope_.claim(str(inst.name)));
    }
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (!decl_[i] || !name_[i].empty()) {
        continue;
      }
      if (x.op == Op::InstOut) {
        name_[i] = scope_.claim(inst_names_[x.p0] + "_" +
                                str(d_.modules[m_.instances[x.p0].module]->ports[x.p1].name));
      } else if (x.op == Op::MemRead) {
        name_[i] = scope_.claim(mem_names_[x.p0] + "_rdata");
      }
    }
    for (NodeId i = 0; i < n_; ++i) {
      if (decl_[i] && name_[i].empty()) {
        name_[i] = scope_.claim(temp_base(i));
      }
    }
  }

  std::vector<std::string> mem_names_;
  std::vector<std::string> inst_names_;

  // ---- expressions -------------------------------------------------------------------------

  void mark_full(NodeId id) { full_[id] = 1; }
  void mark_bits(NodeId id, std::uint32_t hi, std::uint32_t lo) {
    if (full_[id]) {
      return;
    }
    auto &v = partial_[id];
    if (v.empty()) {
      v.assign(node(id).type.width, false);
    }
    for (std::uint32_t b = lo; b <= hi; ++b) {
      v[b] = true;
    }
  }

  // The name of a declared node (marking all its bits read).
  std::string ref(NodeId id) {
    mark_full(id);
    return name_[id];
  }

  std::string expr(NodeId id) {
    const ir::Node &x = node(id);
    if (x.op == Op::InstIn) {
      return expr(x.driver);
    }
    if (decl_[id]) {
      return ref(id);
    }
    return op_expr(id);
  }

  std::string named_operand(NodeId id) {
    const ir::Node &x = node(id);
    if (x.op == Op::InstIn) {
      return named_operand(x.driver);
    }
    return name_[id];
  }

  NodeId resolve(NodeId id) const {
    while (node(id).op == Op::InstIn) {
      id = node(id).driver;
    }
    return id;
  }

  std::string op_expr(NodeId id) {
    const ir::Node &x = node(id);
    auto A = [&] { return expr(x.a); };
    auto B = [&] { return expr(x.b); };
    auto sgn = [&](NodeId o) {
      std::string e = expr(o);
      return node(o).type.is_signed() ? fmt::format("$signed({})", e) : e;
    };
    switch (x.op) {
    case Op::Const:
      return literal(x.type, x.imm);
    case Op::Add:
      return fmt::format("{} + {}", A(), B());
    case Op::Sub:
      return fmt::format("{} - {}", A(), B());
    case Op::Mul:
      if (native_product(id)) {
        return fmt::format("$signed({}) * $signed({})", ref(extension_source(x.a)),
                           ref(extension_source(x.b)));
      }
      return fmt::format("{} * {}", A(), B());
    case Op::Neg:
      return fmt::format("-{}", A());
    case Op::And:
      return fmt::format("{} & {}", A(), B());
    case Op::Or:
      return fmt::format("{} | {}", A(), B());
    case Op::Xor:
      return fmt::format("{} ^ {}", A(), B());
    case Op::Not:
      return fmt::format("~{}", A());
    case Op::AndR:
      return fmt::format("&{}", A());
    case Op::OrR:
      return fmt::format("|{}", A());
    case Op::XorR:
      return fmt::format("^{}", A());
    case Op::Eq:
      return fmt::format("{} == {}", A(), B());
    case Op::Ne:
      return fmt::format("{} != {}", A(), B());
    case Op::Lt:
      return fmt::format("{} < {}", sgn(x.a), sgn(x.b));
    case Op::Le:
      return fmt::format("{} <= {}", sgn(x.a), sgn(x.b));
    case Op::Gt:
      return fmt::format("{} > {}", sgn(x.a), sgn(x.b));
    case Op::Ge:
      return fmt::format("{} >= {}", sgn(x.a), sgn(x.b));
    case Op::Shl:
      return fmt::format("{{{}, {}'h0}}", A(), x.p0);
    case Op::Dshl:
      return fmt::format("{} << {}", A(), B());
    case Op::Dshr:
      return x.type.is_signed() ? fmt::format("$signed({}) >>> {}", A(), B())
                                : fmt::format("{} >> {}", A(), B());
    case Op::Mux:
      return fmt::format("{} ? {} : {}", expr(x.a), expr(x.b), expr(x.c));
    case Op::Cat: {
      std::vector<std::string> parts;
      cat_parts(id, parts, true);
      return fmt::format("{{{}}}", fmt::join(parts, ", "));
    }
    case Op::Bits: {
      NodeId a = resolve(x.a);
      const ir::Node &an = node(a);
      if (an.type.width == 1) {
        mark_full(a);
        return named_operand(a);
      }
      mark_bits(a, x.p0, x.p1);
      if (x.p0 == x.p1) {
        return fmt::format("{}[{}]", named_operand(a), x.p0);
      }
      return fmt::format("{}[{}:{}]", named_operand(a), x.p0, x.p1);
    }
    case Op::Zext:
      return fmt::format("{{{}'h0, {}}}", x.type.width - node(x.a).type.width, A());
    case Op::Sext: {
      NodeId a = resolve(x.a);
      std::uint32_t wa = node(a).type.width;
      std::string nm = ref(a);
      if (wa == 1) {
        return fmt::format("{{{}{{{}}}}}", x.type.width, nm);
      }
      if (x.type.width - wa == 1) {
        return fmt::format("{{{}[{}], {}}}", nm, wa - 1, nm);
      }
      return fmt::format("{{{{{}{{{}[{}]}}}}, {}}}", x.type.width - wa, nm, wa - 1, nm);
    }
    case Op::AsUInt:
    case Op::AsSInt:
      return A();
    default:
      return "/* ? */";
    }
  }

  void cat_parts(NodeId id, std::vector<std::string> &parts, bool top) {
    const ir::Node &x = node(id);
    if (x.op == Op::Cat && (top || !decl_[id])) {
      cat_parts(x.a, parts, false);
      cat_parts(x.b, parts, false);
      return;
    }
    parts.push_back(expr(id));
  }

  // ---- printing ----------------------------------------------------------------------------

  std::string loc_comment(const std::source_location &loc) const {
    if (!opt_.locators) {
      return "";
    }
    return fmt::format(" // @[{}]", basename_loc(loc));
  }

  // Declared temporaries in an order where each one's operands come first.
  void order_temps(NodeId id, std::vector<std::uint8_t> &seen, std::vector<NodeId> &order) {
    // Iterative: operands are visited before the node itself.
    std::vector<std::pair<NodeId, int>> stack{{id, 0}};
    while (!stack.empty()) {
      auto &[cur, state] = stack.back();
      if (state == 0) {
        state = 1;
        const ir::Node &x = node(cur);
        for (NodeId o : {x.a, x.b, x.c}) {
          if (o == kNone) {
            continue;
          }
          NodeId r = resolve(o);
          if (!seen[r] && !is_source(node(r).op)) {
            seen[r] = 1;
            stack.push_back({r, 0});
          }
        }
      } else {
        if (decl_[cur]) {
          order.push_back(cur);
        }
        stack.pop_back();
      }
    }
  }

  bool is_temp(NodeId i) const {
    const ir::Node &x = node(i);
    return decl_[i] && !dead_[i] && !is_source(x.op);
  }

  std::string print() {
    std::string body;
    auto out = std::back_inserter(body);

    // Declarations of sources.
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (x.op == Op::Wire) {
        fmt::format_to(out, "  wire {}{};{}\n", range(x.type), name_[i], loc_comment(x.loc));
      } else if (x.op == Op::Reg || x.op == Op::MemRead) {
        fmt::format_to(out, "  reg {}{};{}\n", range(x.type), name_[i], loc_comment(x.loc));
      } else if (x.op == Op::InstOut && decl_[i]) {
        fmt::format_to(out, "  wire {}{};\n", range(x.type), name_[i]);
      }
    }
    for (std::size_t k = 0; k < m_.memories.size(); ++k) {
      const ir::Memory &mem = m_.memories[k];
      fmt::format_to(out, "  reg {}{} [0:{}];{}\n", range(mem.type), mem_names_[k], mem.depth - 1,
                     loc_comment(mem.loc));
    }

    // Temporaries, operands first.
    std::vector<std::uint8_t> seen(n_, 0);
    std::vector<NodeId> order;
    for (NodeId i = 0; i < n_; ++i) {
      if (is_temp(i) && !seen[i]) {
        seen[i] = 1;
        order_temps(i, seen, order);
      }
    }
    for (NodeId i : order) {
      const ir::Node &x = node(i);
      std::string e = op_expr(i);
      fmt::format_to(out, "  wire {}{} = {};{}\n", range(x.type), name_[i], e,
                     x.name != ir::kNoName ? loc_comment(x.loc) : "");
    }

    // Instances.
    for (std::size_t k = 0; k < m_.instances.size(); ++k) {
      print_instance(out, k);
    }

    // Continuous assignments of outputs and wires.
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (x.op == Op::Output || x.op == Op::Wire) {
        fmt::format_to(out, "  assign {} = {};\n", name_[i], expr(x.driver));
      }
    }

    for (std::uint32_t d = 0; d < m_.domains.size(); ++d) {
      print_always(out, d, false);
    }
    print_always(out, 0, true);

    // Header last: the _unused wire depends on what the body read.
    std::string head;
    auto h = std::back_inserter(head);
    fmt::format_to(h, "// Generated by hcl. Do not edit.\n");
    fmt::format_to(h, "module {} (\n", m_.name);
    std::vector<std::string> ports;
    if (m_.uses_clock) {
      ports.push_back("  input  wire clock");
    }
    if (m_.uses_reset) {
      ports.push_back("  input  wire reset");
    }
    if (m_.uses_areset) {
      ports.push_back("  input  wire areset");
    }
    std::vector<std::string> comments(ports.size());
    for (const ir::Port &p : m_.ports) {
      ports.push_back(fmt::format("  {} wire {}{}", p.dir == ir::Dir::In ? "input " : "output",
                                  range(p.type), name_[p.node]));
      comments.push_back(loc_comment(node(p.node).loc));
    }
    for (std::size_t k = 0; k < ports.size(); ++k) {
      fmt::format_to(h, "{}{}{}\n", ports[k], k + 1 < ports.size() ? "," : "", comments[k]);
    }
    fmt::format_to(h, ");\n");
    if (m_.uses_reset && !reset_read_) {
      mark_reset_unused_ = true;
    }
    std::string unused = unused_list();
    if (!unused.empty()) {
      fmt::format_to(out,
                     "  // Bits no logic reads, collected so lint sees them used.\n"
                     "  wire {} = ^{{{}}};\n",
                     scope_.claim("_unused"), unused);
    }
    body += "endmodule\n";
    return head + body;
  }

  bool reset_read_ = false;
  bool mark_reset_unused_ = false;

  std::string unused_list() {
    std::vector<std::string> parts;
    if (mark_reset_unused_) {
      parts.push_back("reset");
    }
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (!decl_[i] || dead_[i] || full_[i] || x.op == Op::Output) {
        continue;
      }
      auto it = partial_.find(i);
      if (it == partial_.end()) {
        parts.push_back(name_[i]);
        continue;
      }
      const auto &used = it->second;
      std::uint32_t w = x.type.width;
      for (std::uint32_t b = w; b-- > 0;) {
        if (used[b]) {
          continue;
        }
        std::uint32_t hi = b;
        while (b > 0 && !used[b - 1]) {
          --b;
        }
        parts.push_back(hi == b ? fmt::format("{}[{}]", name_[i], b)
                                : fmt::format("{}[{}:{}]", name_[i], hi, b));
      }
    }
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  template <class Out> void print_instance(Out out, std::size_t k) {
    const ir::Instance &inst = m_.instances[k];
    const ir::Module &c = *d_.modules[inst.module];
    std::vector<std::string> conns;
    std::string clock = c.is_extern ? c.extern_info.clock : (c.uses_clock ? "clock" : "");
    std::string reset = c.is_extern ? c.extern_info.reset : (c.uses_reset ? "reset" : "");
    if (!clock.empty()) {
      conns.push_back(fmt::format("    .{}({})", clock, domain_clock(inst.domain)));
    }
    if (!reset.empty()) {
      conns.push_back(fmt::format("    .{}({})", reset, domain_reset(inst.domain)));
    }
    if (!c.is_extern && c.uses_areset) {
      conns.push_back("    .areset(areset)");
    }
    for (std::size_t p = 0; p < c.ports.size(); ++p) {
      NodeId pn = inst.port_nodes[p];
      const ir::Node &x = node(pn);
      std::string e = x.op == Op::InstIn ? expr(x.driver) : name_[pn];
      conns.push_back(fmt::format("    .{}({})", str(c.ports[p].name), e));
    }
    std::string params;
    if (c.is_extern && !c.extern_info.params.empty()) {
      std::vector<std::string> ps;
      for (const auto &[key, v] : c.extern_info.params) {
        ps.push_back(fmt::format(".{}({})", key, v));
      }
      params = fmt::format(" #({})", fmt::join(ps, ", "));
    }
    fmt::format_to(out, "  {}{} {} ({}\n{}\n  );\n", c.name, params, inst_names_[k],
                   loc_comment(inst.loc), fmt::join(conns, ",\n"));
  }

  // Register update of `r`: its when-chain prints as if / else if, the last connect first;
  // a register that keeps its value needs no final else.
  template <class Out> void print_update(Out out, NodeId r, const std::string &indent) {
    NodeId m = node(r).driver;
    bool first = true;
    for (; in_chain(m, r) && !decl_[m]; m = node(m).c) {
      const ir::Node &x = node(m);
      fmt::format_to(out, "{}{} ({}) begin\n{}  {} <= {};\n", indent, first ? "if" : "end else if",
                     expr(x.a), indent, name_[r], expr(x.b));
      first = false;
    }
    if (first) {
      if (m != r) {
        fmt::format_to(out, "{}{} <= {};\n", indent, name_[r], expr(m));
      }
      return;
    }
    if (m != r) {
      fmt::format_to(out, "{}end else begin\n{}  {} <= {};\n", indent, indent, name_[r], expr(m));
    }
    fmt::format_to(out, "{}end\n", indent);
  }

  // The clock and reset of a domain as Verilog names.
  std::string domain_clock(std::uint32_t d) {
    return d == 0 ? std::string("clock") : expr(m_.domains[d].clock);
  }
  std::string domain_reset(std::uint32_t d) {
    if (d == 0) {
      reset_read_ = true;
      return "reset";
    }
    return m_.domains[d].reset == kNone ? std::string() : expr(m_.domains[d].reset);
  }

  // One always block: the registers, memories and assertions of domain `d` (or the
  // asynchronously reset registers of the implicit domain when `async`).
  template <class Out> void print_always(Out out, std::uint32_t d, bool async) {
    std::vector<NodeId> reset_regs, plain_regs;
    for (NodeId i = 0; i < n_; ++i) {
      const ir::Node &x = node(i);
      if (x.op != Op::Reg || x.p1 != d) {
        continue;
      }
      bool is_async = x.b != kNone && x.p0 == 1;
      if (is_async != async) {
        continue;
      }
      (x.b != kNone ? reset_regs : plain_regs).push_back(i);
    }
    std::vector<std::size_t> mems;
    for (std::size_t k = 0; k < m_.memories.size() && !async; ++k) {
      if (m_.memories[k].domain == d) {
        mems.push_back(k);
      }
    }
    std::vector<const ir::Assertion *> asserts;
    for (const ir::Assertion &a : m_.assertions) {
      if (!async && a.domain == d) {
        asserts.push_back(&a);
      }
    }
    if (reset_regs.empty() && plain_regs.empty() && mems.empty() && asserts.empty()) {
      return;
    }
    std::string clock = domain_clock(d);
    if (async) {
      fmt::format_to(out, "  always @(posedge {} or posedge areset) begin\n", clock);
    } else {
      fmt::format_to(out, "  always @(posedge {}) begin\n", clock);
    }
    if (!reset_regs.empty()) {
      fmt::format_to(out, "    if ({}) begin\n", async ? std::string("areset") : domain_reset(d));
      for (NodeId r : reset_regs) {
        fmt::format_to(out, "      {} <= {};\n", name_[r], expr(node(r).b));
      }
      fmt::format_to(out, "    end else begin\n");
      for (NodeId r : reset_regs) {
        print_update(out, r, "      ");
      }
      fmt::format_to(out, "    end\n");
    }
    for (NodeId r : plain_regs) {
      print_update(out, r, "    ");
    }
    // `stmt` under `if (en)`, or alone when the enable is the constant 1.
    auto guarded = [&](NodeId en, const std::string &indent, const std::string &stmt) {
      const ir::Node &e = node(en);
      if (e.op == Op::Const && e.imm != 0) {
        return fmt::format("{}{}\n", indent, stmt);
      }
      return fmt::format("{}if ({}) begin\n{}  {}\n{}end\n", indent, expr(en), indent, stmt,
                         indent);
    };
    for (std::size_t k : mems) {
      const ir::Memory &mem = m_.memories[k];
      const std::string &mn = mem_names_[k];
      for (const ir::MemPort &p : mem.ports) {
        std::string addr = expr(p.addr);
        std::string text;
        if (p.rdata != kNone && p.wdata != kNone) {
          // Read-first: the read sees the old content; nonblocking assignments make it so.
          std::string inner =
              guarded(p.wen, "      ", fmt::format("{}[{}] <= {};", mn, addr, expr(p.wdata)));
          inner += fmt::format("      {} <= {}[{}];\n", name_[p.rdata], mn, addr);
          const ir::Node &e = node(p.en);
          if (e.op == Op::Const && e.imm != 0) {
            text = inner;
          } else {
            text = fmt::format("    if ({}) begin\n{}    end\n", expr(p.en), inner);
          }
        } else if (p.rdata != kNone) {
          text = guarded(p.en, "    ", fmt::format("{} <= {}[{}];", name_[p.rdata], mn, addr));
        } else {
          text = guarded(p.wen, "    ", fmt::format("{}[{}] <= {};", mn, addr, expr(p.wdata)));
        }
        fmt::format_to(out, "{}", text);
      }
    }
    if (!asserts.empty()) {
      std::string reset = domain_reset(d);
      fmt::format_to(out, "`ifndef SYNTHESIS\n");
      for (const ir::Assertion *a : asserts) {
        std::string guard = reset.empty() ? "" : fmt::format("!{} && ", reset);
        if (a->enable != kNone) {
          guard += fmt::format("{} && ", expr(a->enable));
        }
        fmt::format_to(out,
                       "    if ({}!{}) begin\n      $fatal(1, \"assertion failed: "
                       "{} @[{}]\");\n    end\n",
                       guard, expr(a->cond), escape(a->message), escape(basename_loc(a->loc)));
      }
      fmt::format_to(out, "`endif\n");
    }
    fmt::format_to(out, "  end\n");
  }
};

} // namespace

std::string emit_module(const Design &design, std::uint32_t module, const EmitOptions &options) {
  const ir::Module &m = *design.modules.at(module);
  if (m.is_extern) {
    return m.extern_info.verilog;
  }
  return ModuleEmitter(design, m, options).run();
}

EmitResult emit_verilog(const Design &design, const std::filesystem::path &dir,
                        const EmitOptions &options) {
  std::filesystem::create_directories(dir);
  EmitResult result;
  result.top = design.top_module().name;
  std::unordered_set<std::string> written;
  for (std::uint32_t i = 0; i < design.modules.size(); ++i) {
    const ir::Module &m = *design.modules[i];
    if (m.is_extern && m.extern_info.verilog.empty()) {
      continue;
    }
    if (!written.insert(m.name).second) {
      continue;
    }
    std::filesystem::path path = dir / (m.name + ".v");
    support::write_file_atomic(path, emit_module(design, i, options));
    result.files.push_back(path);
  }
  return result;
}

} // namespace hcl
