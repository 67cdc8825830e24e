// Co-simulated runs kept between runs: the second check of a layer reuses the run and judges
// it against the model again, the key follows the Verilog, the configuration and the seed.
#include <flows/cosim_cache.h>
#include <flows/nest_lower.h>

#include <generators/generate.h>
#include <scheduler/io/spec_yaml.h>
#include <scheduler/search/search.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using namespace hcl::flows;
namespace sched = hcl::sched;
namespace gen = hcl::gen;
namespace fs = std::filesystem;

struct Design {
  sched::Arch arch; // as built: the model's timing is the design's
  sched::Problem problem;
  sched::Mapping mapping;
  NestLayer layer;
  gen::NestAcceleratorConfig cfg;
  NestLayerConfig config;
  std::vector<fs::path> rtl;
  std::string top;
};

Design small_design(const fs::path &dir) {
  const sched::Arch spec = sched::load_arch_yaml(std::string(HCL_SOURCE_DIR) +
                                                 "/tests/flows/data/flow_tpu_4x4.arch.yaml");
  Design d;
  d.arch = nest_timed_arch(spec, nest_accelerator_config(spec, {}));
  sched::ConvShape s;
  s.name = "c";
  s.C = 4;
  s.K = 4;
  s.P = s.Q = 3;
  s.R = s.S = 2;
  d.problem = sched::make_conv2d(s);
  sched::SearchOptions so;
  so.space = nest_space(d.problem, d.arch);
  const auto r = sched::search(d.problem, d.arch, so);
  REQUIRE(r.found);
  d.mapping = r.mapping;
  d.layer = analyse_nest_layer(d.problem, d.arch, d.mapping);
  d.cfg = nest_accelerator_config(spec, {d.layer});
  d.config = configure_nest_layer(d.cfg, d.layer);
  const auto g = nest_generated(d.cfg, d.arch, {{d.problem, d.mapping}}, {d.config});
  d.top = g.params["top"].get<std::string>();
  for (const auto &f : gen::write_generated(g, dir))
    if (f.extension() == ".v")
      d.rtl.push_back(f);
  return d;
}

NestCheck check(const Design &d, const fs::path &cache, std::uint64_t seed = 7) {
  return check_nest_layer_reusing(d.rtl, d.top, d.cfg, d.arch, d.problem, d.mapping, d.layer,
                                  d.config, 1'000'000, seed, cache);
}

TEST_CASE("cosim cache: the second check reuses the run and judges it against the model again") {
  const fs::path dir = hcl::test::scratch_dir("cosim-cache");
  const Design d = small_design(dir / "rtl");
  const fs::path cache = dir / "cache";
  const NestCheck first = check(d, cache);
  REQUIRE(first.passed);
  CHECK_FALSE(first.run_cached);
  const NestCheck second = check(d, cache);
  CHECK(second.run_cached);
  CHECK(second.passed);
  CHECK(second.run.counts == first.run.counts);
  CHECK(second.run.measured_cycles == first.run.measured_cycles);
  CHECK(second.run.outputs_checked == first.run.outputs_checked);
  // A kept run with wrong counters fails the check: the model side is not kept.
  fs::path entry;
  for (const auto &e : fs::directory_iterator(cache))
    if (e.path().filename().string().rfind("cosim-", 0) == 0)
      entry = e.path();
  REQUIRE(!entry.empty());
  nlohmann::json j = nlohmann::json::parse(std::ifstream(entry));
  for (auto &count : j["counts"])
    count = count.get<std::uint64_t>() + 1;
  std::ofstream(entry) << j.dump();
  CHECK_FALSE(check(d, cache).passed);
}

TEST_CASE("cosim cache: the key follows the Verilog, the configuration and the seed") {
  const fs::path dir = hcl::test::scratch_dir("cosim-key");
  const Design d = small_design(dir / "rtl");
  const std::string base = cosim_key_text(d.rtl, d.top, d.cfg, d.layer, d.config, 100, 1);
  CHECK(cosim_key_text(d.rtl, d.top, d.cfg, d.layer, d.config, 100, 2) != base);
  CHECK(cosim_key_text(d.rtl, d.top, d.cfg, d.layer, d.config, 101, 1) != base);
  NestLayerConfig c2 = d.config;
  c2.writes.back().second ^= 1;
  CHECK(cosim_key_text(d.rtl, d.top, d.cfg, d.layer, c2, 100, 1) != base);
  std::ofstream(d.rtl.front(), std::ios::app) << "// edited\n";
  CHECK(cosim_key_text(d.rtl, d.top, d.cfg, d.layer, d.config, 100, 1) != base);
}

} // namespace
