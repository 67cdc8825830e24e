// Hardware values and the operations on them.
//
// A Signal is a cheap handle (16 bytes) to one value of the module being elaborated. Its type
// is Bool, UInt(w) or SInt(w) with a runtime width. `UInt(8)`, `SInt(16)` and `Bool()` without
// hardware behind them are *type templates*, passed to Input/Output/Wire/Reg (module.h).
//
// Width rule (docs/hcl.md has the full table): results never overflow.
//   a + b, a - b   max(wa, wb) + 1       (UInt - UInt is SInt: the difference can be negative)
//   a * b          wa + wb
//   add_wrap/sub_wrap/mul_wrap           max(wa, wb), wrapping; explicit by name
//   & | ^, Mux     max(wa, wb)           compares -> Bool
//   a << n         wa + n                a >> n -> max(wa - n, 1)
//   -a (SInt)      wa + 1
// Mixing SInt and UInt is an error; convert explicitly with as_sint()/to_sint()/as_uint().
// Integer literals adapt: `x + 1` uses the smallest literal of x's signedness that holds 1.
//
// Every operation takes the caller's std::source_location through a defaulted argument (or
// through Operand), so errors and `// @[file:line]` comments point at the user's code.
#pragma once

#include <hcl/ir.h>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <source_location>
#include <string_view>
#include <vector>

namespace hcl {

using SrcLoc = std::source_location;

class Operand;

class Signal {
public:
  Signal() = default;

  ir::Type type() const { return type_; }
  unsigned width() const { return type_.width; }
  bool is_signed() const { return type_.kind == ir::Kind::SInt; }
  bool is_bool() const { return type_.kind == ir::Kind::Bool; }
  // False for type templates such as UInt(8).
  bool is_hardware() const { return node_ != ir::kNone; }

  // Gives this value a name that is kept exactly in the Verilog (legalized only if it is a
  // keyword or taken). Returns *this for chaining: `auto sum = (a + b).named("sum");`
  Signal named(std::string_view name, SrcLoc loc = SrcLoc::current()) const;

  // Bit extraction. bits(hi, lo) is UInt(hi - lo + 1); bit(i) and x[i] are Bool.
  Signal bits(unsigned hi, unsigned lo, SrcLoc loc = SrcLoc::current()) const;
  Signal bit(unsigned i, SrcLoc loc = SrcLoc::current()) const;
  Signal operator[](const Operand &i) const;
  Signal msb(SrcLoc loc = SrcLoc::current()) const;

  // Width changes. trunc keeps the low bits (w <= width); zext/sext extend (w >= width, zext
  // for UInt, sext for SInt); pad extends by signedness; resize does either.
  Signal trunc(unsigned w, SrcLoc loc = SrcLoc::current()) const;
  Signal zext(unsigned w, SrcLoc loc = SrcLoc::current()) const;
  Signal sext(unsigned w, SrcLoc loc = SrcLoc::current()) const;
  Signal pad(unsigned w, SrcLoc loc = SrcLoc::current()) const;
  Signal resize(unsigned w, SrcLoc loc = SrcLoc::current()) const;

  // Reinterpretations (same bits) and the value-preserving UInt(w) -> SInt(w + 1).
  Signal as_uint(SrcLoc loc = SrcLoc::current()) const;
  Signal as_sint(SrcLoc loc = SrcLoc::current()) const;
  Signal as_bool(SrcLoc loc = SrcLoc::current()) const;
  Signal to_sint(SrcLoc loc = SrcLoc::current()) const;

  // Wrapping arithmetic: result width max(wa, wb), same signedness as the operands.
  Signal add_wrap(const Operand &b) const;
  Signal sub_wrap(const Operand &b) const;
  Signal mul_wrap(const Operand &b) const;

  Signal and_r(SrcLoc loc = SrcLoc::current()) const;
  Signal or_r(SrcLoc loc = SrcLoc::current()) const;
  Signal xor_r(SrcLoc loc = SrcLoc::current()) const;

  // Connect (last connect wins; inside when() blocks the connect is conditional). The target
  // must be a Wire, Reg, Output or an instance input. A wider source is an error: narrow it
  // explicitly with .trunc(w) or .resize(w). A narrower source is extended by signedness.
  void operator<<=(const Operand &src) const;

  // Internal: the node behind this handle.
  std::uint32_t owner() const { return owner_; }
  ir::NodeId node() const { return node_; }
  static Signal make(std::uint32_t owner, ir::NodeId node, ir::Type type) {
    Signal s;
    s.owner_ = owner;
    s.node_ = node;
    s.type_ = type;
    return s;
  }

protected:
  explicit Signal(ir::Type t) : type_(t) {}

private:
  std::uint32_t owner_ = 0;
  ir::NodeId node_ = ir::kNone;
  ir::Type type_{ir::Kind::UInt, 0};
};

// Either a Signal or an integer literal, together with the location of the user's expression.
// Every binary operator takes Operands, which is how `a + 1` and `1 + a` work and how the
// location of an operator call reaches the library without a macro.
class Operand {
public:
  Operand(const Signal &s, SrcLoc loc = SrcLoc::current()) : sig_(s), literal_(false), loc_(loc) {}
  template <std::integral I>
  requires(!std::same_as<I, bool>) Operand(I value, SrcLoc loc = SrcLoc::current())
      : value_(static_cast<std::int64_t>(value)), loc_(loc) {}
  Operand(bool value, SrcLoc loc = SrcLoc::current())
      : value_(value ? 1 : 0), is_bool_(true), loc_(loc) {}

  bool is_literal() const { return literal_; }
  bool is_bool_literal() const { return is_bool_; }
  const Signal &signal() const { return sig_; }
  std::int64_t value() const { return value_; }
  const SrcLoc &loc() const { return loc_; }

private:
  Signal sig_;
  bool literal_ = true;
  std::int64_t value_ = 0;
  bool is_bool_ = false;
  SrcLoc loc_;
};

// Typed handles: constructing one from a Signal checks the kind (at the user's line).
class UInt : public Signal {
public:
  UInt() : Signal(ir::Type{ir::Kind::UInt, 0}) {}
  explicit UInt(int width, SrcLoc loc = SrcLoc::current());
  UInt(const Signal &s, SrcLoc loc = SrcLoc::current());
  static UInt lit(std::uint64_t value, int width, SrcLoc loc = SrcLoc::current());
};

class SInt : public Signal {
public:
  SInt() : Signal(ir::Type{ir::Kind::SInt, 0}) {}
  explicit SInt(int width, SrcLoc loc = SrcLoc::current());
  SInt(const Signal &s, SrcLoc loc = SrcLoc::current());
  static SInt lit(std::int64_t value, int width, SrcLoc loc = SrcLoc::current());
};

class Bool : public Signal {
public:
  Bool() : Signal(ir::Type{ir::Kind::Bool, 1}) {}
  Bool(const Signal &s, SrcLoc loc = SrcLoc::current());
  static Bool lit(bool value, SrcLoc loc = SrcLoc::current());
};

Signal operator+(const Operand &a, const Operand &b);
Signal operator-(const Operand &a, const Operand &b);
Signal operator*(const Operand &a, const Operand &b);
Signal operator&(const Operand &a, const Operand &b);
Signal operator|(const Operand &a, const Operand &b);
Signal operator^(const Operand &a, const Operand &b);
Signal operator&&(const Operand &a, const Operand &b);
Signal operator||(const Operand &a, const Operand &b);
Signal operator==(const Operand &a, const Operand &b);
Signal operator!=(const Operand &a, const Operand &b);
Signal operator<(const Operand &a, const Operand &b);
Signal operator<=(const Operand &a, const Operand &b);
Signal operator>(const Operand &a, const Operand &b);
Signal operator>=(const Operand &a, const Operand &b);
// With an integer on the right the shift is static; with a Signal it is a dynamic shift
// (left: width wa + 2^wb - 1; right: width wa, arithmetic for SInt).
Signal operator<<(const Operand &a, const Operand &b);
Signal operator>>(const Operand &a, const Operand &b);
Signal operator-(const Operand &a);
Signal operator~(const Operand &a);
Signal operator!(const Operand &a);

// cond ? a : b. The condition is a Bool (or UInt(1)); a and b share signedness.
Signal Mux(const Operand &cond, const Operand &a, const Operand &b);
// Concatenation, first element in the most significant bits. Result UInt(sum of widths).
Signal Cat(std::initializer_list<Signal> parts, SrcLoc loc = SrcLoc::current());
Signal Cat(const std::vector<Signal> &parts, SrcLoc loc = SrcLoc::current());
// `n` copies of x concatenated.
Signal Fill(unsigned n, const Signal &x, SrcLoc loc = SrcLoc::current());

} // namespace hcl
