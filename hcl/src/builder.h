// Internal state of elaboration: the design being built and the stack of modules whose bodies
// are running. Not installed; only the library's sources include it.
#pragma once

#include <hcl/error.h>
#include <hcl/ir.h>
#include <hcl/signal.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hcl::detail {

struct Connect {
  ir::NodeId sink;
  ir::NodeId value; // kNone: a when-chain ending in otherwise() drove `sink` on every branch
  ir::NodeId cond;  // kNone: unconditional
  SrcLoc loc;
};

struct Builder {
  std::uint32_t serial = 0;
  std::unique_ptr<ir::Module> mod;
  std::vector<Connect> connects;
  // Effective condition of the innermost when(), kNone at the top level of the body.
  ir::NodeId cond = ir::kNone;
  // The clock domain new state belongs to (index into mod->domains).
  std::uint32_t domain = 0;
  // One list per running when-branch: the targets that branch drives on all of its paths.
  std::vector<std::vector<ir::NodeId>> branch_driven;
  // Port name -> port index, for the duplicate check.
  std::unordered_map<ir::StrId, std::uint32_t> port_index;
  // Structural hash of pure nodes (operations and constants) -> node, so the same expression
  // written twice is one node and one Verilog wire (common subexpression elimination).
  std::unordered_map<std::string, ir::NodeId> pure;

  // Adds a pure node, or returns the identical one made before.
  ir::NodeId add_pure(const ir::Node &n) {
    std::string key(reinterpret_cast<const char *>(&n.op), sizeof n.op);
    auto put = [&key](const auto &v) { key.append(reinterpret_cast<const char *>(&v), sizeof v); };
    put(n.type.kind);
    put(n.type.width);
    put(n.a);
    put(n.b);
    put(n.c);
    put(n.p0);
    put(n.p1);
    put(n.imm);
    auto [it, fresh] = pure.emplace(std::move(key), static_cast<ir::NodeId>(mod->nodes.size()));
    if (fresh)
      mod->nodes.push_back(n);
    return it->second;
  }

  ir::NodeId add(ir::Node n) {
    mod->nodes.push_back(n);
    return static_cast<ir::NodeId>(mod->nodes.size() - 1);
  }
  const ir::Node &node(ir::NodeId id) const { return mod->nodes[id]; }
  Signal sig(ir::NodeId id) const { return Signal::make(serial, id, mod->nodes[id].type); }
};

struct Context {
  std::unique_ptr<ir::Design> design = std::make_unique<ir::Design>();
  std::vector<std::unique_ptr<Builder>> stack;
  // (C++ type, name()) -> module index, for generators whose name identifies them.
  std::unordered_map<std::string, std::uint32_t> cache;
  // Per finished module: port name -> port index.
  std::vector<std::unordered_map<std::string, std::uint32_t>> port_maps;
  // Module name per builder serial, to name the owner of a foreign signal in errors.
  std::vector<std::string> serial_names{""};
};

Context &context(const SrcLoc &loc);
// The module whose body is running; an hcl::Error at `loc` outside of any body.
Builder &current(const SrcLoc &loc);
// The builder that owns `s`, or an error when s belongs to another module or is a template.
Builder &owner_of(const Signal &s, const char *what, const SrcLoc &loc);
// The node of an operand: a Signal of the current module, or a literal of type `like`.
ir::NodeId operand_node(Builder &b, const Operand &op, ir::Type like);
// Human-readable description of a node for error messages: its name or what computes it.
std::string describe(const ir::Design &d, const ir::Module &m, ir::NodeId id);

ir::NodeId make_const(Builder &b, ir::Type t, std::int64_t value, const SrcLoc &loc);
// Extends (or, for equal widths, returns) `id` to width `w` by its signedness.
ir::NodeId extend(Builder &b, ir::NodeId id, std::uint32_t w, const SrcLoc &loc);
ir::NodeId make_op(Builder &b, ir::Op op, ir::Type t, ir::NodeId a, ir::NodeId c1, ir::NodeId c2,
                   const SrcLoc &loc);
ir::NodeId make_bits(Builder &b, ir::NodeId a, std::uint32_t hi, std::uint32_t lo,
                     const SrcLoc &loc);

// Resolves connects into drivers and runs the per-module checks (undriven sinks,
// combinational loops); fills comb_deps, uses_clock, uses_reset.
void finalize(Context &ctx, Builder &b);
// Merges structurally identical modules and gives every module a unique, legal name.
void dedupe_and_name(ir::Design &d, std::uint32_t &top);

} // namespace hcl::detail
