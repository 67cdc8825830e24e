#include "designs.h"

#include <catch2/catch.hpp>

using namespace hcl;

TEST_CASE("dump: the IR of the counter, independent of the Verilog printer") {
  Design d = elaborate(hcl_test::Counter{4});
  // Written by hand from the counter's definition: an enable input, a 4-bit register with
  // reset 0 whose next value is `en ? value + 1 : value`, and the output driven by it.
  const std::string expected = "module Counter4 (top) clock reset\n"
                               "  port in en : Bool = %0\n"
                               "  port out count : UInt(4) = %1\n"
                               "  %0 = input \"en\" port 0 : Bool\n"
                               "  %1 = output \"count\" port 1 : UInt(4) <- %3\n"
                               "  %2 = const 0 : UInt(4)\n"
                               "  %3 = reg \"value\" init %2 : UInt(4) <- %7\n"
                               "  %4 = const 1 : UInt(1)\n"
                               "  %5 = const 1 : UInt(4)\n"
                               "  %6 = add %3 %5 : UInt(4)\n"
                               "  %7 = mux %0 %6 %3 : UInt(4)\n";
  REQUIRE(dump(d) == expected);
}

TEST_CASE("dump: instances, memories and assertions are listed") {
  Design d = elaborate(FnModule{"Top", [] {
                                  auto a = Input("a", UInt(1));
                                  Mem m(4, UInt(2), "m");
                                  m.write(0, 1, a);
                                  Output("q", UInt(2)) <<= m.read(1);
                                  assert_(a || !a, "tautology");
                                  auto c = instance("c", hcl_test::Counter{2});
                                  c["en"] <<= a;
                                  Output("n", UInt(2)) <<= c["count"];
                                }});
  std::string text = dump(d);
  INFO(text);
  REQUIRE(text.find("module Counter2 clock reset\n") != std::string::npos);
  REQUIRE(text.find("  inst c : Counter2\n") != std::string::npos);
  REQUIRE(text.find("  mem m : UInt(2) x 4\n") != std::string::npos);
  REQUIRE(text.find("\"tautology\"") != std::string::npos);
}
