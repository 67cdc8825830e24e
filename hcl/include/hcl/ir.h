// The elaborated design: a flat, index-based intermediate representation that the builder API
// (signal.h, module.h) produces and that the printers (dump, emit_verilog) consume.
//
// Contract:
// - A Design owns its modules; a module owns its nodes. Everything refers to everything else by
//   32-bit index (NodeId, module index, StrId), so a design is cheap to build and to copy.
// - Each node is one value of one fixed width. Operands of arithmetic, bitwise, compare and mux
//   nodes have been extended to the node's width (or the common compare width) by explicit
//   Zext/Sext nodes, so a printer never has to reason about implicit width rules.
// - After elaboration every sink (Output, Wire, Reg, InstIn) has `driver` set; registers hold
//   their next value in `driver` and their reset value in `b` (kNone when not reset).
// - Identical modules are merged by elaborate(), and module names are already unique.
// Most users never touch this header; generators use hcl.h.
#pragma once

#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hcl::ir {

using NodeId = std::uint32_t;
using StrId = std::uint32_t;
inline constexpr NodeId kNone = ~NodeId{0};
// StrId 0 is always the empty string: "no name".
inline constexpr StrId kNoName = 0;

enum class Kind : std::uint8_t { Bool, UInt, SInt };

struct Type {
  Kind kind = Kind::UInt;
  std::uint32_t width = 0;
  bool is_signed() const { return kind == Kind::SInt; }
  friend bool operator==(const Type &, const Type &) = default;
};

std::string to_string(Type t);

enum class Op : std::uint8_t {
  // Sources and sinks.
  Input,   // module input port; p0 = port index
  Output,  // module output port (a sink); p0 = port index
  Wire,    // a sink with a name; `b` = default value or kNone
  Reg,     // driver = next value, b = reset value (kNone: no reset), p0 = 1 when async reset,
           // p1 = clock domain
  Const,   // value in `imm`, already truncated/sign-extended to the width
  InstIn,  // input port of an instance (a sink); p0 = instance index, p1 = port index
  InstOut, // output port of an instance; p0 = instance index, p1 = port index
  MemRead, // registered read data of a memory port; p0 = memory index, p1 = port index
  // Operations; operands in a, b, c.
  Add,
  Sub,
  Mul,
  Neg,
  And,
  Or,
  Xor,
  Not,
  AndR,
  OrR,
  XorR,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Shl,  // constant shift left by p0: {a, p0'b0}
  Dshl, // dynamic shift left of a (already extended to the result width) by b
  Dshr, // dynamic shift right (arithmetic for SInt) of a by b
  Mux,  // a ? b : c
  Cat,  // {a, b}
  Bits, // a[p0:p1]
  Zext, // zero-extend a
  Sext, // sign-extend a
  AsUInt,
  AsSInt,
};

std::string_view op_name(Op op);
// True for the ops that only reinterpret or extend a value (printed inline by the emitter).
bool is_wrapper(Op op);

struct Node {
  Op op = Op::Const;
  Type type;
  NodeId a = kNone, b = kNone, c = kNone;
  std::uint32_t p0 = 0, p1 = 0;
  StrId name = kNoName; // user-given name; kNoName for temporaries
  NodeId driver = kNone;
  std::int64_t imm = 0;
  std::source_location loc;
};

enum class Dir : std::uint8_t { In, Out };

struct Port {
  StrId name;
  Dir dir;
  Type type;
  NodeId node; // the Input/Output node inside the module
};

struct Instance {
  StrId name;
  std::uint32_t module;           // index into Design::modules
  std::vector<NodeId> port_nodes; // parallel to the child's ports: InstIn / InstOut nodes
  std::source_location loc;
  std::uint32_t domain = 0; // clock domain its implicit clock and reset come from
};

struct MemPort {
  // Operands are nodes of the owning module; kNone when the port does not have that role.
  NodeId addr = kNone, en = kNone;   // read or shared address and enable
  NodeId wdata = kNone, wen = kNone; // write data and write enable
  NodeId rdata = kNone;              // the MemRead node, when the port reads
  std::source_location loc;
};

struct Memory {
  StrId name;
  Type type; // element type
  std::uint32_t depth;
  std::vector<MemPort> ports;
  std::source_location loc;
  std::uint32_t domain = 0;
};

struct Assertion {
  NodeId cond;   // must be true every cycle when not in reset
  NodeId enable; // the enclosing when-condition, or kNone
  std::string message;
  std::source_location loc;
  std::uint32_t domain = 0;
};

// A clock domain of a module. Domain 0 is the implicit one (the `clock` and `reset` ports);
// others come from with_clock_domain() and name a Bool node of the module for each signal.
struct ClockDomain {
  NodeId clock = kNone;
  NodeId reset = kNone; // synchronous, active high; kNone: no reset
};

// An external (blackbox) module. Its outputs are assumed not to depend combinationally on its
// inputs (true of SRAM macros), so loop checks do not look through it.
struct ExternInfo {
  std::string clock = "clock"; // port name for the implicit clock, empty = none
  std::string reset;           // port name for the implicit reset, empty = none
  std::vector<std::pair<std::string, std::int64_t>> params; // Verilog parameters
  std::string verilog; // optional source text, emitted as <name>.v
};

struct Module {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Port> ports;
  std::vector<Instance> instances;
  std::vector<Memory> memories;
  std::vector<Assertion> assertions;
  std::vector<ClockDomain> domains{ClockDomain{}};
  bool uses_clock = false;
  bool uses_reset = false;  // synchronous reset input `reset`
  bool uses_areset = false; // asynchronous reset input `areset` (RegInitAsync)
  bool is_extern = false;
  ExternInfo extern_info;
  // For each output port index: the input port indices it depends on combinationally. Used to
  // find combinational loops that pass through instances.
  std::vector<std::vector<std::uint32_t>> comb_deps;
  std::source_location loc;
};

class StringPool {
public:
  StringPool();
  StrId intern(std::string_view s);
  const std::string &str(StrId id) const { return strings_[id]; }

private:
  std::vector<std::string> strings_;
  std::unordered_map<std::string, StrId> index_;
};

struct Design {
  std::vector<std::unique_ptr<Module>> modules;
  std::uint32_t top = 0;
  StringPool strings;

  const Module &top_module() const { return *modules[top]; }
  const std::string &str(StrId id) const { return strings.str(id); }
};

} // namespace hcl::ir

namespace hcl {
using Design = ir::Design;
}
