// Modules: declaring IO, state, conditional logic, submodules and elaborating a design.
//
// A module generator is any C++ value with
//     std::string name() const;   // the Verilog module name; must encode the parameters
//     void body() const;          // declares IO and logic through the free functions below
// Example:
//     struct Counter {
//       int width;
//       std::string name() const { return "Counter" + std::to_string(width); }
//       void body() const {
//         auto en = hcl::Input("en", hcl::Bool());
//         auto count = hcl::Output("count", hcl::UInt(width));
//         auto r = hcl::RegInit(hcl::UInt(width), 0, "r");
//         hcl::when(en, [&] { r <<= r.add_wrap(1); });
//         count <<= r;
//       }
//     };
//     hcl::Design d = hcl::elaborate(Counter{8});
//
// Definition/instance: instance() elaborates a generator's body once per (C++ type, name())
// and reuses the definition for every further instance, so an array of 16,384 identical PEs
// runs the PE body once. Generators whose name() does not identify their parameters must set
// `static constexpr bool cacheable = false;` (they are still merged by structure afterwards).
//
// Every module has an implicit clock and an active-high synchronous reset; the ports `clock`
// and `reset` are emitted only when the module (or a submodule) uses them (`areset`, the
// asynchronous reset of RegInitAsync, likewise).
#pragma once

#include <hcl/error.h>
#include <hcl/signal.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace hcl {

// ---- IO and state -------------------------------------------------------------------------

Signal Input(std::string_view name, const Signal &type, SrcLoc loc = SrcLoc::current());
Signal Output(std::string_view name, const Signal &type, SrcLoc loc = SrcLoc::current());
// A combinational wire. Without a default it must be driven on every path.
Signal Wire(const Signal &type, std::string_view name = {}, SrcLoc loc = SrcLoc::current());
Signal WireDefault(const Signal &type, const Operand &init, std::string_view name = {},
                   SrcLoc loc = SrcLoc::current());
// A register on the implicit clock. Reg has no reset; RegInit resets to `init` when the
// synchronous `reset` input is high. RegInitAsync resets asynchronously on the separate
// implicit input `areset`: one net used as both kinds of reset is a lint error (Verilator
// SYNCASYNCNET) and a timing hazard. A register keeps its value when not assigned.
Signal Reg(const Signal &type, std::string_view name = {}, SrcLoc loc = SrcLoc::current());
Signal RegInit(const Signal &type, const Operand &init, std::string_view name = {},
               SrcLoc loc = SrcLoc::current());
Signal RegInitAsync(const Signal &type, const Operand &init, std::string_view name = {},
                    SrcLoc loc = SrcLoc::current());
// next delayed by one cycle; RegEnable loads only when `en` is true.
Signal RegNext(const Operand &next, std::string_view name = {});
Signal RegEnable(const Operand &next, const Operand &en, std::string_view name = {});

// ---- Conditional connects -----------------------------------------------------------------

// A when/elsewhen/otherwise chain. A target connected in every branch of a chain that ends
// with otherwise() counts as driven on every path (no default needed).
class WhenChain {
public:
  WhenChain &elsewhen(const Operand &cond, const std::function<void()> &body);
  void otherwise(const std::function<void()> &body, SrcLoc loc = SrcLoc::current());

  // Internal.
  WhenChain(ir::NodeId taken, std::vector<ir::NodeId> driven)
      : taken_(taken), driven_(std::move(driven)) {}

private:
  ir::NodeId taken_;               // OR of the conditions so far
  std::vector<ir::NodeId> driven_; // targets fully driven in every branch so far (sorted)
};

// Connects inside `body` take effect only when `cond` is true (and the enclosing whens are).
WhenChain when(const Operand &cond, const std::function<void()> &body);

// A simulation check: `cond` must hold on every clock edge outside reset (and inside the
// enclosing whens). Emitted as `$fatal` under `ifndef SYNTHESIS`.
void assert_(const Operand &cond, std::string_view message = {});

// An explicit clock domain: registers, memories, assertions and submodules created inside
// `body` are clocked by `clock` and reset (synchronously, active high) by `reset` instead of
// the implicit clock and reset. Both are Bool signals of this module, typically inputs; pass
// Signal() as `reset` for a domain without reset. Asynchronous reset (RegInitAsync) stays on
// the implicit `areset` and is not available inside an explicit domain.
void with_clock_domain(const Signal &clock, const Signal &reset, const std::function<void()> &body,
                       SrcLoc loc = SrcLoc::current());

// ---- Memories ------------------------------------------------------------------------------

// A synchronous memory of `depth` elements. Each read()/write()/readwrite() call adds a port;
// read data appears one cycle after the address (registered read). One read() plus one
// write() is the classic 1R1W RAM; two readwrite() calls are a true dual-port RAM. Addresses
// are UInt(clog2(depth)) (narrower addresses are zero-extended).
class Mem {
public:
  Mem(unsigned depth, const Signal &type, std::string_view name = {},
      SrcLoc loc = SrcLoc::current());
  Signal read(const Operand &addr, const Operand &en = true);
  void write(const Operand &addr, const Operand &data, const Operand &en = true);
  // Read-first read/write port: on a write the read data is the old content.
  Signal readwrite(const Operand &addr, const Operand &wdata, const Operand &wen,
                   const Operand &en = true);
  unsigned depth() const { return depth_; }
  unsigned addr_width() const;

private:
  std::uint32_t owner_;
  std::uint32_t index_;
  unsigned depth_;
};

// ---- Submodules ------------------------------------------------------------------------------

// A port name with the location of the user's code that names it.
struct PortName {
  PortName(const char *n, SrcLoc l = SrcLoc::current()) : name(n), loc(l) {}
  PortName(const std::string &n, SrcLoc l = SrcLoc::current()) : name(n), loc(l) {}
  PortName(std::string_view n, SrcLoc l = SrcLoc::current()) : name(n), loc(l) {}
  std::string_view name;
  SrcLoc loc;
};

class Instance {
public:
  // The named port of the instance. Outputs can be read; inputs must be connected with <<=.
  Signal port(std::string_view name, SrcLoc loc = SrcLoc::current()) const;
  Signal operator[](const PortName &p) const { return port(p.name, p.loc); }
  const std::string &module_name() const;

  // Internal.
  Instance(std::uint32_t owner, std::uint32_t index) : owner_(owner), index_(index) {}
  std::uint32_t owner() const { return owner_; }
  std::uint32_t index() const { return index_; }

private:
  std::uint32_t owner_;
  std::uint32_t index_;
};

// Marks the module being elaborated as an external (blackbox) module: only its ports are
// used; the Verilog comes from `info.verilog` (emitted as <name>.v) or from elsewhere.
void extern_module(ir::ExternInfo info = {}, SrcLoc loc = SrcLoc::current());

// A generator made from a name and a lambda; never cached by name.
struct FnModule {
  std::string module_name;
  std::function<void()> fn;
  static constexpr bool cacheable = false;
  std::string name() const { return module_name; }
  void body() const { fn(); }
};

namespace detail {
std::optional<std::uint32_t> cached_module(const std::type_info &type, const std::string &name);
void begin_module(const std::string &name, SrcLoc loc);
std::uint32_t end_module(const std::type_info *cache_type);
void abort_module();
Instance make_instance(std::string_view inst_name, std::uint32_t module, SrcLoc loc);

// Owns the design being elaborated; nested elaborate() calls are independent.
class DesignScope {
public:
  DesignScope();
  ~DesignScope();
  DesignScope(const DesignScope &) = delete;
  DesignScope &operator=(const DesignScope &) = delete;
  Design finish(std::uint32_t top);

private:
  void *previous_;
  void *context_;
};

template <class Gen> std::uint32_t define(const Gen &gen, SrcLoc loc) {
  std::string name = gen.name();
  constexpr bool cacheable = [] {
    if constexpr (requires { Gen::cacheable; }) {
      return static_cast<bool>(Gen::cacheable);
    } else {
      return true;
    }
  }();
  if constexpr (cacheable) {
    if (auto def = cached_module(typeid(Gen), name)) {
      return *def;
    }
  }
  begin_module(name, loc);
  try {
    gen.body();
  } catch (...) {
    // A caller that catches the error keeps elaborating the module it was in.
    abort_module();
    throw;
  }
  return end_module(cacheable ? &typeid(Gen) : nullptr);
}
} // namespace detail

// Instantiates `gen` as a submodule named `inst_name` of the module being elaborated.
template <class Gen>
Instance instance(std::string_view inst_name, const Gen &gen, SrcLoc loc = SrcLoc::current()) {
  std::uint32_t def = detail::define(gen, loc);
  return detail::make_instance(inst_name, def, loc);
}

// Elaborates `gen` as the top module: runs the checks, merges identical modules and gives
// every module a unique name. Throws hcl::Error (with the user's file:line) on a bad design.
template <class Gen> Design elaborate(const Gen &gen, SrcLoc loc = SrcLoc::current()) {
  detail::DesignScope scope;
  std::uint32_t top = detail::define(gen, loc);
  return scope.finish(top);
}

} // namespace hcl
