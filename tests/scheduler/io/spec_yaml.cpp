#include <scheduler/io/spec_yaml.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

TEST_CASE("every remaining spec error names its line and key") {
  struct Case {
    const char *what;
    std::string text;
    int line;
    const char *key;
    const char *message;
  };
  const std::string dram = "arch:\n  name: a\n  levels:\n    - {name: DRAM, kind: dram}\n";
  const Case cases[] = {
      {"stride pair of three",
       "workload: {name: x, type: conv2d, C: 1, K: 1, P: 4, Q: 4, R: 1, "
       "S: 1,\n  stride: [1, 2, 3]}\n",
       2, "stride", "expected one number or a pair [vertical, horizontal], found a list of 3"},
      {"input smaller than the filter",
       "workload:\n  {name: x, type: conv2d, C: 1, K: 1, H: 2, W: 8, R: 5, S: 1}\n", 2, "H",
       "H = 2 with padding 0, stride 1, dilation 1 and R = 5 leaves no output"},
      {"bad coefficient",
       "workload:\n  name: g\n  type: generic\n  dims: {P: 4}\n  tensors:\n"
       "    - {name: I, projection: ['x*P']}\n",
       6, "projection[0]", "coefficient 'x' must be a positive integer"},
      {"no dims", "workload:\n  name: g\n  type: generic\n  dims: {}\n  tensors: []\n", 4, "dims",
       "give at least one dimension"},
      {"too many tensors",
       "workload:\n  name: g\n  type: generic\n  dims: {P: 4}\n  tensors:\n"
       "    - {name: A, projection: [P]}\n    - {name: B, projection: [P]}\n"
       "    - {name: C, projection: [P]}\n    - {name: D, projection: [P]}\n",
       5, "tensors", "give 1 to 3 tensors, found 4"},
      {"tensor twice",
       "workload:\n  name: g\n  type: generic\n  dims: {P: 4}\n  tensors:\n"
       "    - {name: A, projection: [P]}\n    - {name: A, projection: [P]}\n",
       7, "name", "tensor 'A' is declared twice"},
      {"size and size_words", dram + "    - {name: GB, kind: sram, size: 1 KB, size_words: 8}\n", 5,
       "size_words", "give either size (with a unit) or size_words, not both"},
      {"fractional bytes", dram + "    - {name: GB, kind: sram, size: 0.5 B}\n", 5, "size",
       "'0.5 B' is not a whole number of bytes"},
      {"empty partition list", dram + "    - {name: PE, kind: regfile, partitioned: []}\n", 5,
       "partitioned", "list one entry per tensor scratchpad"},
      {"unknown energy key", dram + "    - {name: GB, kind: sram, size: 1 KB, energy: {rd: 1}}\n",
       5, "rd", "valid keys are: read, write, update, leak"},
      {"negative bandwidth", dram + "    - {name: GB, kind: sram, size: 1 KB, bandwidth: -1}\n", 5,
       "bandwidth", "must be at least 0, found -1"},
      {"unknown energy table", "arch:\n  name: a\n  energy_table: cacti\n  levels: []\n", 3,
       "energy_table", "'cacti' is not valid; use one of: none, interstellar"},
      {"no levels", "arch:\n  name: a\n  levels: []\n", 3, "levels",
       "list at least one level, the backing store first"},
  };
  for (const auto &c : cases) {
    INFO(c.what);
    const auto path = spec_file("case.yaml", c.text);
    const auto e = spec_error([&] {
      if (c.text.rfind("workload", 0) == 0) {
        load_problem_yaml(path);
      } else {
        load_arch_yaml(path);
      }
    });
    CHECK(e.file() == path);
    CHECK(e.line() == c.line);
    CHECK(e.key() == c.key);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
}
