// Helpers of the spec-format tests (workload_yaml.cpp, arch_yaml.cpp, schedule_yaml.cpp, ...):
// specs written into the build tree, so that error lines can be read off the test's literal.
#pragma once

#include <scheduler/io/spec_yaml.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>

#include "scratch_dir.h"

namespace spec_test {

using namespace hcl::sched;

inline const std::string kSpecs = HCL_SOURCE_DIR "/tests/data/specs/";
inline const std::string kArchDir = HCL_SOURCE_DIR "/examples/arch/";

template <class F> SpecError spec_error(F &&f) {
  try {
    f();
  } catch (const SpecError &e) {
    return e;
  }
  FAIL("expected a SpecError");
  throw;
}

// Writes a spec into the build tree so error lines can be read off the literal in the test.
inline std::string spec_file(const std::string &name, const std::string &text) {
  const auto dir = hcl::test::scratch_dir("spec-yaml");
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

inline Problem load_layer(const std::string &body) {
  return load_problem_yaml(spec_file("layer.yaml", "workload:\n" + body));
}

inline std::int64_t bound(const Problem &p, const char *dim) {
  return p.bounds.at(static_cast<std::size_t>(p.dim_index(dim)));
}

} // namespace spec_test
