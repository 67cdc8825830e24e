#include <scheduler/io/spec_kind.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

TEST_CASE("detect_spec_kind tells our formats apart by their top-level key") {
  CHECK(detect_spec_kind(kSpecs + "small.workload.yaml") == SpecKind::Workload);
  CHECK(detect_spec_kind(kSpecs + "small.arch.yaml") == SpecKind::Arch);
  CHECK(detect_spec_kind(kSpecs + "small.schedule.yaml") == SpecKind::Schedule);
  CHECK(detect_spec_kind(HCL_SOURCE_DIR "/examples/networks/vgg16.yaml") == SpecKind::Network);
  CHECK(detect_spec_kind(spec_file("tl.yaml", "problem:\n  shape: {}\n")) == SpecKind::Other);
  CHECK_THROWS_AS(detect_spec_kind(kSpecs + "bad_syntax.arch.yaml"), SpecError);
  // A stray second key still identifies the file, so its loader can name the stray key.
  const auto stray = spec_file("stray.yaml", "arch: {name: a, levels: []}\nextra: 1\n");
  CHECK(detect_spec_kind(stray) == SpecKind::Arch);
  const auto e = spec_error([&] { load_arch_yaml(stray); });
  CHECK(e.line() == 2);
  CHECK(e.key() == "extra");
}
