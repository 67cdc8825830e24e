#include <flows/errors.h>
#include <flows/file_lock.h>
#include <flows/flow.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace hcl::flows;
namespace fs = std::filesystem;

namespace {

FlowOptions tiny(const fs::path &out) {
  FlowOptions o;
  o.network = HCL_SOURCE_DIR "/examples/networks/tiny.yaml";
  o.arch = HCL_SOURCE_DIR "/tests/flows/data/flow_tpu_4x4.arch.yaml";
  o.out = out;
  return o;
}

// Nothing named like `out` (the folder or its temporary siblings) exists.
bool nothing_written(const fs::path &out) {
  for (const auto &e : fs::directory_iterator(out.parent_path()))
    if (e.path().filename().string().find(out.filename().string()) != std::string::npos)
      return false;
  return true;
}

} // namespace

// The successful run is the integration test "cli: flow: tiny network ..." (one Verilator
// build); these are the checks that must refuse before anything long runs or is written.
TEST_CASE("flow: bad input is refused naming the file or key, and nothing is written") {
  const fs::path out = hcl::test::scratch_dir("flow") / "out";
  FlowOptions o = tiny(out);
  o.network = "no-such.yaml";
  CHECK_THROWS_WITH(run_flow(o), "--network file 'no-such.yaml' does not exist");
  o = tiny(out);
  o.arch = HCL_SOURCE_DIR "/examples/networks/tiny.yaml";
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("not an architecture file"));
  o = tiny(out);
  o.sets = {{"rows", "x"}};
  CHECK_THROWS_WITH(run_flow(o), Catch::StartsWith("--set rows=x: rows: "));
  o = tiny(out);
  o.cosim_layer = "conv9";
  CHECK_THROWS_WITH(run_flow(o),
                    "--cosim: the network has no layer 'conv9' (layers: conv1, conv2, dw, fc3)");
  o = tiny(out);
  o.threads = 0;
  CHECK_THROWS_AS(run_flow(o), UsageError);
  o = tiny(out);
  o.network = out.parent_path() / "slash.yaml";
  {
    std::ofstream f(o.network);
    f << "network:\n  name: n\n  layers:\n    - {name: a/b, type: fc, C: 4, K: 4}\n";
  }
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("layer name: \"a/b\" cannot be a file name"));
  o = tiny(HCL_SOURCE_DIR "/CMakeLists.txt");
  CHECK_THROWS_WITH(run_flow(o), Catch::EndsWith("exists and is not a folder"));
  o = tiny(out);
  o.dataflow = "FY|Y";
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("'FY|Y' (R|P): the accelerator template does "
                                                 "not run this dataflow yet; it runs C|K"));
  o.dataflow = "C|W";
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("'W' is not a loop"));
  o = tiny(out);
  o.sizes = {"NoSuchLevel=1KB"};
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("NoSuchLevel"));
  o.sizes = {"UnifiedBuffer=1KB,zz"};
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("zz"));
  o = tiny(out);
  o.max_area_um2 = 1e6; // the 4 x 4 test arch has no area model
  CHECK_THROWS_WITH(run_flow(o),
                    Catch::Contains("--max-area:") && Catch::Contains("no area model"));
  o = tiny(out);
  o.arch = HCL_SOURCE_DIR "/examples/arch/tpu_like.yaml";
  o.max_area_um2 = 1000;
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("area budget 1000 um^2 (--max-area)"));
  o.sizes = {"UnifiedBuffer=4KB,8KB"};
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("the smallest (UnifiedBuffer=4096 B) has"));
  o = tiny(out);
  o.sizes = {"Accumulators=4B"}; // one 32-bit word: no tile over two K lanes fits
  CHECK_THROWS_WITH(run_flow(o),
                    Catch::StartsWith("--sizes: no combination schedules every layer"));
  CHECK(nothing_written(out));
}

TEST_CASE("flow: --sizes chooses the buffer sizes with the schedules, and the design is built "
          "for them") {
  const fs::path out = hcl::test::scratch_dir("flow-sizes") / "out";
  FlowOptions o = tiny(out);
  o.sizes = {"UnifiedBuffer=256B,1KB", "Accumulators=128B,512B"};
  o.cosim_layer = "conv2";
  const FlowResult r = run_flow(o);
  CHECK(r.exit_code() == 0);
  std::ifstream in(out / "flow.json");
  const nlohmann::json f = nlohmann::json::parse(in);
  CHECK(f["dataflow"] == "C|K");
  const auto &al = f["allocation"];
  REQUIRE(al["found"] == true);
  CHECK(al["levels"] == nlohmann::json({"UnifiedBuffer", "Accumulators"}));
  CHECK(al["points"].size() == 4);
  CHECK_THAT(f["sizes_why"].get<std::string>(), Catch::Contains("chosen with the schedules"));
  // The arch the flow went on with, and the buffers built, are the chosen sizes.
  std::map<std::string, std::int64_t> bytes;
  for (const auto &b : f["buffer_sizes"])
    bytes[b["level"]] = b["bytes"];
  CHECK(bytes["UnifiedBuffer"] == al["size_bytes"][0]);
  CHECK(bytes["Accumulators"] == al["size_bytes"][1]);
  CHECK(f["cosim"]["pass"] == true);
  std::ifstream rep(out / "report.html");
  const std::string html((std::istreambuf_iterator<char>(rep)), std::istreambuf_iterator<char>());
  CHECK_THAT(html, Catch::Contains("Buffer sizes: <b>WeightReg 1 B, Accumulators") &&
                       Catch::Contains("chosen with the schedules"));
}

TEST_CASE("flow: a missing tool is named before the search") {
  const fs::path out = hcl::test::scratch_dir("flow-tool") / "out";
  ::setenv("HCL_YOSYS", "/nonexistent/yosys", 1);
  CHECK_THROWS_AS(run_flow(tiny(out)), ToolMissing);
  ::unsetenv("HCL_YOSYS");
  CHECK(nothing_written(out));
}

TEST_CASE("flow: a folder it did not write is refused unless forced, its own is replaced") {
  const fs::path dir = hcl::test::scratch_dir("flow-marker");
  const fs::path out = dir / "out";
  fs::create_directories(out);
  std::ofstream(out / "mine.txt") << "mine\n";
  FlowOptions o = tiny(out);
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("holds files that hcl flow did not write (it has "
                                                 "no .hcl-flow file)"));
  // Past the folder check, rows=0 fails after the search and before anything is replaced.
  o.sets = {{"rows", "0"}};
  o.force = true;
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("rows: must be in [1, 64]"));
  o.force = false;
  std::ofstream(out / kFlowMarker) << "";
  CHECK_THROWS_WITH(run_flow(o), Catch::Contains("rows: must be in [1, 64]"));
  CHECK(fs::exists(out / "mine.txt"));
}

TEST_CASE("flow: an output folder another run holds is refused, naming its pid") {
  const fs::path out = hcl::test::scratch_dir("flow-lock") / "out";
  const FileLock other(out.parent_path() / ".out.lock", FileLock::Mode::Try);
  REQUIRE(other.held());
  CHECK_THROWS_WITH(
      run_flow(tiny(out)),
      Catch::Contains(fmt::format("is being written by another hcl flow (pid {})", ::getpid())));
  CHECK_FALSE(fs::exists(out));
}
