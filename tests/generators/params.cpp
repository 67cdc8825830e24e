#include <generators/params.h>
#include <generators/require.h>

#include <catch2/catch.hpp>

using namespace hcl::gen;

TEST_CASE("params: value parsers name the key and what is valid") {
  CHECK(parse_int("rows", "16", 1, 64) == 16);
  CHECK_THROWS_WITH(parse_int("rows", "16x", 1, 64), "rows: expected an integer, got '16x'");
  CHECK_THROWS_WITH(parse_int("rows", "0", 1, 64), "rows: must be in [1, 64] (got 0)");
  CHECK(parse_bool("signed", "Yes"));
  CHECK_FALSE(parse_bool("signed", "0"));
  CHECK_THROWS_WITH(parse_bool("signed", "maybe"), "signed: expected true or false, got 'maybe'");
  CHECK_THROWS_WITH(parse_choice("reduce", "sum", {"tree", "chain"}),
                    "reduce: expected one of tree, chain, got 'sum'");
}

TEST_CASE("params: the C header flattens params and derived values") {
  nlohmann::json j = {{"generator", "array"},
                      {"top", "hcl_array_x"},
                      {"params", {{"rows", 4}, {"signed", true}, {"preset", "tpu"}}},
                      {"derived", {{"inputs", {{"lanes", 4}}}, {"pe_modules", {"a", "b"}}}}};
  const std::string h = c_header(j);
  CHECK(h.find("#ifndef HCL_GEN_ARRAY_PARAMS_H") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_TOP \"hcl_array_x\"\n") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_ROWS 4\n") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_SIGNED 1\n") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_PRESET \"tpu\"\n") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_INPUTS_LANES 4\n") != std::string::npos);
  CHECK(h.find("#define HCL_ARRAY_PE_MODULES_1 \"b\"\n") != std::string::npos);
}

TEST_CASE("params: clog2 and address widths") {
  CHECK(clog2(1) == 0);
  CHECK(clog2(2) == 1);
  CHECK(clog2(5) == 3);
  CHECK(clog2(1024) == 10);
  CHECK(addr_bits(1) == 1);
  CHECK(addr_bits(11) == 4);
}
