// The elaboration context and everything that declares hardware: IO, wires, registers,
// connects, when-blocks, assertions, memories and instances.
#include "builder.h"

#include <hcl/module.h>

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <iterator>

namespace hcl::detail {

namespace {
thread_local Context *g_ctx = nullptr;

std::string key_of(const std::type_info &type, const std::string &name) {
  std::string k = type.name();
  k.push_back('\0');
  k += name;
  return k;
}

ir::StrId intern(std::string_view name) {
  return name.empty() ? ir::kNoName : g_ctx->design->strings.intern(name);
}

void check_type_template(const Signal &type, const char *what, const SrcLoc &loc) {
  if (type.width() == 0) {
    throw Error(fmt::format("{} needs a type with a width of at least 1, e.g. UInt(8)", what), loc);
  }
}

ir::NodeId add_port(Builder &b, std::string_view name, const Signal &type, ir::Dir dir,
                    const SrcLoc &loc) {
  const char *what = dir == ir::Dir::In ? "Input" : "Output";
  check_type_template(type, what, loc);
  if (name.empty()) {
    throw Error(fmt::format("{} needs a name", what), loc);
  }
  ir::StrId sid = intern(name);
  auto [it, fresh] = b.port_index.emplace(sid, static_cast<std::uint32_t>(b.mod->ports.size()));
  if (!fresh) {
    throw Error(fmt::format("port '{}' is declared twice in module '{}' (first at {})", name,
                            b.mod->name,
                            format_location(b.node(b.mod->ports[it->second].node).loc)),
                loc);
  }
  ir::Node n;
  n.op = dir == ir::Dir::In ? ir::Op::Input : ir::Op::Output;
  n.type = type.type();
  n.name = sid;
  n.p0 = static_cast<std::uint32_t>(b.mod->ports.size());
  n.loc = loc;
  ir::NodeId id = b.add(n);
  b.mod->ports.push_back({sid, dir, n.type, id});
  return id;
}

ir::NodeId cond_node(Builder &b, const Operand &c, const char *what) {
  ir::NodeId id = operand_node(b, c, ir::Type{ir::Kind::Bool, 1});
  const ir::Node &n = b.node(id);
  if (n.type.width != 1 || n.type.kind == ir::Kind::SInt) {
    throw Error(
        fmt::format("{} needs a Bool (or UInt(1)) condition, got {}", what, ir::to_string(n.type)),
        c.loc());
  }
  return id;
}

// `c` AND the enclosing when-condition.
ir::NodeId and_enclosing(Builder &b, ir::NodeId c, const SrcLoc &loc) {
  if (b.cond == ir::kNone) {
    return c;
  }
  return make_op(b, ir::Op::And, ir::Type{ir::Kind::Bool, 1}, b.cond, c, ir::kNone, loc);
}

ir::NodeId make_reg(Builder &b, const Signal &type, ir::NodeId init, bool async,
                    std::string_view name, const SrcLoc &loc) {
  check_type_template(type, "Reg", loc);
  if (b.domain != 0 && async) {
    throw Error("RegInitAsync inside with_clock_domain(): asynchronous reset is only available "
                "on the implicit clock; use RegInit with the domain's reset",
                loc);
  }
  if (b.domain != 0 && init != ir::kNone && b.mod->domains[b.domain].reset == ir::kNone) {
    throw Error("RegInit inside a clock domain without reset: give with_clock_domain() a reset "
                "signal or use Reg",
                loc);
  }
  ir::Node n;
  n.op = ir::Op::Reg;
  n.type = type.type();
  n.b = init;
  n.p0 = async ? 1 : 0;
  n.p1 = b.domain;
  n.name = intern(name);
  n.loc = loc;
  return b.add(n);
}

// The value of `src` adapted to a target of type `t`: literals become constants of type t,
// narrower values are extended, wider values and signedness mismatches are errors.
ir::NodeId adapt(Builder &b, const Operand &src, ir::Type t, const std::string &target,
                 const SrcLoc &loc) {
  bool target_signed = t.kind == ir::Kind::SInt;
  if (src.is_literal()) {
    std::int64_t v = src.value();
    bool fits;
    if (target_signed) {
      fits = t.width >= 64 ||
             (v >= -(std::int64_t{1} << (t.width - 1)) && v < (std::int64_t{1} << (t.width - 1)));
    } else {
      fits = v >= 0 && (t.width >= 63 || v < (std::int64_t{1} << t.width));
    }
    if (!fits) {
      throw Error(fmt::format("the literal {} does not fit in {} ({}); use a wider type or "
                              "a smaller value",
                              v, target, ir::to_string(t)),
                  loc);
    }
    return make_const(b, t, v, loc);
  }
  ir::NodeId id = operand_node(b, src, t);
  ir::Type st = b.node(id).type;
  bool src_signed = st.kind == ir::Kind::SInt;
  if (src_signed != target_signed) {
    throw Error(fmt::format("cannot assign {} '{}' to {} ({}): mixing SInt and UInt needs an "
                            "explicit conversion ({})",
                            ir::to_string(st), describe(*g_ctx->design, *b.mod, id), target,
                            ir::to_string(t),
                            target_signed ? ".to_sint() or .as_sint()" : ".as_uint()"),
                loc);
  }
  if (st.width > t.width) {
    throw Error(fmt::format("width mismatch: cannot assign a {}-bit value ('{}', {}) to {} "
                            "({}-bit, {}); narrow it explicitly with .trunc({}) to keep the "
                            "low bits or .resize({})",
                            st.width, describe(*g_ctx->design, *b.mod, id), ir::to_string(st),
                            target, t.width, ir::to_string(t), t.width, t.width),
                loc);
  }
  return extend(b, id, t.width, loc);
}

std::string target_name(Builder &b, ir::NodeId id) {
  const ir::Node &n = b.node(id);
  const char *kind = "";
  switch (n.op) {
  case ir::Op::Output:
    kind = "output";
    break;
  case ir::Op::Wire:
    kind = "wire";
    break;
  case ir::Op::Reg:
    kind = "register";
    break;
  case ir::Op::InstIn:
    kind = "instance input";
    break;
  default:
    kind = "signal";
    break;
  }
  return fmt::format("{} '{}'", kind, describe(*g_ctx->design, *b.mod, id));
}

} // namespace

Context &context(const SrcLoc &loc) {
  if (!g_ctx) {
    throw Error("no design is being elaborated: call this from a module body run by "
                "hcl::elaborate()",
                loc);
  }
  return *g_ctx;
}

Builder &current(const SrcLoc &loc) {
  Context &ctx = context(loc);
  if (ctx.stack.empty()) {
    throw Error("no module body is running: hardware can only be declared inside a module "
                "body run by hcl::elaborate() or hcl::instance()",
                loc);
  }
  return *ctx.stack.back();
}

Builder &owner_of(const Signal &s, const char *what, const SrcLoc &loc) {
  Builder &b = current(loc);
  if (!s.is_hardware()) {
    throw Error(fmt::format("{}: {} is a type, not a hardware value; declare it first with "
                            "Wire(), Reg() or Input()",
                            what, ir::to_string(s.type())),
                loc);
  }
  if (s.owner() != b.serial) {
    const auto &names = g_ctx->serial_names;
    std::string other = s.owner() < names.size() ? names[s.owner()] : "?";
    throw Error(fmt::format("{}: the signal belongs to module '{}' but is used in module "
                            "'{}'; pass it through a port (Input/Output) instead",
                            what, other, b.mod->name),
                loc);
  }
  return b;
}

ir::NodeId operand_node(Builder &b, const Operand &op, ir::Type like) {
  if (!op.is_literal()) {
    owner_of(op.signal(), "operand", op.loc());
    return op.signal().node();
  }
  if (op.is_bool_literal()) {
    return make_const(b, ir::Type{ir::Kind::Bool, 1}, op.value(), op.loc());
  }
  std::int64_t v = op.value();
  if (like.kind == ir::Kind::SInt) {
    std::uint64_t mag = v < 0 ? ~static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    auto w = static_cast<std::uint32_t>(std::bit_width(mag) + 1);
    return make_const(b, ir::Type{ir::Kind::SInt, w}, v, op.loc());
  }
  if (v < 0) {
    throw Error(fmt::format("the negative literal {} is used with an unsigned value; use an "
                            "SInt (.to_sint()) or SInt::lit",
                            v),
                op.loc());
  }
  auto w = static_cast<std::uint32_t>(
      std::max(1, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(v)))));
  return make_const(b, ir::Type{ir::Kind::UInt, w}, v, op.loc());
}

} // namespace hcl::detail

namespace hcl {

using namespace detail;

Signal Input(std::string_view name, const Signal &type, SrcLoc loc) {
  Builder &b = current(loc);
  return b.sig(add_port(b, name, type, ir::Dir::In, loc));
}

Signal Output(std::string_view name, const Signal &type, SrcLoc loc) {
  Builder &b = current(loc);
  return b.sig(add_port(b, name, type, ir::Dir::Out, loc));
}

Signal Wire(const Signal &type, std::string_view name, SrcLoc loc) {
  Builder &b = current(loc);
  check_type_template(type, "Wire", loc);
  ir::Node n;
  n.op = ir::Op::Wire;
  n.type = type.type();
  n.name = intern(name);
  n.loc = loc;
  return b.sig(b.add(n));
}

Signal WireDefault(const Signal &type, const Operand &init, std::string_view name, SrcLoc loc) {
  Builder &b = current(loc);
  check_type_template(type, "WireDefault", loc);
  ir::NodeId def = adapt(b, init, type.type(), "the default of a wire", init.loc());
  Signal w = Wire(type, name, loc);
  b.mod->nodes[w.node()].b = def;
  return w;
}

Signal Reg(const Signal &type, std::string_view name, SrcLoc loc) {
  Builder &b = current(loc);
  return b.sig(make_reg(b, type, ir::kNone, false, name, loc));
}

Signal RegInit(const Signal &type, const Operand &init, std::string_view name, SrcLoc loc) {
  Builder &b = current(loc);
  check_type_template(type, "RegInit", loc);
  ir::NodeId i = adapt(b, init, type.type(), "the reset value of a register", init.loc());
  return b.sig(make_reg(b, type, i, false, name, loc));
}

Signal RegInitAsync(const Signal &type, const Operand &init, std::string_view name, SrcLoc loc) {
  Builder &b = current(loc);
  check_type_template(type, "RegInitAsync", loc);
  ir::NodeId i = adapt(b, init, type.type(), "the reset value of a register", init.loc());
  return b.sig(make_reg(b, type, i, true, name, loc));
}

Signal RegNext(const Operand &next, std::string_view name) {
  Builder &b = current(next.loc());
  ir::NodeId v = operand_node(b, next, ir::Type{ir::Kind::UInt, 1});
  Signal type = b.sig(v);
  ir::NodeId r = make_reg(b, type, ir::kNone, false, name, next.loc());
  b.connects.push_back({r, v, ir::kNone, next.loc()});
  return b.sig(r);
}

Signal RegEnable(const Operand &next, const Operand &en, std::string_view name) {
  Builder &b = current(next.loc());
  ir::NodeId v = operand_node(b, next, ir::Type{ir::Kind::UInt, 1});
  ir::NodeId e = cond_node(b, en, "RegEnable");
  ir::NodeId r = make_reg(b, b.sig(v), ir::kNone, false, name, next.loc());
  b.connects.push_back({r, v, e, next.loc()});
  return b.sig(r);
}

void Signal::operator<<=(const Operand &src) const {
  const SrcLoc &loc = src.loc();
  Builder &b = owner_of(*this, "connect", loc);
  const ir::Node &d = b.node(node());
  switch (d.op) {
  case ir::Op::Output:
  case ir::Op::Wire:
  case ir::Op::Reg:
  case ir::Op::InstIn:
    break;
  case ir::Op::Input:
    throw Error(fmt::format("multiple drivers: '{}' is an input of module '{}' and is driven "
                            "from outside; only wires, registers, outputs and instance inputs "
                            "can be connected",
                            describe(*g_ctx->design, *b.mod, node()), b.mod->name),
                loc);
  default:
    throw Error(fmt::format("multiple drivers: '{}' is already driven by its own definition "
                            "at {}; only wires, registers, outputs and instance inputs can be "
                            "connected (declare a Wire and connect that)",
                            describe(*g_ctx->design, *b.mod, node()), format_location(d.loc)),
                loc);
  }
  std::string target = target_name(b, node());
  ir::Type t = d.type;
  ir::NodeId v = adapt(b, src, t, target, loc);
  b.connects.push_back({node(), v, b.cond, loc});
  if (!b.branch_driven.empty()) {
    b.branch_driven.back().push_back(node());
  }
}

namespace {
// Runs one branch of a when-chain under `cond` and returns the targets it fully drives.
std::vector<ir::NodeId> run_branch(Builder &b, ir::NodeId cond, const std::function<void()> &body,
                                   const SrcLoc &loc) {
  ir::NodeId saved = b.cond;
  b.cond = and_enclosing(b, cond, loc);
  b.branch_driven.emplace_back();
  body();
  std::vector<ir::NodeId> driven = std::move(b.branch_driven.back());
  b.branch_driven.pop_back();
  b.cond = saved;
  std::sort(driven.begin(), driven.end());
  driven.erase(std::unique(driven.begin(), driven.end()), driven.end());
  return driven;
}
} // namespace

WhenChain when(const Operand &cond, const std::function<void()> &body) {
  Builder &b = current(cond.loc());
  ir::NodeId c = cond_node(b, cond, "when");
  return WhenChain(c, run_branch(b, c, body, cond.loc()));
}

WhenChain &WhenChain::elsewhen(const Operand &cond, const std::function<void()> &body) {
  Builder &b = current(cond.loc());
  ir::NodeId c = cond_node(b, cond, "elsewhen");
  const ir::Type bt{ir::Kind::Bool, 1};
  ir::NodeId not_taken = make_op(b, ir::Op::Not, bt, taken_, ir::kNone, ir::kNone, cond.loc());
  ir::NodeId mine = make_op(b, ir::Op::And, bt, not_taken, c, ir::kNone, cond.loc());
  std::vector<ir::NodeId> driven = run_branch(b, mine, body, cond.loc());
  std::vector<ir::NodeId> both;
  std::set_intersection(driven_.begin(), driven_.end(), driven.begin(), driven.end(),
                        std::back_inserter(both));
  driven_ = std::move(both);
  taken_ = make_op(b, ir::Op::Or, bt, taken_, c, ir::kNone, cond.loc());
  return *this;
}

void WhenChain::otherwise(const std::function<void()> &body, SrcLoc loc) {
  Builder &b = current(loc);
  const ir::Type bt{ir::Kind::Bool, 1};
  ir::NodeId mine = make_op(b, ir::Op::Not, bt, taken_, ir::kNone, ir::kNone, loc);
  std::vector<ir::NodeId> driven = run_branch(b, mine, body, loc);
  std::vector<ir::NodeId> all;
  std::set_intersection(driven_.begin(), driven_.end(), driven.begin(), driven.end(),
                        std::back_inserter(all));
  // The chain is exhaustive: what every branch drives is driven in the enclosing scope.
  for (ir::NodeId sink : all) {
    b.connects.push_back({sink, ir::kNone, b.cond, loc});
    if (!b.branch_driven.empty()) {
      b.branch_driven.back().push_back(sink);
    }
  }
  driven_.clear();
}

void assert_(const Operand &cond, std::string_view message) {
  Builder &b = current(cond.loc());
  ir::NodeId c = cond_node(b, cond, "assert_");
  b.mod->assertions.push_back({c, b.cond, std::string(message), cond.loc(), b.domain});
}

void with_clock_domain(const Signal &clock, const Signal &reset, const std::function<void()> &body,
                       SrcLoc loc) {
  Builder &b = current(loc);
  auto bool_node = [&](const Signal &s, const char *what) {
    owner_of(s, what, loc);
    if (s.width() != 1 || s.is_signed()) {
      throw Error(fmt::format("with_clock_domain: the {} must be a Bool, got {}", what,
                              ir::to_string(s.type())),
                  loc);
    }
    return s.node();
  };
  ir::ClockDomain d;
  d.clock = bool_node(clock, "clock");
  if (reset.is_hardware() || reset.width() != 0) {
    d.reset = bool_node(reset, "reset");
  }
  auto index = static_cast<std::uint32_t>(b.mod->domains.size());
  b.mod->domains.push_back(d);
  std::uint32_t saved = b.domain;
  b.domain = index;
  body();
  b.domain = saved;
}

Mem::Mem(unsigned depth, const Signal &type, std::string_view name, SrcLoc loc) : depth_(depth) {
  Builder &b = current(loc);
  check_type_template(type, "Mem", loc);
  if (depth < 2) {
    throw Error(fmt::format("Mem needs a depth of at least 2, got {}", depth), loc);
  }
  owner_ = b.serial;
  index_ = static_cast<std::uint32_t>(b.mod->memories.size());
  b.mod->memories.push_back({intern(name.empty() ? std::string_view("mem") : name),
                             type.type(),
                             depth,
                             {},
                             loc,
                             b.domain});
}

unsigned Mem::addr_width() const {
  return static_cast<unsigned>(std::max<int>(1, static_cast<int>(std::bit_width(depth_ - 1u))));
}

namespace {
Builder &mem_builder(std::uint32_t owner, const SrcLoc &loc) {
  Builder &b = current(loc);
  if (b.serial != owner) {
    throw Error(fmt::format("this Mem belongs to module '{}' but is used in module '{}'",
                            g_ctx->serial_names[owner], b.mod->name),
                loc);
  }
  return b;
}

ir::NodeId mem_addr(Builder &b, const Operand &addr, unsigned aw) {
  return adapt(b, addr, ir::Type{ir::Kind::UInt, aw}, "a memory address", addr.loc());
}

ir::NodeId read_node(Builder &b, std::uint32_t mem, std::uint32_t port, const SrcLoc &loc) {
  ir::Node n;
  n.op = ir::Op::MemRead;
  n.type = b.mod->memories[mem].type;
  n.p0 = mem;
  n.p1 = port;
  n.loc = loc;
  return b.add(n);
}
} // namespace

Signal Mem::read(const Operand &addr, const Operand &en) {
  Builder &b = mem_builder(owner_, addr.loc());
  ir::MemPort p;
  p.loc = addr.loc();
  p.addr = mem_addr(b, addr, addr_width());
  p.en = and_enclosing(b, cond_node(b, en, "Mem::read enable"), addr.loc());
  auto port = static_cast<std::uint32_t>(b.mod->memories[index_].ports.size());
  p.rdata = read_node(b, index_, port, addr.loc());
  b.mod->memories[index_].ports.push_back(p);
  return b.sig(p.rdata);
}

void Mem::write(const Operand &addr, const Operand &data, const Operand &en) {
  Builder &b = mem_builder(owner_, addr.loc());
  ir::MemPort p;
  p.loc = addr.loc();
  p.addr = mem_addr(b, addr, addr_width());
  p.wdata = adapt(b, data, b.mod->memories[index_].type, "memory write data", data.loc());
  p.wen = and_enclosing(b, cond_node(b, en, "Mem::write enable"), addr.loc());
  b.mod->memories[index_].ports.push_back(p);
}

Signal Mem::readwrite(const Operand &addr, const Operand &wdata, const Operand &wen,
                      const Operand &en) {
  Builder &b = mem_builder(owner_, addr.loc());
  ir::MemPort p;
  p.loc = addr.loc();
  p.addr = mem_addr(b, addr, addr_width());
  p.wdata = adapt(b, wdata, b.mod->memories[index_].type, "memory write data", wdata.loc());
  p.en = and_enclosing(b, cond_node(b, en, "Mem::readwrite enable"), addr.loc());
  p.wen = cond_node(b, wen, "Mem::readwrite write enable");
  auto port = static_cast<std::uint32_t>(b.mod->memories[index_].ports.size());
  p.rdata = read_node(b, index_, port, addr.loc());
  b.mod->memories[index_].ports.push_back(p);
  return b.sig(p.rdata);
}

void extern_module(ir::ExternInfo info, SrcLoc loc) {
  Builder &b = current(loc);
  b.mod->is_extern = true;
  b.mod->extern_info = std::move(info);
}

Signal Instance::port(std::string_view name, SrcLoc loc) const {
  Builder &b = current(loc);
  if (b.serial != owner_) {
    throw Error(fmt::format("instance belongs to module '{}' but is used in module '{}'",
                            g_ctx->serial_names[owner_], b.mod->name),
                loc);
  }
  const ir::Instance &inst = b.mod->instances[index_];
  const auto &ports = g_ctx->port_maps[inst.module];
  auto it = ports.find(std::string(name));
  if (it == ports.end()) {
    std::string valid;
    for (const auto &p : g_ctx->design->modules[inst.module]->ports) {
      valid += (valid.empty() ? "" : ", ") + g_ctx->design->str(p.name);
    }
    throw Error(fmt::format("module '{}' has no port '{}'; its ports are: {}",
                            g_ctx->design->modules[inst.module]->name, name, valid),
                loc);
  }
  return b.sig(inst.port_nodes[it->second]);
}

const std::string &Instance::module_name() const {
  Builder &b = current(SrcLoc::current());
  return g_ctx->design->modules[b.mod->instances[index_].module]->name;
}

namespace detail {

std::optional<std::uint32_t> cached_module(const std::type_info &type, const std::string &name) {
  Context &ctx = context(SrcLoc::current());
  auto it = ctx.cache.find(key_of(type, name));
  if (it == ctx.cache.end()) {
    return std::nullopt;
  }
  return it->second;
}

void begin_module(const std::string &name, SrcLoc loc) {
  Context &ctx = context(loc);
  if (name.empty()) {
    throw Error("a module generator's name() returned an empty string", loc);
  }
  auto b = std::make_unique<Builder>();
  b->serial = static_cast<std::uint32_t>(ctx.serial_names.size());
  ctx.serial_names.push_back(name);
  b->mod = std::make_unique<ir::Module>();
  b->mod->name = name;
  b->mod->loc = loc;
  ctx.stack.push_back(std::move(b));
}

std::uint32_t end_module(const std::type_info *cache_type) {
  Context &ctx = *g_ctx;
  Builder &b = *ctx.stack.back();
  finalize(ctx, b);
  auto index = static_cast<std::uint32_t>(ctx.design->modules.size());
  std::unordered_map<std::string, std::uint32_t> ports;
  for (std::uint32_t i = 0; i < b.mod->ports.size(); ++i) {
    ports.emplace(ctx.design->str(b.mod->ports[i].name), i);
  }
  ctx.port_maps.push_back(std::move(ports));
  if (cache_type) {
    ctx.cache.emplace(key_of(*cache_type, b.mod->name), index);
  }
  ctx.design->modules.push_back(std::move(b.mod));
  ctx.stack.pop_back();
  return index;
}

void abort_module() {
  if (g_ctx && !g_ctx->stack.empty()) {
    g_ctx->stack.pop_back();
  }
}

Instance make_instance(std::string_view inst_name, std::uint32_t module, SrcLoc loc) {
  Builder &b = current(loc);
  const ir::Module &child = *g_ctx->design->modules[module];
  ir::Instance inst;
  inst.name = intern(inst_name.empty() ? std::string_view(child.name) : inst_name);
  inst.module = module;
  inst.loc = loc;
  inst.domain = b.domain;
  if (b.domain != 0 && child.uses_reset && b.mod->domains[b.domain].reset == ir::kNone) {
    throw Error(fmt::format("module '{}' uses a reset, but the clock domain it is instantiated "
                            "in has none; give with_clock_domain() a reset signal",
                            child.name),
                loc);
  }
  auto index = static_cast<std::uint32_t>(b.mod->instances.size());
  inst.port_nodes.reserve(child.ports.size());
  for (std::uint32_t i = 0; i < child.ports.size(); ++i) {
    ir::Node n;
    n.op = child.ports[i].dir == ir::Dir::In ? ir::Op::InstIn : ir::Op::InstOut;
    n.type = child.ports[i].type;
    n.p0 = index;
    n.p1 = i;
    n.loc = loc;
    inst.port_nodes.push_back(b.add(n));
  }
  b.mod->instances.push_back(std::move(inst));
  return Instance(b.serial, index);
}

DesignScope::DesignScope() : previous_(g_ctx), context_(new Context) {
  g_ctx = static_cast<Context *>(context_);
}

DesignScope::~DesignScope() {
  delete static_cast<Context *>(context_);
  g_ctx = static_cast<Context *>(previous_);
}

Design DesignScope::finish(std::uint32_t top) {
  Context &ctx = *static_cast<Context *>(context_);
  dedupe_and_name(*ctx.design, top);
  ctx.design->top = top;
  return std::move(*ctx.design);
}

} // namespace detail
} // namespace hcl
