// Operations on signals and the width rule (see signal.h and docs/hcl.md).
#include "builder.h"

#include <hcl/module.h>
#include <hcl/signal.h>

#include <fmt/core.h>

#include <algorithm>

namespace hcl::detail {

namespace {
// Value of bit i of a constant of type t holding `v` (sign-extended for SInt beyond bit 63).
bool const_bit(std::int64_t v, std::uint32_t i) {
  if (i >= 64) {
    return v < 0;
  }
  return (static_cast<std::uint64_t>(v) >> i) & 1u;
}

// Canonical immediate of a constant: the bits of `v` in width w, read back by signedness.
std::int64_t canonical(ir::Type t, std::int64_t v) {
  if (t.width >= 64) {
    return v;
  }
  auto u = static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << t.width) - 1);
  if (t.kind == ir::Kind::SInt && ((u >> (t.width - 1)) & 1u)) {
    u |= ~((std::uint64_t{1} << t.width) - 1);
  }
  return static_cast<std::int64_t>(u);
}
} // namespace

ir::NodeId make_const(Builder &b, ir::Type t, std::int64_t value, const SrcLoc &loc) {
  ir::Node n;
  n.op = ir::Op::Const;
  n.type = t;
  n.imm = canonical(t, value);
  n.loc = loc;
  return b.add_pure(n);
}

ir::NodeId make_op(Builder &b, ir::Op op, ir::Type t, ir::NodeId a, ir::NodeId c1, ir::NodeId c2,
                   const SrcLoc &loc) {
  ir::Node n;
  n.op = op;
  n.type = t;
  n.a = a;
  n.b = c1;
  n.c = c2;
  n.loc = loc;
  return b.add_pure(n);
}

ir::NodeId extend(Builder &b, ir::NodeId id, std::uint32_t w, const SrcLoc &loc) {
  const ir::Node n = b.node(id);
  if (n.type.width == w) {
    return id;
  }
  bool s = n.type.kind == ir::Kind::SInt;
  ir::Type t{s ? ir::Kind::SInt : ir::Kind::UInt, w};
  if (n.op == ir::Op::Const) {
    return make_const(b, t, n.imm, loc);
  }
  return make_op(b, s ? ir::Op::Sext : ir::Op::Zext, t, id, ir::kNone, ir::kNone, loc);
}

ir::NodeId make_bits(Builder &b, ir::NodeId a, std::uint32_t hi, std::uint32_t lo,
                     const SrcLoc &loc) {
  const ir::Node n = b.node(a);
  ir::Type t{ir::Kind::UInt, hi - lo + 1};
  if (n.op == ir::Op::Const) {
    std::uint64_t v = 0;
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(t.width, 64); ++i) {
      v |= std::uint64_t{const_bit(n.imm, lo + i)} << i;
    }
    if (t.width > 64 && n.imm < 0) {
      throw Error("bit extraction wider than 64 bits of a negative constant is not supported", loc);
    }
    return make_const(b, t, static_cast<std::int64_t>(v), loc);
  }
  if (lo == 0 && hi + 1 == n.type.width && n.type.kind != ir::Kind::SInt) {
    return a;
  }
  ir::Node m;
  m.op = ir::Op::Bits;
  m.type = t;
  m.a = a;
  m.p0 = hi;
  m.p1 = lo;
  m.loc = loc;
  return b.add_pure(m);
}

} // namespace hcl::detail

namespace hcl {

using namespace detail;

namespace {

constexpr ir::Type kBool{ir::Kind::Bool, 1};

ir::Kind numeric(ir::Type t) { return t.kind == ir::Kind::SInt ? ir::Kind::SInt : ir::Kind::UInt; }

struct Pair {
  Builder *b;
  ir::NodeId a, c;
  ir::Type ta, tc;
};

// Resolves both operands; a literal adopts the signedness of the other side. Mixed signedness
// is an error naming both sides.
Pair operands(const Operand &x, const Operand &y, const char *op) {
  const SrcLoc &loc = x.is_literal() ? y.loc() : x.loc();
  Builder &b = current(loc);
  if (x.is_literal() && y.is_literal()) {
    throw Error(fmt::format("'{}' needs at least one hardware operand, got two literals", op), loc);
  }
  ir::Type hint = x.is_literal() ? y.signal().type() : x.signal().type();
  ir::NodeId a = operand_node(b, x, hint);
  ir::NodeId c = operand_node(b, y, hint);
  ir::Type ta = b.node(a).type, tc = b.node(c).type;
  if (numeric(ta) != numeric(tc)) {
    auto &d = *context(loc).design;
    throw Error(fmt::format("'{}' mixes {} '{}' and {} '{}'; convert explicitly with "
                            ".as_sint()/.to_sint() or .as_uint()",
                            op, ir::to_string(ta), describe(d, *b.mod, a), ir::to_string(tc),
                            describe(d, *b.mod, c)),
                loc);
  }
  return {&b, a, c, ta, tc};
}

const SrcLoc &loc_of(const Operand &x, const Operand &y) {
  return x.is_literal() ? y.loc() : x.loc();
}

Signal arith(const Operand &x, const Operand &y, ir::Op op, const char *sym, bool wrap) {
  Pair p = operands(x, y, sym);
  const SrcLoc &loc = loc_of(x, y);
  std::uint32_t w = std::max(p.ta.width, p.tc.width);
  ir::Kind k = numeric(p.ta);
  if (op == ir::Op::Mul && !wrap) {
    w = p.ta.width + p.tc.width;
  } else if (!wrap) {
    w += 1;
  }
  if (op == ir::Op::Sub && !wrap) {
    k = ir::Kind::SInt;
  }
  ir::Type t{k, w};
  // Operands are extended to the result width by their own signedness; the low w bits of the
  // operation are then exact.
  ir::NodeId a = extend(*p.b, p.a, w, loc);
  ir::NodeId c = extend(*p.b, p.c, w, loc);
  if (k == ir::Kind::SInt && numeric(p.ta) == ir::Kind::UInt) {
    // UInt - UInt: reinterpret the zero-extended operands as SInt of the result width.
    a = make_op(*p.b, ir::Op::AsSInt, t, a, ir::kNone, ir::kNone, loc);
    c = make_op(*p.b, ir::Op::AsSInt, t, c, ir::kNone, ir::kNone, loc);
  }
  return p.b->sig(make_op(*p.b, op, t, a, c, ir::kNone, loc));
}

Signal bitwise(const Operand &x, const Operand &y, ir::Op op, const char *sym) {
  Pair p = operands(x, y, sym);
  const SrcLoc &loc = loc_of(x, y);
  std::uint32_t w = std::max(p.ta.width, p.tc.width);
  ir::Type t{numeric(p.ta), w};
  if (p.ta.kind == ir::Kind::Bool && p.tc.kind == ir::Kind::Bool) {
    t = kBool;
  }
  ir::NodeId a = extend(*p.b, p.a, w, loc);
  ir::NodeId c = extend(*p.b, p.c, w, loc);
  return p.b->sig(make_op(*p.b, op, t, a, c, ir::kNone, loc));
}

Signal logical(const Operand &x, const Operand &y, ir::Op op, const char *sym) {
  Pair p = operands(x, y, sym);
  if (p.ta.width != 1 || p.tc.width != 1 || numeric(p.ta) == ir::Kind::SInt) {
    throw Error(fmt::format("'{}' needs Bool operands, got {} and {}; compare multi-bit values "
                            "explicitly (x != 0)",
                            sym, ir::to_string(p.ta), ir::to_string(p.tc)),
                loc_of(x, y));
  }
  return p.b->sig(make_op(*p.b, op, kBool, p.a, p.c, ir::kNone, loc_of(x, y)));
}

Signal compare(const Operand &x, const Operand &y, ir::Op op, const char *sym) {
  Pair p = operands(x, y, sym);
  const SrcLoc &loc = loc_of(x, y);
  std::uint32_t w = std::max(p.ta.width, p.tc.width);
  ir::NodeId a = extend(*p.b, p.a, w, loc);
  ir::NodeId c = extend(*p.b, p.c, w, loc);
  return p.b->sig(make_op(*p.b, op, kBool, a, c, ir::kNone, loc));
}

Builder &self(const Signal &s, const char *what, const SrcLoc &loc) {
  return owner_of(s, what, loc);
}

Signal unary(const Signal &s, ir::Op op, ir::Type t, const SrcLoc &loc) {
  Builder &b = self(s, ir::op_name(op).data(), loc);
  const ir::Node n = b.node(s.node());
  if (n.op == ir::Op::Const && (op == ir::Op::AsUInt || op == ir::Op::AsSInt)) {
    return b.sig(make_const(b, t, n.imm, loc));
  }
  return b.sig(make_op(b, op, t, s.node(), ir::kNone, ir::kNone, loc));
}

} // namespace

Signal Signal::named(std::string_view name, SrcLoc loc) const {
  Builder &b = self(*this, "named", loc);
  if (name.empty()) {
    throw Error("named() needs a non-empty name", loc);
  }
  ir::Node &n = b.mod->nodes[node()];
  ir::NodeId target = node();
  // Constants, ports and already-named values get a named wire of their own.
  if (n.op == ir::Op::Const || n.op == ir::Op::Input || n.op == ir::Op::Output ||
      n.name != ir::kNoName || n.op == ir::Op::InstOut || n.op == ir::Op::InstIn) {
    Signal w = Wire(*this, name, loc);
    w <<= Operand(*this, loc);
    return w;
  }
  b.mod->nodes[target].name = context(loc).design->strings.intern(name);
  b.mod->nodes[target].loc = loc;
  return *this;
}

Signal Signal::bits(unsigned hi, unsigned lo, SrcLoc loc) const {
  Builder &b = self(*this, "bits", loc);
  if (hi < lo || hi >= width()) {
    throw Error(fmt::format("bits({}, {}) is out of range for a {}-bit value; valid bits are "
                            "{}..0 with hi >= lo",
                            hi, lo, width(), width() - 1),
                loc);
  }
  return b.sig(make_bits(b, node(), hi, lo, loc));
}

Signal Signal::bit(unsigned i, SrcLoc loc) const {
  Builder &b = self(*this, "bit", loc);
  if (i >= width()) {
    throw Error(fmt::format("bit({}) is out of range for a {}-bit value; valid bits are {}..0", i,
                            width(), width() - 1),
                loc);
  }
  if (is_bool()) {
    return *this;
  }
  const ir::Node n = b.node(node());
  if (width() == 1 && n.op != ir::Op::Const) {
    return b.sig(make_op(b, ir::Op::AsUInt, kBool, node(), ir::kNone, ir::kNone, loc));
  }
  if (n.op == ir::Op::Const) {
    return b.sig(make_const(b, kBool, (n.imm >> std::min<unsigned>(i, 63)) & 1, loc));
  }
  ir::Node m;
  m.op = ir::Op::Bits;
  m.type = kBool;
  m.a = node();
  m.p0 = i;
  m.p1 = i;
  m.loc = loc;
  return b.sig(b.add_pure(m));
}

Signal Signal::operator[](const Operand &i) const {
  if (!i.is_literal()) {
    return ((*this) >> i).bit(0, i.loc());
  }
  if (i.value() < 0) {
    throw Error(fmt::format("bit index {} is negative", i.value()), i.loc());
  }
  return bit(static_cast<unsigned>(i.value()), i.loc());
}

Signal Signal::msb(SrcLoc loc) const { return bit(width() - 1, loc); }

Signal Signal::trunc(unsigned w, SrcLoc loc) const {
  self(*this, "trunc", loc);
  if (w == 0 || w > width()) {
    throw Error(fmt::format("trunc({}) of a {}-bit value: the width must be in 1..{} (use "
                            ".pad()/.resize() to widen)",
                            w, width(), width()),
                loc);
  }
  Signal s = bits(w - 1, 0, loc);
  return is_signed() ? s.as_sint(loc) : s;
}

Signal Signal::zext(unsigned w, SrcLoc loc) const {
  Builder &b = self(*this, "zext", loc);
  if (is_signed()) {
    throw Error("zext() of an SInt: use .as_uint().zext(w) to zero-extend the bits, or "
                ".sext(w)",
                loc);
  }
  if (w < width()) {
    throw Error(
        fmt::format("zext({}) of a {}-bit value would narrow it; use .trunc({})", w, width(), w),
        loc);
  }
  return b.sig(extend(b, node(), w, loc));
}

Signal Signal::sext(unsigned w, SrcLoc loc) const {
  Builder &b = self(*this, "sext", loc);
  if (!is_signed()) {
    throw Error("sext() of a UInt: use .as_sint().sext(w) to sign-extend the bits, or .zext(w)",
                loc);
  }
  if (w < width()) {
    throw Error(
        fmt::format("sext({}) of a {}-bit value would narrow it; use .trunc({})", w, width(), w),
        loc);
  }
  return b.sig(extend(b, node(), w, loc));
}

Signal Signal::pad(unsigned w, SrcLoc loc) const {
  Builder &b = self(*this, "pad", loc);
  if (w <= width()) {
    return *this;
  }
  return b.sig(extend(b, node(), w, loc));
}

Signal Signal::resize(unsigned w, SrcLoc loc) const {
  if (w < width()) {
    return trunc(w, loc);
  }
  return pad(w, loc);
}

Signal Signal::as_uint(SrcLoc loc) const {
  if (!is_signed()) {
    self(*this, "as_uint", loc);
    return *this;
  }
  return unary(*this, ir::Op::AsUInt, ir::Type{ir::Kind::UInt, width()}, loc);
}

Signal Signal::as_sint(SrcLoc loc) const {
  if (is_signed()) {
    self(*this, "as_sint", loc);
    return *this;
  }
  return unary(*this, ir::Op::AsSInt, ir::Type{ir::Kind::SInt, width()}, loc);
}

Signal Signal::as_bool(SrcLoc loc) const {
  if (width() != 1) {
    throw Error(fmt::format("as_bool() needs a 1-bit value, got {}; compare explicitly "
                            "(x != 0) or use .or_r()",
                            ir::to_string(type())),
                loc);
  }
  if (is_bool()) {
    self(*this, "as_bool", loc);
    return *this;
  }
  return unary(*this, ir::Op::AsUInt, kBool, loc);
}

Signal Signal::to_sint(SrcLoc loc) const {
  if (is_signed()) {
    self(*this, "to_sint", loc);
    return *this;
  }
  return zext(width() + 1, loc).as_sint(loc);
}

Signal Signal::add_wrap(const Operand &b) const {
  return arith(Operand(*this, b.loc()), b, ir::Op::Add, "add_wrap", true);
}
Signal Signal::sub_wrap(const Operand &b) const {
  return arith(Operand(*this, b.loc()), b, ir::Op::Sub, "sub_wrap", true);
}
Signal Signal::mul_wrap(const Operand &b) const {
  return arith(Operand(*this, b.loc()), b, ir::Op::Mul, "mul_wrap", true);
}

Signal Signal::and_r(SrcLoc loc) const { return unary(*this, ir::Op::AndR, kBool, loc); }
Signal Signal::or_r(SrcLoc loc) const { return unary(*this, ir::Op::OrR, kBool, loc); }
Signal Signal::xor_r(SrcLoc loc) const { return unary(*this, ir::Op::XorR, kBool, loc); }

UInt::UInt(int width, SrcLoc loc) : Signal(ir::Type{ir::Kind::UInt, 0}) {
  if (width < 1) {
    throw Error(fmt::format("UInt({}): a width must be at least 1", width), loc);
  }
  *static_cast<Signal *>(this) =
      Signal::make(0, ir::kNone, ir::Type{ir::Kind::UInt, static_cast<unsigned>(width)});
}

UInt::UInt(const Signal &s, SrcLoc loc) : Signal(s) {
  if (s.is_signed()) {
    throw Error(fmt::format("an {} is not a UInt; convert it explicitly with .as_uint()",
                            ir::to_string(s.type())),
                loc);
  }
}

UInt UInt::lit(std::uint64_t value, int width, SrcLoc loc) {
  if (width < 1 || (width < 64 && value >> width)) {
    throw Error(fmt::format("UInt::lit({}, {}): the value does not fit in the width", value, width),
                loc);
  }
  Builder &b = current(loc);
  return UInt(b.sig(make_const(b, ir::Type{ir::Kind::UInt, static_cast<unsigned>(width)},
                               static_cast<std::int64_t>(value), loc)),
              loc);
}

SInt::SInt(int width, SrcLoc loc) : Signal(ir::Type{ir::Kind::SInt, 0}) {
  if (width < 1) {
    throw Error(fmt::format("SInt({}): a width must be at least 1", width), loc);
  }
  *static_cast<Signal *>(this) =
      Signal::make(0, ir::kNone, ir::Type{ir::Kind::SInt, static_cast<unsigned>(width)});
}

SInt::SInt(const Signal &s, SrcLoc loc) : Signal(s) {
  if (!s.is_signed()) {
    throw Error(fmt::format("an {} is not an SInt; convert it explicitly with .to_sint() "
                            "(value-preserving) or .as_sint() (same bits)",
                            ir::to_string(s.type())),
                loc);
  }
}

SInt SInt::lit(std::int64_t value, int width, SrcLoc loc) {
  bool fits = width >= 64 || (width >= 1 && value >= -(std::int64_t{1} << (width - 1)) &&
                              value < (std::int64_t{1} << (width - 1)));
  if (!fits) {
    throw Error(fmt::format("SInt::lit({}, {}): the value does not fit in the width", value, width),
                loc);
  }
  Builder &b = current(loc);
  return SInt(
      b.sig(make_const(b, ir::Type{ir::Kind::SInt, static_cast<unsigned>(width)}, value, loc)),
      loc);
}

Bool::Bool(const Signal &s, SrcLoc loc) : Signal(s) {
  if (s.width() != 1 || s.is_signed()) {
    throw Error(fmt::format("an {} is not a Bool; compare it explicitly (x != 0) or take a bit "
                            "with .bit(i)",
                            ir::to_string(s.type())),
                loc);
  }
}

Bool Bool::lit(bool value, SrcLoc loc) {
  Builder &b = current(loc);
  return Bool(b.sig(make_const(b, kBool, value ? 1 : 0, loc)), loc);
}

Signal operator+(const Operand &a, const Operand &b) {
  return arith(a, b, ir::Op::Add, "+", false);
}
Signal operator-(const Operand &a, const Operand &b) {
  return arith(a, b, ir::Op::Sub, "-", false);
}
Signal operator*(const Operand &a, const Operand &b) {
  return arith(a, b, ir::Op::Mul, "*", false);
}
Signal operator&(const Operand &a, const Operand &b) { return bitwise(a, b, ir::Op::And, "&"); }
Signal operator|(const Operand &a, const Operand &b) { return bitwise(a, b, ir::Op::Or, "|"); }
Signal operator^(const Operand &a, const Operand &b) { return bitwise(a, b, ir::Op::Xor, "^"); }
Signal operator&&(const Operand &a, const Operand &b) { return logical(a, b, ir::Op::And, "&&"); }
Signal operator||(const Operand &a, const Operand &b) { return logical(a, b, ir::Op::Or, "||"); }
Signal operator==(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Eq, "=="); }
Signal operator!=(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Ne, "!="); }
Signal operator<(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Lt, "<"); }
Signal operator<=(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Le, "<="); }
Signal operator>(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Gt, ">"); }
Signal operator>=(const Operand &a, const Operand &b) { return compare(a, b, ir::Op::Ge, ">="); }

Signal operator<<(const Operand &x, const Operand &n) {
  if (x.is_literal()) {
    throw Error("'<<' needs a hardware value on the left", x.loc());
  }
  const Signal &s = x.signal();
  Builder &b = self(s, "<<", x.loc());
  if (n.is_literal()) {
    if (n.value() < 0 || n.value() > 4096) {
      throw Error(fmt::format("shift amount {} must be in 0..4096", n.value()), n.loc());
    }
    auto k = static_cast<std::uint32_t>(n.value());
    if (k == 0) {
      return s;
    }
    ir::Type t{numeric(s.type()), s.width() + k};
    ir::Node m;
    m.op = ir::Op::Shl;
    m.type = t;
    m.a = s.node();
    m.p0 = k;
    m.loc = x.loc();
    return b.sig(b.add_pure(m));
  }
  ir::NodeId amt = operand_node(b, n, ir::Type{ir::Kind::UInt, 1});
  ir::Type at = b.node(amt).type;
  if (at.kind == ir::Kind::SInt || at.width > 12) {
    throw Error(fmt::format("a dynamic shift amount must be a UInt of at most 12 bits, got {}",
                            ir::to_string(at)),
                n.loc());
  }
  std::uint32_t w = s.width() + (1u << at.width) - 1;
  ir::NodeId a = extend(b, s.node(), w, x.loc());
  return b.sig(
      make_op(b, ir::Op::Dshl, ir::Type{numeric(s.type()), w}, a, amt, ir::kNone, x.loc()));
}

Signal operator>>(const Operand &x, const Operand &n) {
  if (x.is_literal()) {
    throw Error("'>>' needs a hardware value on the left", x.loc());
  }
  const Signal &s = x.signal();
  Builder &b = self(s, ">>", x.loc());
  if (n.is_literal()) {
    if (n.value() < 0) {
      throw Error(fmt::format("shift amount {} must not be negative", n.value()), n.loc());
    }
    auto k = static_cast<std::uint32_t>(std::min<std::int64_t>(n.value(), s.width()));
    if (k == 0) {
      return s;
    }
    if (k >= s.width()) {
      if (s.is_signed()) {
        return s.bits(s.width() - 1, s.width() - 1, n.loc()).as_sint(n.loc());
      }
      return b.sig(make_const(b, ir::Type{ir::Kind::UInt, 1}, 0, n.loc()));
    }
    Signal r = s.bits(s.width() - 1, k, n.loc());
    return s.is_signed() ? r.as_sint(n.loc()) : r;
  }
  ir::NodeId amt = operand_node(b, n, ir::Type{ir::Kind::UInt, 1});
  ir::Type at = b.node(amt).type;
  if (at.kind == ir::Kind::SInt) {
    throw Error(fmt::format("a dynamic shift amount must be a UInt, got {}", ir::to_string(at)),
                n.loc());
  }
  return b.sig(make_op(b, ir::Op::Dshr, ir::Type{numeric(s.type()), s.width()}, s.node(), amt,
                       ir::kNone, x.loc()));
}

Signal operator-(const Operand &x) {
  if (x.is_literal()) {
    throw Error("unary '-' needs a hardware value", x.loc());
  }
  const Signal &s = x.signal();
  if (!s.is_signed()) {
    throw Error(fmt::format("unary '-' of an {}: convert it first with .to_sint()",
                            ir::to_string(s.type())),
                x.loc());
  }
  Builder &b = self(s, "-", x.loc());
  std::uint32_t w = s.width() + 1;
  ir::NodeId a = extend(b, s.node(), w, x.loc());
  return b.sig(
      make_op(b, ir::Op::Neg, ir::Type{ir::Kind::SInt, w}, a, ir::kNone, ir::kNone, x.loc()));
}

Signal operator~(const Operand &x) {
  if (x.is_literal()) {
    throw Error("'~' needs a hardware value", x.loc());
  }
  return unary(x.signal(), ir::Op::Not, x.signal().type(), x.loc());
}

Signal operator!(const Operand &x) {
  if (x.is_literal()) {
    throw Error("'!' needs a hardware value", x.loc());
  }
  const Signal &s = x.signal();
  if (s.width() != 1 || s.is_signed()) {
    throw Error(fmt::format("'!' needs a Bool, got {}; use ~x for a bitwise not or x == 0",
                            ir::to_string(s.type())),
                x.loc());
  }
  return unary(s, ir::Op::Not, kBool, x.loc());
}

Signal Mux(const Operand &cond, const Operand &x, const Operand &y) {
  const SrcLoc &loc = cond.loc();
  Builder &b = current(loc);
  ir::NodeId c = operand_node(b, cond, kBool);
  ir::Type ct = b.node(c).type;
  if (ct.width != 1 || ct.kind == ir::Kind::SInt) {
    throw Error(fmt::format("Mux needs a Bool condition, got {}", ir::to_string(ct)), loc);
  }
  Pair p = operands(x, y, "Mux");
  std::uint32_t w = std::max(p.ta.width, p.tc.width);
  ir::Type t{numeric(p.ta), w};
  if (p.ta.kind == ir::Kind::Bool && p.tc.kind == ir::Kind::Bool) {
    t = kBool;
  }
  ir::NodeId a = extend(b, p.a, w, loc);
  ir::NodeId e = extend(b, p.c, w, loc);
  return b.sig(make_op(b, ir::Op::Mux, t, c, a, e, loc));
}

Signal Cat(const std::vector<Signal> &parts, SrcLoc loc) {
  if (parts.empty()) {
    throw Error("Cat needs at least one part", loc);
  }
  Builder &b = current(loc);
  for (const auto &p : parts) {
    owner_of(p, "Cat", loc);
  }
  // Right-nested binary concatenations; the printer flattens them.
  ir::NodeId acc = parts.back().node();
  std::uint32_t w = parts.back().width();
  for (std::size_t i = parts.size() - 1; i-- > 0;) {
    w += parts[i].width();
    acc =
        make_op(b, ir::Op::Cat, ir::Type{ir::Kind::UInt, w}, parts[i].node(), acc, ir::kNone, loc);
  }
  if (parts.size() == 1) {
    return parts[0].as_uint(loc);
  }
  return b.sig(acc);
}

Signal Cat(std::initializer_list<Signal> parts, SrcLoc loc) {
  return Cat(std::vector<Signal>(parts), loc);
}

Signal Fill(unsigned n, const Signal &x, SrcLoc loc) {
  if (n == 0) {
    throw Error("Fill needs at least one copy", loc);
  }
  return Cat(std::vector<Signal>(n, x), loc);
}

} // namespace hcl
