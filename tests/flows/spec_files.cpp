// Spec files recognized by content: ours and Timeloop's load, anything else is refused naming
// the file and what was expected.
#include <flows/spec_files.h>

#include "scratch_dir.h"
#include "timeloop_dump.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

namespace {

using namespace hcl::flows;

const std::string kRoot = HCL_SOURCE_DIR;

TEST_CASE("spec files: our workload and Timeloop's problem both load") {
  const auto ours = load_problem_file(kRoot + "/examples/schedules/alexnet_conv3.workload.yaml");
  CHECK(ours.macs() == 3LL * 3 * 13 * 13 * 256 * 384);
  const auto tl = load_problem_file(kRoot + "/tests/data/evaluate/conv1d_k.prob.yaml");
  CHECK(tl.macs() > 0);
}

TEST_CASE("spec files: a file of another kind names what was expected") {
  const std::string arch = kRoot + "/examples/arch/tpu_like.yaml";
  CHECK_THROWS_WITH(load_problem_file(arch), Catch::Contains("tpu_like.yaml: not a problem file") &&
                                                 Catch::Contains("'workload:'"));
  const auto p = load_problem_file(kRoot + "/examples/schedules/alexnet_conv3.workload.yaml");
  CHECK_THROWS_WITH(load_arch_file(kRoot + "/examples/schedules/alexnet_conv3.workload.yaml", p),
                    Catch::Contains("not an architecture file"));
  const auto a = load_arch_file(kRoot + "/examples/arch/interstellar_baseline.yaml", p).arch;
  CHECK_THROWS_WITH(load_mapping_file(arch, p, a), Catch::Contains("not a mapping file"));
  CHECK_THROWS_AS(load_arch_file(kRoot + "/examples/arch/interstellar_baseline.yaml", p,
                                 kRoot + "/examples/arch/tpu_like.yaml"),
                  UsageError);
}

TEST_CASE("spec files: a schedule loads against its layer and arch") {
  const auto p = load_problem_file(kRoot + "/examples/schedules/alexnet_conv3.workload.yaml");
  const auto a = load_arch_file(kRoot + "/examples/arch/interstellar_baseline.yaml", p).arch;
  const auto m = load_mapping_file(
      kRoot + "/examples/schedules/alexnet_conv3.interstellar_baseline.schedule.yaml", p, a);
  CHECK(m.levels.size() == a.levels.size());
}

} // namespace

TEST_CASE("spec files: a whole Timeloop input in one file is both the problem and the arch") {
  // timeloopfe's parsed-processed-input.yaml, as the exercises' ref_outputs hold it: the
  // problem comes first, and every component carries `enabled: true`.
  const std::string path =
      (hcl::test::scratch_dir("spec-files-dump") / "parsed-processed-input.yaml").string();
  std::ofstream(path) << hcl::test::kTimeloopDumpProblem << R"(architecture:
  version: '0.4'
  subtree:
    - name: system_top_level
      attributes: {technology: 45nm}
      local:
        - name: DRAM[1..1]
          class: DRAM
          attributes: {width: 64, datawidth: 8}
          enabled: true
        - name: buffer[1..1]
          class: SRAM
          attributes: {depth: 256, width: 8, datawidth: 8}
          enabled: true
        - name: mac[1..1]
          class: intmac
          attributes: {datawidth: 8}
          enabled: true
mapping: []
)";
  const auto p = load_problem_file(path);
  CHECK(p.macs() == 3 * 16);
  const auto a = load_arch_file(path, p).arch;
  CHECK(a.levels.size() == 2);
}
