#include <flows/errors.h>
#include <flows/tool_args.h>

#include <catch2/catch.hpp>

#include <string>

using namespace hcl::flows;

TEST_CASE("tool_args: identifiers are plain Verilog names") {
  for (const std::string ok : {"top", "_t0", "mac_array", "a$b"}) {
    CAPTURE(ok);
    CHECK_NOTHROW(require_identifier(ok, "--top"));
  }
  for (const std::string bad :
       {"", "0top", "$top", "a b", "a\n!touch x", "a;b", "\\esc ", "a\"b"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(require_identifier(bad, "--top"), UsageError);
  }
  CHECK_THROWS_WITH(require_identifier("t\n!touch x", "--top"),
                    "--top \"t\\n!touch x\" is not a Verilog identifier (a letter or '_', then "
                    "letters, digits, '_' or '$')");
}

TEST_CASE("tool_args: parameter values are decimal or based numbers") {
  for (const std::string ok : {"16", "1_000", "8'hff", "'b1010", "4'sd3", "2'bx?"}) {
    CAPTURE(ok);
    CHECK_NOTHROW(require_parameter_value(ok, "--param R value"));
  }
  for (const std::string bad : {"", "-3", "x", "16\n!ls", "8'h", "\"s\"", "1 2", "8'q1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(require_parameter_value(bad, "--param R value"), UsageError);
  }
  CHECK_THROWS_WITH(require_parameter_value("1\n!ls", "--param R value"),
                    Catch::StartsWith("--param R value \"1\\n!ls\" is not a number"));
}

TEST_CASE("tool_args: tool paths cannot end a command or be expanded") {
  CHECK_NOTHROW(require_tool_path("/tmp/a b/c#d.v", "Verilog file"));
  CHECK_NOTHROW(require_tool_path("rel/x.v", "Verilog file"));
  for (const std::string bad :
       {"/tmp/a\n!touch x.v", "/tmp/a\"b.v", "/tmp/$HOME.v", "/tmp/a\tb.v", "/tmp/a\rb.v"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(require_tool_path(bad, "Verilog file"), UsageError);
  }
  CHECK_THROWS_WITH(require_tool_path("/x/a\nb.v", "--liberty"),
                    Catch::StartsWith("--liberty \"/x/a\\nb.v\": a path given to yosys or "
                                      "verilator may not hold a control character"));
}
