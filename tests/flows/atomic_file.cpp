#include <flows/atomic_file.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace {
fs::path scratch_dir(const std::string &name) {
  auto dir = fs::temp_directory_path() / ("hcl-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
} // namespace

TEST_CASE("write_file_atomic creates parents and leaves no temporary") {
  const auto dir = scratch_dir("atomic-ok");
  const auto target = dir / "a" / "b" / "out.txt";
  hcl::flows::write_file_atomic(target, "hello\n");
  CHECK(slurp(target) == "hello\n");
  CHECK(std::distance(fs::directory_iterator(target.parent_path()), fs::directory_iterator{}) == 1);
  fs::remove_all(dir);
}

TEST_CASE("write_file_atomic keeps the old file when the writer throws") {
  const auto dir = scratch_dir("atomic-throw");
  const auto target = dir / "out.txt";
  hcl::flows::write_file_atomic(target, "old");
  CHECK_THROWS_AS(hcl::flows::write_file_atomic(target,
                                                [](std::ostream &out) {
                                                  out << "partial";
                                                  throw std::runtime_error("boom");
                                                }),
                  std::runtime_error);
  CHECK(slurp(target) == "old");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
  fs::remove_all(dir);
}
