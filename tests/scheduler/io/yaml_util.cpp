#include <scheduler/io/yaml_util.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace hcl::sched;

namespace {

template <class F> SpecError spec_error(F &&f) {
  try {
    f();
  } catch (const SpecError &e) {
    return e;
  }
  FAIL("expected a SpecError");
  throw;
}

const std::string kDoc = "top:\n"         // line 1
                         "  count: 12\n"  // 2
                         "  ratio: 0.5\n" // 3
                         "  flag: on\n"   // 4
                         "  kind: sram\n" // 5
                         "  list: [a, b]\n"
                         "  nested:\n" // 7
                         "    - x: 1\n"
                         "    - x: oops\n"; // 9

} // namespace

TEST_CASE("YamlView reads typed scalars and reports the key's line") {
  const auto doc = load_yaml_string(kDoc, "mem.yaml");
  const auto top = doc.at("top");
  CHECK(top.line() == 1);
  CHECK(top.at("count").as_int(1) == 12);
  CHECK(top.at("ratio").as_double(0) == 0.5);
  CHECK(top.at("flag").as_bool());
  const auto bools = load_yaml_string("a: True\nb: FALSE\nc: no\nd: 1\n", "b.yaml");
  CHECK(bools.at("a").as_bool());
  CHECK_FALSE(bools.at("b").as_bool());
  CHECK_FALSE(bools.at("c").as_bool());
  CHECK_THROWS_AS(bools.at("d").as_bool(), SpecError); // 1 is a number, not a boolean
  CHECK(top.at("kind").as_choice({"dram", "sram"}) == 1);
  CHECK(top.at("list").as_string_list() == std::vector<std::string>{"a", "b"});
  CHECK(top.at("kind").line() == 5);
  const auto items = top.at("nested").items();
  REQUIRE(items.size() == 2);
  CHECK(items[1].line() == 9);
  CHECK(items[0].at("x").as_int() == 1);
  CHECK_FALSE(top.get("missing").has_value());
  const auto entries = top.entries();
  REQUIRE(entries.size() == 6);
  CHECK(entries[0].first == "count"); // document order is kept
  CHECK(entries[5].first == "nested");
}

TEST_CASE("timeloopfe templates are refused at their line, naming what they are") {
  // The Timeloop exercises' layer shapes start with {{include_text('../problem_base.yaml')}}
  // and merge it in with `<<<: *problem_base`; timeloopfe expands both.
  const auto jinja = spec_error([] {
    load_yaml_string("# a comment with {{ braces }} is fine\n"
                     "{{include_text('../problem_base.yaml')}}\nproblem: {}\n",
                     "00.yaml");
  });
  CHECK(jinja.line() == 2);
  CHECK_THAT(std::string(jinja.what()), Catch::Contains("00.yaml:2"));
  CHECK_THAT(jinja.message(),
             Catch::Contains("Jinja2") && Catch::Contains("parsed-processed-input.yaml"));
  const auto merge = spec_error(
      [] { load_yaml_string("problem:\n  <<<: *problem_base\n  instance: {C: 3}\n", "01.yaml"); });
  CHECK(merge.line() == 2);
  CHECK_THAT(merge.message(), Catch::Contains("'<<<' merge key"));
  CHECK_NOTHROW(load_yaml_string("a: {b: {c: 1}}\n", "fine.yaml"));
}

TEST_CASE("an unknown key names file, line and key and lists the valid keys") {
  const auto top = load_yaml_string(kDoc, "mem.yaml").at("top");
  const auto e = spec_error([&] { top.require_keys({"count", "ratio", "flag", "kind", "list"}); });
  CHECK(e.file() == "mem.yaml");
  CHECK(e.line() == 7);
  CHECK(e.key() == "nested");
  CHECK_THAT(e.what(), Catch::Contains("mem.yaml:7: nested: unknown key"));
  CHECK_THAT(e.what(), Catch::Contains("valid keys are: count, ratio, flag, kind, list"));
}

TEST_CASE("a key given twice is an error at its second line") {
  const auto doc = load_yaml_string("a: 1\nb: 2\na: 3\n", "dup.yaml");
  const auto e = spec_error([&] { doc.require_keys({"a", "b"}); });
  CHECK(e.line() == 3);
  CHECK(e.key() == "a");
  CHECK_THAT(e.message(), Catch::Contains("given twice"));
}

TEST_CASE("wrong scalar types and ranges name the key and the expected form") {
  const auto top = load_yaml_string(kDoc, "mem.yaml").at("top");
  auto e = spec_error([&] { top.at("nested").items()[1].at("x").as_int(); });
  CHECK(e.line() == 9);
  CHECK(e.key() == "x");
  CHECK(e.message() == "expected an integer, found 'oops'");

  e = spec_error([&] { top.at("count").as_int(1, 8); });
  CHECK(e.line() == 2);
  CHECK(e.message() == "must be between 1 and 8, found 12");

  e = spec_error([&] { top.at("ratio").as_int(); });
  CHECK(e.message() == "expected an integer, found '0.5'");

  e = spec_error([&] { top.at("kind").as_bool(); });
  CHECK(e.key() == "kind");
  CHECK(e.message() == "expected true or false, found 'sram'");

  e = spec_error([&] { top.at("kind").as_choice({"dram", "regfile"}); });
  CHECK(e.message() == "'sram' is not valid; use one of: dram, regfile");

  e = spec_error([&] { top.at("list").as_double(); });
  CHECK(e.line() == 6);
  CHECK(e.message() == "expected a number, found a list");

  e = spec_error([&] { top.at("count").items(); });
  CHECK(e.message() == "expected a list, found '12'");
}

TEST_CASE("a missing required key is reported at the enclosing key") {
  const auto top = load_yaml_string(kDoc, "mem.yaml").at("top");
  const auto e = spec_error([&] { top.at("size"); });
  CHECK(e.line() == 1);
  CHECK(e.key() == "top");
  CHECK(e.message() == "missing required key 'size'");
}

TEST_CASE("YAML syntax errors and unreadable files become SpecError") {
  const std::string dir = HCL_SOURCE_DIR "/tests/data/specs/";
  auto e = spec_error([&] { load_yaml_file(dir + "bad_syntax.arch.yaml"); });
  CHECK(e.file() == dir + "bad_syntax.arch.yaml");
  CHECK(e.line() >= 3);
  CHECK_THAT(e.message(), Catch::StartsWith("YAML syntax error"));

  e = spec_error([&] { load_yaml_file(dir + "no_such_file.yaml"); });
  CHECK(e.message() == "cannot open file");
  CHECK_THROWS_AS(load_yaml_file(dir + "no_such_file.yaml"), std::invalid_argument);

  e = spec_error([&] { load_yaml_string("- just\n- a list\n", "list.yaml"); });
  CHECK_THAT(e.message(), Catch::Contains("expected a mapping at the top"));
}

TEST_CASE("write_text_atomic replaces the whole file and leaves no temp file") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(HCL_BINARY_DIR) / "test-yaml-util";
  fs::create_directories(dir);
  const auto path = (dir / "out.yaml").string();
  write_text_atomic(path, "a: 1\n");
  write_text_atomic(path, "b: 2\n");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "b: 2\n");
  int files = 0;
  for ([[maybe_unused]] const auto &entry : fs::directory_iterator(dir)) {
    ++files;
  }
  CHECK(files == 1);
  const auto e = spec_error([&] { write_text_atomic((dir / "missing/x.yaml").string(), "x"); });
  CHECK_THAT(e.message(), Catch::Contains("cannot write"));
}

TEST_CASE("join_names joins with commas") {
  CHECK(join_names({"a", "b", "c"}) == "a, b, c");
  CHECK(join_names({}).empty());
}
