#include <catch2/catch.hpp>

#include <hcl/hcl.h>

#include <fmt/core.h>

using namespace hcl;

namespace {
// Not cached by name: each instance runs the body, and structural dedupe merges the results.
struct Adder {
  int width;
  static constexpr bool cacheable = false;
  std::string name() const { return "Adder"; }
  void body() const {
    auto a = Input("a", UInt(width));
    Output("y", UInt(width + 1)) <<= a + 1;
  }
};
} // namespace

TEST_CASE("dedupe: identical elaborated modules are emitted once") {
  Design d = elaborate(FnModule{"Top", [] {
                                  auto a = Input("a", UInt(4));
                                  for (int i = 0; i < 3; ++i) {
                                    auto u = instance(fmt::format("u{}", i), Adder{4});
                                    u["a"] <<= a;
                                    Output(fmt::format("y{}", i), UInt(5)) <<= u["y"];
                                  }
                                }});
  REQUIRE(d.modules.size() == 2);
  REQUIRE(d.modules[0]->name == "Adder");
  for (const auto &inst : d.top_module().instances)
    REQUIRE(inst.module == 0);
}

TEST_CASE("dedupe: different modules that ask for the same name are numbered") {
  Design d = elaborate(FnModule{"Top", [] {
                                  auto a = Input("a", UInt(4));
                                  auto u = instance("narrow", Adder{4});
                                  auto v = instance("wide", Adder{6});
                                  u["a"] <<= a;
                                  v["a"] <<= a;
                                  Output("y", UInt(5)) <<= u["y"];
                                  Output("z", UInt(7)) <<= v["y"];
                                }});
  REQUIRE(d.modules.size() == 3);
  REQUIRE(d.modules[0]->name == "Adder");
  REQUIRE(d.modules[1]->name == "Adder_1");
  REQUIRE(d.str(d.top_module().instances[1].name) == "wide");
  REQUIRE(d.top_module().instances[1].module == 1);
}
