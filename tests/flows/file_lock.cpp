#include <flows/file_lock.h>

#include "scratch_dir.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using hcl::flows::FileLock;
namespace fs = std::filesystem;

TEST_CASE("file_lock: a taken lock is refused in Try mode, naming the holder's pid") {
  const fs::path path = hcl::test::scratch_dir("lock") / "x.lock";
  {
    const FileLock first(path, FileLock::Mode::Try);
    REQUIRE(first.held());
    // flock locks belong to an open file, so a second open in the same process conflicts too.
    const FileLock second(path, FileLock::Mode::Try);
    CHECK_FALSE(second.held());
    CHECK(second.holder() == ::getpid());
  }
  const FileLock again(path, FileLock::Mode::Try);
  CHECK(again.held());
  CHECK(fs::exists(path)); // kept without remove_when_done
}

TEST_CASE("file_lock: remove_when_done deletes the file, and the next lock makes a new one") {
  const fs::path path = hcl::test::scratch_dir("lock-rm") / "x.lock";
  {
    const FileLock a(path, FileLock::Mode::Try, true);
    REQUIRE(a.held());
    CHECK(fs::exists(path));
  }
  CHECK_FALSE(fs::exists(path));
  const FileLock b(path, FileLock::Mode::Try, true);
  CHECK(b.held());
}
