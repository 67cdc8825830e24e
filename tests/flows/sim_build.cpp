#include <flows/errors.h>
#include <flows/sim.h>
#include <flows/sim_build.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using hcl::flows::Simulator;

namespace {
const fs::path data_dir = fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data";

fs::path fresh_dir(const std::string &name) {
  auto dir = fs::temp_directory_path() / ("hcl-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
} // namespace

TEST_CASE("model cache: concurrent users share one build, later runs hit the cache") {
  const auto cache = fresh_dir("simcache");
  hcl::flows::SimOptions opts;
  opts.model.cache_dir = cache;
  const auto builds_before = hcl::flows::model_builds();
  // Two threads race for the same design in an empty cache: the per-key lock lets one build
  // while the other waits and then finds the finished model.
  bool hit[2] = {false, false};
  std::thread t0(
      [&] { hit[0] = Simulator({data_dir / "accumulator.v"}, "accumulator", opts).cache_hit(); });
  std::thread t1(
      [&] { hit[1] = Simulator({data_dir / "accumulator.v"}, "accumulator", opts).cache_hit(); });
  t0.join();
  t1.join();
  CHECK(hcl::flows::model_builds() == builds_before + 1);
  CHECK(hit[0] != hit[1]);

  Simulator again({data_dir / "accumulator.v"}, "accumulator", opts);
  CHECK(again.cache_hit());
  CHECK(hcl::flows::model_builds() == builds_before + 1);
  // Nothing but finished entries and lock files is left behind.
  for (const auto &e : fs::directory_iterator(cache)) {
    CHECK(e.path().filename().string().rfind("tmp-", 0) != 0);
  }
  fs::remove_all(cache);
}

TEST_CASE("model cache: the remains of a killed build are ignored and cleaned up") {
  const auto dir = fresh_dir("simstale");
  hcl::flows::ModelOptions opts;
  opts.cache_dir = dir / "cache";
  // Learn the key, then fake a build that died half-way: a tmp folder and no final entry.
  const auto first = hcl::flows::build_model({data_dir / "accumulator.v"}, "accumulator", opts);
  fs::remove_all(opts.cache_dir / first.key);
  const auto stale = opts.cache_dir / ("tmp-" + first.key + "-999999");
  fs::create_directories(stale / "obj");
  std::ofstream(stale / "model.so") << "truncated";
  const auto again = hcl::flows::build_model({data_dir / "accumulator.v"}, "accumulator", opts);
  CHECK_FALSE(again.cache_hit);
  CHECK_FALSE(fs::exists(stale));
  hcl::flows::SimOptions sopts;
  sopts.model = opts;
  Simulator sim({data_dir / "accumulator.v"}, "accumulator", sopts);
  CHECK(sim.cache_hit());
  sim.reset();
  sim.poke("en", 1);
  sim.poke("d", 7);
  sim.step(3);
  CHECK(sim.peek("total") == 21);
  fs::remove_all(dir);
}

TEST_CASE("model cache key changes with the Verilog text") {
  const auto dir = fresh_dir("simkey");
  const auto cache = dir / "cache";
  fs::copy_file(data_dir / "accumulator.v", dir / "accumulator.v");
  hcl::flows::ModelOptions opts;
  opts.cache_dir = cache;
  const auto a = hcl::flows::build_model({dir / "accumulator.v"}, "accumulator", opts);
  std::ofstream(dir / "accumulator.v", std::ios::app) << "// an edit\n";
  const auto b = hcl::flows::build_model({dir / "accumulator.v"}, "accumulator", opts);
  CHECK(a.key != b.key);
  CHECK_FALSE(b.cache_hit);
  const auto c = hcl::flows::build_model({dir / "accumulator.v"}, "accumulator", opts);
  CHECK(c.key == b.key);
  CHECK(c.cache_hit);
  fs::remove_all(dir);
}

TEST_CASE("a design Verilator rejects fails with the log tail and leaves no cache entry") {
  const auto dir = fresh_dir("simbad");
  hcl::flows::ModelOptions opts;
  opts.cache_dir = dir / "cache";
  try {
    (void)hcl::flows::build_model({data_dir / "lint_broken.v"}, "lint_broken", opts);
    FAIL("expected UsageError");
  } catch (const hcl::flows::UsageError &e) {
    CHECK_THAT(e.what(), Catch::Contains("lint_broken.v:7") && Catch::Contains("syntax error"));
  }
  for (const auto &e : fs::directory_iterator(dir / "cache")) {
    CHECK(e.path().extension() == ".lock");
  }
  fs::remove_all(dir);
}

TEST_CASE("default_cache_dir honours HCL_CACHE_DIR") {
  const char *old = std::getenv("HCL_CACHE_DIR");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("HCL_CACHE_DIR", "/tmp/some-hcl-cache", 1);
  CHECK(hcl::flows::default_cache_dir() == fs::path("/tmp/some-hcl-cache"));
  if (old != nullptr) {
    ::setenv("HCL_CACHE_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("HCL_CACHE_DIR");
  }
}

TEST_CASE("a model build refuses what would reach Verilator's command line or make unchecked") {
  ::setenv("HCL_VERILATOR", "/nonexistent/verilator", 1); // a value let through fails differently
  const fs::path acc = data_dir / "accumulator.v";
  CHECK_THROWS_WITH(hcl::flows::build_model({acc}, "acc\n!x"),
                    Catch::Contains("co-simulation top \"acc\\n!x\" is not a Verilog identifier"));
  hcl::flows::ModelOptions o;
  o.top_parameters = {{"W", "8 -CFLAGS x"}};
  CHECK_THROWS_WITH(
      hcl::flows::build_model({acc}, "accumulator", o),
      Catch::Contains("co-simulation parameter W value \"8 -CFLAGS x\" is not a number"));
  o = {};
  o.opt_fast = "-O2; touch x";
  CHECK_THROWS_WITH(hcl::flows::build_model({acc}, "accumulator", o),
                    Catch::Contains("opt_fast \"-O2; touch x\": expected -O0"));
  o = {};
  o.cache_dir = "/tmp/a\nb";
  CHECK_THROWS_WITH(hcl::flows::build_model({acc}, "accumulator", o),
                    Catch::Contains("model cache folder (HCL_CACHE_DIR) \"/tmp/a\\nb\""));
  CHECK_THROWS_WITH(hcl::flows::build_model({"/tmp/$HOME.v"}, "accumulator"),
                    Catch::Contains("Verilog file \"/tmp/$HOME.v\""));
  ::unsetenv("HCL_VERILATOR");
}
