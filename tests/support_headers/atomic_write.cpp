#include "scratch_dir.h"

#include <support/atomic_write.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

using hcl::support::replace_path;
using hcl::support::write_file_atomic;
using hcl::support::WriteError;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int entries(const fs::path &dir) {
  int n = 0;
  for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir))
    ++n;
  return n;
}

} // namespace

TEST_CASE("write_file_atomic replaces the file and leaves no temporary") {
  const fs::path dir = hcl::test::scratch_dir("atomic_write");
  write_file_atomic(dir / "a.txt", "first\n");
  write_file_atomic(dir / "a.txt", "second\n");
  CHECK(slurp(dir / "a.txt") == "second\n");
  CHECK(entries(dir) == 1);
  fs::remove_all(dir);
}

TEST_CASE("write_file_atomic: a failing writer keeps the old content") {
  const fs::path dir = hcl::test::scratch_dir("atomic_write_throw");
  write_file_atomic(dir / "a.txt", "old\n");
  CHECK_THROWS_AS(write_file_atomic(dir / "a.txt",
                                    [](std::ostream &out) {
                                      out << "half";
                                      throw std::logic_error("writer failed");
                                    }),
                  std::logic_error);
  CHECK(slurp(dir / "a.txt") == "old\n");
  CHECK(entries(dir) == 1);
  fs::remove_all(dir);
}

TEST_CASE("write_file_atomic: a missing folder is a WriteError naming the file") {
  const fs::path dir = hcl::test::scratch_dir("atomic_write_missing");
  const fs::path target = dir / "missing" / "a.txt";
  try {
    write_file_atomic(target, "x");
    FAIL("no WriteError");
  } catch (const WriteError &e) {
    CHECK(e.path() == target);
    CHECK_THAT(e.what(), Catch::Contains("cannot write " + target.string() + ": "));
    CHECK_THAT(e.reason(), Catch::Contains("No such file"));
  }
  CHECK(entries(dir) == 0);
  fs::remove_all(dir);
}

TEST_CASE("replace_path swaps a staged folder in and removes the previous one") {
  const fs::path dir = hcl::test::scratch_dir("replace_path");
  fs::create_directories(dir / "out");
  write_file_atomic(dir / "out" / "stale.txt", "stale");
  fs::create_directories(dir / "staged");
  write_file_atomic(dir / "staged" / "new.txt", "new");
  replace_path(dir / "staged", dir / "out");
  CHECK(slurp(dir / "out" / "new.txt") == "new");
  CHECK_FALSE(fs::exists(dir / "out" / "stale.txt"));
  CHECK(entries(dir) == 1); // neither the staged folder nor the old one is left
  // Into a place that did not exist yet.
  fs::create_directories(dir / "staged2");
  replace_path(dir / "staged2", dir / "fresh");
  CHECK(fs::is_directory(dir / "fresh"));
  fs::remove_all(dir);
}

TEST_CASE("replace_path: a missing staged path fails and keeps the previous output") {
  const fs::path dir = hcl::test::scratch_dir("replace_path_missing");
  write_file_atomic(dir / "out.txt", "kept");
  CHECK_THROWS_AS(replace_path(dir / "nothing", dir / "out.txt"), WriteError);
  CHECK(slurp(dir / "out.txt") == "kept");
  CHECK(entries(dir) == 1);
  fs::remove_all(dir);
}
