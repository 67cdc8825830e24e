#include <flows/temp_dir.h>
#include <flows/tool.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

using namespace hcl::flows;
namespace fs = std::filesystem;

namespace {

// The pid of a process that has exited.
std::string dead_pid() {
  const auto r = run_process({"/bin/sh", "-c", "echo $$"});
  return r.output.substr(0, r.output.find('\n'));
}

} // namespace

TEST_CASE("temp_dir: a TempDir is removed when it goes, unless kept") {
  const fs::path parent = hcl::test::scratch_dir("tempdir");
  fs::path gone, kept;
  {
    const TempDir a(parent, "x-");
    gone = a.path();
    CHECK(fs::is_directory(gone));
    CHECK(gone.filename().string().rfind("x-" + std::to_string(::getpid()) + "-", 0) == 0);
    TempDir b(parent, "x-");
    kept = b.path();
    CHECK(kept != gone);
    b.keep();
  }
  CHECK_FALSE(fs::exists(gone));
  CHECK(fs::is_directory(kept));
}

TEST_CASE("temp_dir: leftovers of dead processes go, those of live ones and other names stay") {
  const fs::path parent = hcl::test::scratch_dir("tempdir-stale");
  const std::string dead = dead_pid();
  const std::vector<std::string> names{"x-" + dead,
                                       "x-" + dead + "-3",
                                       "x-" + std::to_string(::getppid()),
                                       "x-" + std::to_string(::getpid()) + "-9",
                                       "x-abc",
                                       "y-" + dead};
  for (const auto &n : names)
    fs::create_directories(parent / n);
  { const TempDir t(parent, "x-"); }
  CHECK_FALSE(fs::exists(parent / ("x-" + dead)));
  CHECK_FALSE(fs::exists(parent / ("x-" + dead + "-3")));
  CHECK(fs::exists(parent / ("x-" + std::to_string(::getppid()))));
  CHECK(fs::exists(parent / ("x-" + std::to_string(::getpid()) + "-9")));
  CHECK(fs::exists(parent / "x-abc"));
  CHECK(fs::exists(parent / ("y-" + dead)));
}
