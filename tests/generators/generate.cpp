#include "harness.h"

#include <generators/array.h>
#include <generators/generate.h>
#include <generators/require.h>

#include <flows/lint.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace hcl::gen;
namespace fs = std::filesystem;

namespace {

using Sets = std::vector<std::pair<std::string, std::string>>;

std::string read_text(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The lint sweep: every generator and preset across sizes, widths, signedness, pipelining
// and custom loop mappings.
std::vector<GenerateRequest> sweep() {
  std::vector<GenerateRequest> v;
  for (const char *preset : {"tpu", "eyeriss", "tree", "output-stationary", "xy", "fxfy"}) {
    for (auto [r, c] : {std::pair{1, 1}, {2, 3}, {4, 4}})
      for (bool s : {true, false})
        v.push_back({"array",
                     preset,
                     {{"rows", std::to_string(r)},
                      {"cols", std::to_string(c)},
                      {"signed", s ? "true" : "false"},
                      {"data_width", s ? "8" : "4"},
                      {"acc_width", s ? "32" : "12"}}});
    v.push_back({"array", preset, {{"pipeline_stages", "2"}, {"rows", "3"}, {"cols", "2"}}});
  }
  v.push_back({"array", "tpu", {{"double_buffer", "false"}}});
  v.push_back({"array", "tpu", {{"input_flow", "broadcast"}}});
  v.push_back({"array", "tpu", {{"weight_width", "4"}, {"data_width", "6"}, {"acc_width", "16"}}});
  v.push_back({"array", "tree", {{"reduce", "chain"}, {"rows", "5"}, {"cols", "3"}}});
  v.push_back({"array", "tpu", {{"row_loops", "C:2,FX:2"}, {"rows", "4"}}});
  v.push_back({"array", "tpu", {{"row_loops", "FY"}, {"col_loops", "K"}}});
  v.push_back(
      {"array", "output-stationary", {{"input_flow", "broadcast"}, {"weight_flow", "broadcast"}}});
  v.push_back({"array", "output-stationary", {{"row_loops", "N"}, {"col_loops", "K"}}});
  v.push_back({"array", "eyeriss", {{"weight_flow", "systolic"}, {"reduce", "chain"}}});
  v.push_back({"array", "eyeriss", {{"row_loops", "FX"}, {"col_loops", "X"}, {"rows", "2"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "C"},
                {"col_loops", "X"},
                {"stationary", "input"},
                {"weight_flow", "broadcast"},
                {"reduce", "tree"}}});
  // Outputs reduced along the rows (the reduction loop on the columns), and two loops on one
  // dimension: the points co-simulated in array.cpp plus variants of them.
  v.push_back({"array", "tpu", {{"row_loops", "K"}, {"col_loops", "C"}, {"rows", "3"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "K"},
                {"col_loops", "C:2,FX:3"},
                {"rows", "2"},
                {"cols", "6"},
                {"input_flow", "broadcast"},
                {"reduce", "tree"},
                {"signed", "false"},
                {"data_width", "5"},
                {"weight_width", "6"},
                {"acc_width", "16"},
                {"pipeline_stages", "1"}}});
  v.push_back({"array",
               "eyeriss",
               {{"row_loops", "Y"},
                {"col_loops", "FY"},
                {"rows", "4"},
                {"cols", "3"},
                {"weight_flow", "systolic"},
                {"reduce", "chain"}}});
  v.push_back({"array", "eyeriss", {{"row_loops", "X"}, {"col_loops", "FX"}, {"cols", "2"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "N"},
                {"col_loops", "C"},
                {"stationary", "input"},
                {"double_buffer", "false"},
                {"weight_flow", "systolic"},
                {"reduce", "tree"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "K"},
                {"col_loops", "C"},
                {"input_flow", "broadcast"},
                {"reduce", "chain"},
                {"edge_accumulate", "true"},
                {"pipeline_stages", "2"}}});
  v.push_back({"array", "tpu", {{"row_loops", "C:2,FX:2"}, {"cols", "3"}}});
  v.push_back({"array",
               "output-stationary",
               {{"row_loops", "K"}, {"col_loops", "Y:2,X:3"}, {"rows", "2"}, {"cols", "6"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "C:2,FY:2"},
                {"col_loops", "N:2,X:2"},
                {"stationary", "input"},
                {"weight_flow", "broadcast"},
                {"reduce", "chain"}}});
  v.push_back({"array",
               "tpu",
               {{"row_loops", "FY:2,C:3"},
                {"col_loops", "K"},
                {"rows", "6"},
                {"input_flow", "broadcast"},
                {"reduce", "tree"}}});
  // Per-PE operand lanes, operands shared by every PE, outputs reduced over every PE: the
  // points co-simulated in array.cpp (third model) plus variants of them.
  v.push_back({"array", "xy", {{"weight_flow", "systolic"}, {"rows", "4"}, {"cols", "3"}}});
  v.push_back({"array", "xy", {{"row_loops", "N"}, {"col_loops", "X"}, {"pipeline_stages", "1"}}});
  v.push_back({"array", "fxfy", {{"reduce", "chain"}, {"rows", "2"}, {"cols", "3"}}});
  v.push_back({"array",
               "fxfy",
               {{"stationary", "none"},
                {"reduce", "chain"},
                {"edge_accumulate", "true"},
                {"signed", "false"},
                {"data_width", "5"},
                {"weight_width", "6"},
                {"acc_width", "18"},
                {"pipeline_stages", "1"}}});
  v.push_back({"array", "fxfy", {{"stationary", "input"}, {"double_buffer", "false"}}});
  v.push_back({"array", "fxfy", {{"row_loops", "C:2,FY:2"}, {"rows", "4"}, {"cols", "2"}}});
  v.push_back({"array", "tpu", {{"stationary", "none"}, {"rows", "3"}}});
  for (const Sets &s :
       std::vector<Sets>{{},
                         {{"stationary", "output"}, {"pipeline_stages", "3"}},
                         {{"stationary", "input"}, {"double_buffer", "false"}},
                         {{"stationary", "none"}, {"psum_chain", "false"}},
                         {{"signed", "false"}, {"data_width", "3"}, {"acc_width", "6"}},
                         {{"forward_x", "true"}, {"forward_w", "true"}},
                         {{"weight_width", "16"}, {"data_width", "16"}, {"acc_width", "40"}},
                         {{"stationary", "weight"}, {"pipeline_stages", "1"}}})
    v.push_back({"pe", "", s});
  for (const Sets &s : std::vector<Sets>{{},
                                         {{"banks", "1"}, {"double_buffer", "false"}},
                                         {{"depth", "100"}, {"width", "7"}, {"ports", "3"}},
                                         {{"depth", "1024"}, {"width", "64"}},
                                         {{"rows", "64"}, {"cols", "4"}, {"data_width", "16"}},
                                         {{"depth", "2"}, {"width", "1"}, {"banks", "3"}}})
    v.push_back({"buffer", "", s});
  for (const Sets &s :
       std::vector<Sets>{{},
                         {{"levels", "1"}, {"addr_gens", "1"}},
                         {{"levels", "6"}, {"counter_width", "12"}, {"addr_width", "32"}},
                         {{"counter_width", "1"}, {"addr_width", "1"}},
                         {{"addr_gens", "4"}, {"levels", "2"}}})
    v.push_back({"controller", "", s});
  // The schedule-driven accelerator: default, a 1x1 array with tiny odd buffers, few loops and
  // pipelining, an unsigned narrow tree, every buffer double, and one large enough that its
  // buffers use the SRAM macros.
  for (const auto &[preset, s] :
       std::vector<std::pair<const char *, Sets>>{{"tpu", {}},
                                                  {"tpu",
                                                   {{"rows", "1"},
                                                    {"cols", "1"},
                                                    {"pipeline_stages", "2"},
                                                    {"in_depth", "2"},
                                                    {"loops", "3"},
                                                    {"out_depth", "5"}}},
                                                  {"tpu",
                                                   {{"in_double", "true"},
                                                    {"out_double", "true"},
                                                    {"wt_double", "true"},
                                                    {"dram_width", "3"}}},
                                                  {"tree",
                                                   {{"rows", "2"},
                                                    {"cols", "3"},
                                                    {"signed", "false"},
                                                    {"data_width", "4"},
                                                    {"acc_width", "12"}}},
                                                  {"tpu",
                                                   {{"rows", "8"},
                                                    {"cols", "2"},
                                                    {"weight_width", "4"},
                                                    {"in_depth", "8192"},
                                                    {"out_depth", "4096"}}}})
    v.push_back({"accelerator", preset, s});
  return v;
}

} // namespace

TEST_CASE("generate: a sweep of 70+ parameter points is lint-clean under verilator -Wall") {
  const auto points = sweep();
  REQUIRE(points.size() >= 70);
  double seconds = 0;
  int n = 0;
  for (const auto &req : points) {
    const Generated g = generate(req);
    const fs::path dir = gen_test::scratch_dir("sweep/" + std::to_string(n++));
    auto files = write_generated(g, dir);
    std::vector<fs::path> rtl;
    for (const auto &f : files)
      if (f.extension() == ".v")
        rtl.push_back(f);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = hcl::flows::lint(rtl, g.params["top"].get<std::string>());
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(g.params.dump());
    INFO(r.log);
    REQUIRE(r.clean());
  }
  WARN("linted " << points.size() << " points in " << seconds << " s");
}

TEST_CASE("generate: writes rtl/, params.json with top, and params.h") {
  const fs::path dir = gen_test::scratch_dir("write") / "out";
  const Generated g = generate({"array", "eyeriss", {{"cols", "5"}, {"data_width", "6"}}});
  const auto files = write_generated(g, dir);
  const auto j = nlohmann::json::parse(read_text(dir / "params.json"));
  CHECK(j["top"] == "hcl_array_3x5_FY_Y_s6x6a32_ndb_p0_bb_tree_ea");
  CHECK(j["params"]["weight_width"] == 6); // data_width also sets weight_width
  CHECK(j["derived"]["inputs"]["lanes"] == 7);
  CHECK(fs::exists(dir / "rtl" / (j["top"].get<std::string>() + ".v")));
  CHECK(read_text(dir / "params.h").find("#define HCL_ARRAY_COLS 5") != std::string::npos);
  // Rewriting replaces the outputs; a failure afterwards leaves them untouched.
  const auto before = read_text(dir / "params.json");
  CHECK_THROWS_AS(generate({"array", "tpu", {{"rows", "0"}}}), ConfigError);
  CHECK(read_text(dir / "params.json") == before);
  const auto again = write_generated(generate({"pe", "", {{"rows", "4"}}}), dir);
  const auto pj = nlohmann::json::parse(read_text(dir / "params.json"));
  CHECK(pj["generator"] == "pe");
  CHECK(pj["ignored"]["rows"] == "4");
  CHECK_FALSE(fs::exists(dir / "rtl" / (j["top"].get<std::string>() + ".v")));
  for (const auto &e : fs::directory_iterator(dir.parent_path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("generate: the accelerator alone is the schedule-driven one, for the sizes given") {
  const fs::path dir = gen_test::scratch_dir("write-accel") / "out";
  const Sets sets = {{"rows", "2"}, {"cols", "3"}, {"in_depth", "40"}};
  write_generated(generate({"accelerator", "", sets}), dir);
  const auto params = nlohmann::json::parse(read_text(dir / "params.json"));
  CHECK_THAT(params["top"].get<std::string>(), Catch::StartsWith("hcl_nest_tpu_2x3_"));
  CHECK(params["params"]["in_depth"] == 40);
  CHECK(fs::exists(dir / "rtl" / (params["top"].get<std::string>() + ".v")));
  CHECK_FALSE(fs::exists(dir / "config"));
  const auto tree = generate({"accelerator", "tree", {{"rows", "4"}, {"cols", "1"}}});
  CHECK_THAT(tree.params["top"].get<std::string>(), Catch::StartsWith("hcl_nest_tree_4x1_"));
  CHECK_THROWS_WITH(generate({"accelerator", "eyeriss", {}}), Catch::StartsWith("preset:"));
  CHECK_THROWS_WITH(generate({"accelerator", "", {{"in_depth", "0"}}}),
                    Catch::StartsWith("in_depth:"));
}

TEST_CASE("generate: bad requests name the key") {
  CHECK_THROWS_WITH(generate({"gpu", "", {}}),
                    Catch::StartsWith("generator: unknown generator 'gpu'"));
  CHECK_THROWS_WITH(generate({"pe", "tpu", {}}), Catch::StartsWith("--preset: presets exist only"));
  CHECK_THROWS_WITH(generate({"buffer", "", {{"depth", "0"}}}),
                    Catch::StartsWith("depth: must be"));
  CHECK_THROWS_WITH(parse_setting("rows"), Catch::StartsWith("--set: expected key=value"));
  CHECK(parse_setting("row_loops=C:2,FX:2").second == "C:2,FX:2");
}

// Golden text of the emitted Verilog of a 2x2 instance of every preset (without source
// locators, which move whenever generator code is edited). The golden files were produced by
// this generator, linted with verilator -Wall and co-simulated through the larger instances
// in array.cpp; the test pins them so any change to emitted RTL is reviewed.
// Regenerate with HCL_UPDATE_GOLDEN=1.
TEST_CASE("generate: 2x2 Verilog of every preset matches the golden text") {
  const bool update = std::getenv("HCL_UPDATE_GOLDEN") != nullptr;
  for (const auto &preset : array_preset_names()) {
    ArrayConfig c = array_preset(preset);
    c.rows = 2;
    c.cols = 2;
    hcl::Design d = hcl::elaborate(Array{c});
    const fs::path golden = fs::path(HCL_SOURCE_DIR) / "tests/generators/golden" / preset;
    if (update)
      fs::create_directories(golden);
    hcl::EmitOptions o;
    o.locators = false;
    std::size_t compared = 0;
    for (std::uint32_t m = 0; m < d.modules.size(); ++m) {
      const std::string text =
          d.modules[m]->is_extern ? d.modules[m]->extern_info.verilog : hcl::emit_module(d, m, o);
      const fs::path f = golden / (d.modules[m]->name + ".v");
      if (update) {
        std::ofstream(f, std::ios::binary) << text;
      }
      INFO(f.string());
      REQUIRE(fs::exists(f));
      CHECK(read_text(f) == text);
      ++compared;
    }
    CHECK(compared >= 2);
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(golden))
      files.push_back(e.path());
    const auto lint = hcl::flows::lint(files, d.modules[d.top]->name);
    INFO(lint.log);
    CHECK(lint.clean());
  }
}
