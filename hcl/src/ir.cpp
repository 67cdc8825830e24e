#include <hcl/ir.h>

#include <fmt/core.h>

namespace hcl::ir {

std::string to_string(Type t) {
  switch (t.kind) {
  case Kind::Bool:
    return "Bool";
  case Kind::UInt:
    return fmt::format("UInt({})", t.width);
  case Kind::SInt:
    return fmt::format("SInt({})", t.width);
  }
  return "?";
}

std::string_view op_name(Op op) {
  switch (op) {
  case Op::Input:
    return "input";
  case Op::Output:
    return "output";
  case Op::Wire:
    return "wire";
  case Op::Reg:
    return "reg";
  case Op::Const:
    return "const";
  case Op::InstIn:
    return "inst_in";
  case Op::InstOut:
    return "inst_out";
  case Op::MemRead:
    return "mem_read";
  case Op::Add:
    return "add";
  case Op::Sub:
    return "sub";
  case Op::Mul:
    return "mul";
  case Op::Neg:
    return "neg";
  case Op::And:
    return "and";
  case Op::Or:
    return "or";
  case Op::Xor:
    return "xor";
  case Op::Not:
    return "not";
  case Op::AndR:
    return "andr";
  case Op::OrR:
    return "orr";
  case Op::XorR:
    return "xorr";
  case Op::Eq:
    return "eq";
  case Op::Ne:
    return "ne";
  case Op::Lt:
    return "lt";
  case Op::Le:
    return "le";
  case Op::Gt:
    return "gt";
  case Op::Ge:
    return "ge";
  case Op::Shl:
    return "shl";
  case Op::Dshl:
    return "dshl";
  case Op::Dshr:
    return "dshr";
  case Op::Mux:
    return "mux";
  case Op::Cat:
    return "cat";
  case Op::Bits:
    return "bits";
  case Op::Zext:
    return "zext";
  case Op::Sext:
    return "sext";
  case Op::AsUInt:
    return "as_uint";
  case Op::AsSInt:
    return "as_sint";
  }
  return "?";
}

bool is_wrapper(Op op) {
  return op == Op::Bits || op == Op::Zext || op == Op::Sext || op == Op::AsUInt || op == Op::AsSInt;
}

StringPool::StringPool() { intern(""); }

StrId StringPool::intern(std::string_view s) {
  auto it = index_.find(std::string(s));
  if (it != index_.end()) {
    return it->second;
  }
  auto id = static_cast<StrId>(strings_.size());
  strings_.emplace_back(s);
  index_.emplace(strings_.back(), id);
  return id;
}

} // namespace hcl::ir
