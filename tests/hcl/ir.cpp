#include <catch2/catch.hpp>

#include <hcl/ir.h>

using namespace hcl::ir;

TEST_CASE("ir: the string pool interns each string once and keeps 0 for the empty name") {
  StringPool p;
  REQUIRE(p.intern("") == kNoName);
  StrId a = p.intern("acc");
  StrId b = p.intern("b");
  REQUIRE(a != b);
  REQUIRE(p.intern("acc") == a);
  REQUIRE(p.str(a) == "acc");
}

TEST_CASE("ir: types and op names print for dumps and messages") {
  REQUIRE(to_string(Type{Kind::Bool, 1}) == "Bool");
  REQUIRE(to_string(Type{Kind::UInt, 8}) == "UInt(8)");
  REQUIRE(to_string(Type{Kind::SInt, 32}) == "SInt(32)");
  REQUIRE(op_name(Op::Add) == "add");
  REQUIRE(op_name(Op::MemRead) == "mem_read");
  REQUIRE(is_wrapper(Op::Zext));
  REQUIRE_FALSE(is_wrapper(Op::Add));
}
