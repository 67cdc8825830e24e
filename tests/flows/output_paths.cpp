#include <flows/errors.h>
#include <flows/output_paths.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace hcl::flows;
namespace fs = std::filesystem;
using Catch::Contains;

TEST_CASE("output_paths: a writable new file passes and leaves nothing behind") {
  const fs::path dir = hcl::test::scratch_dir("out-ok");
  CHECK_NOTHROW(check_output({"--json", dir / "a.json"}, OutputKind::File));
  CHECK_NOTHROW(check_output({"--json", dir / "new" / "deeper" / "a.json"}, OutputKind::File));
  CHECK_NOTHROW(check_output({"--emit-mapping", dir / "maps"}, OutputKind::Folder));
  CHECK_NOTHROW(check_output({"--json", ""}, OutputKind::File));
  CHECK(fs::is_empty(dir));
}

TEST_CASE("output_paths: a bad output path names the option and the reason") {
  const fs::path dir = hcl::test::scratch_dir("out-bad");
  std::ofstream(dir / "file") << "x\n";
  CHECK_THROWS_WITH(check_output({"--json", dir}, OutputKind::File),
                    Contains("--json '" + dir.string() + "' is a folder; give a file name"));
  CHECK_THROWS_WITH(check_output({"--json", dir / "file" / "x.json"}, OutputKind::File),
                    Contains("'" + (dir / "file").string() + "' is a file, not a folder"));
  CHECK_THROWS_WITH(check_output({"-o", dir / "file"}, OutputKind::ReplacedFolder),
                    Contains("-o '" + (dir / "file").string() + "' exists and is not a folder"));
  CHECK_THROWS_WITH(check_output({"--json", "/proc/version"}, OutputKind::File),
                    Contains("--json '/proc/version': cannot create files in '/proc'"));
  CHECK_THROWS_WITH(check_output({"--csv", "/dev/null"}, OutputKind::File),
                    Contains("--csv '/dev/null' exists and is not a regular file"));
}

TEST_CASE("output_paths: an output that is an input is refused, by inode not by name") {
  const fs::path dir = hcl::test::scratch_dir("out-input");
  std::ofstream(dir / "a.yaml") << "arch: {}\n";
  fs::create_hard_link(dir / "a.yaml", dir / "b.yaml");
  const std::vector<PathOption> ins{{"--problem", ""}, {"--arch", dir / "a.yaml"}};
  const fs::path other_spelling = dir / "sub" / ".." / "a.yaml";
  fs::create_directories(dir / "sub");
  CHECK_THROWS_WITH(
      check_outputs({{"--json", other_spelling}}, OutputKind::File, ins),
      Contains("--json '" + other_spelling.string() + "' is the same file as --arch"));
  CHECK_THROWS_WITH(check_outputs({{"--json", dir / "b.yaml"}}, OutputKind::File, ins),
                    Contains("is the same file as --arch '" + (dir / "a.yaml").string() + "'"));
  CHECK_NOTHROW(check_outputs({{"--json", dir / "c.json"}}, OutputKind::File, ins));
  CHECK_THROWS_WITH(
      check_outputs({{"--csv", dir / "c"}, {"--json", dir / "sub/../c"}}, OutputKind::File, ins),
      Contains("--csv and --json are both"));
  CHECK_THROWS_WITH(check_outputs({{"-o", dir}}, OutputKind::ReplacedFolder, ins),
                    Contains("-o '" + dir.string() + "' would be replaced as a whole, but --arch"));
  CHECK_THROWS_WITH(check_outputs({{"-o", dir.string() + "/"}}, OutputKind::ReplacedFolder, ins),
                    Contains("would be replaced as a whole, but --arch"));
  CHECK_NOTHROW(check_outputs({{"-o", dir / "out"}}, OutputKind::ReplacedFolder, ins));
}
