#include <scheduler/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "scratch_dir.h"

using namespace hcl::sched;

namespace {

const std::string kSpecs = HCL_SOURCE_DIR "/tests/data/specs/";
const std::string kArchDir = HCL_SOURCE_DIR "/examples/arch/";

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
std::string spec_file(const std::string &name, const std::string &text) {
  const auto dir = hcl::test::scratch_dir("spec-yaml");
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

Problem load_layer(const std::string &body) {
  return load_problem_yaml(spec_file("layer.yaml", "workload:\n" + body));
}

std::int64_t bound(const Problem &p, const char *dim) {
  return p.bounds.at(static_cast<std::size_t>(p.dim_index(dim)));
}

} // namespace

// ---- workload ----------------------------------------------------------------------------

TEST_CASE("conv2d given by input size derives P and Q like PyTorch") {
  const Problem p = load_problem_yaml(kSpecs + "conv_hw.workload.yaml");
  CHECK(p.name == "conv1");
  CHECK(bound(p, "P") == 112); // (224 + 2*3 - 7) / 2 + 1
  CHECK(bound(p, "Q") == 112);
  CHECK(p.macs() == 118013952); // 112*112*64*3*7*7, as torchvision's ResNet conv1
  // Inputs footprint spans the strided window: 2*(112-1) + 7 = 229 = 224 + 2*3 - 1 rows.
  CHECK(p.tensor_size(1) == 3 * 229 * 229);
}

TEST_CASE("workload types: grouped, depthwise, gemm, fc and generic") {
  const Problem g = load_layer("  {name: g, type: conv2d, C: 96, K: 256, P: 27, Q: 27, R: 5, "
                               "S: 5, groups: 2}\n");
  CHECK(g.dim_names.back() == "G");
  CHECK(g.macs() == 223948800); // AlexNet conv2 as published (Sze et al. 2017)

  const Problem d = load_layer("  {name: d, type: depthwise, C: 32, H: 112, W: 112, R: 3, S: 3, "
                               "stride: 2, padding: 1}\n");
  CHECK(bound(d, "G") == 32);
  CHECK(bound(d, "C") == 1);
  CHECK(bound(d, "K") == 1);
  CHECK(bound(d, "P") == 56);
  CHECK(d.macs() == 32 * 56 * 56 * 9);

  const Problem m = load_layer("  {name: m, type: gemm, M: 64, N: 32, K: 128}\n");
  CHECK(m.macs() == 64 * 32 * 128);
  CHECK(m.tensor_size(0) == 32 * 128); // Weights K x N
  CHECK(m.tensor_size(1) == 64 * 128); // Inputs M x K

  const Problem f = load_layer("  {name: f, type: fc, N: 4, C: 9216, K: 4096}\n");
  CHECK(f.macs() == 4LL * 9216 * 4096);
  CHECK(f.tensor_size(0) == 9216 * 4096);

  const Problem c1 = load_layer("  name: conv1d\n  type: generic\n  dims: {R: 3, P: 16}\n"
                                "  tensors:\n"
                                "    - {name: Weights, projection: [R]}\n"
                                "    - {name: Inputs, projection: ['P + R']}\n"
                                "    - {name: Outputs, read_write: true, projection: [P]}\n");
  CHECK(c1.dim_names == std::vector<std::string>{"R", "P"});
  CHECK(c1.tensor_size(1) == 18);
  CHECK(c1.tensors[2].read_write);

  const Problem strided = load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 4}\n"
                                     "  tensors:\n    - {name: I, projection: ['2*P + R*1']}\n");
  CHECK(strided.tensor_size(0) == 2 * 3 + 3);
}

TEST_CASE("workload errors name file, line and key") {
  auto e = spec_error([] { load_problem_yaml(kSpecs + "bad_unknown_key.workload.yaml"); });
  CHECK(e.file() == kSpecs + "bad_unknown_key.workload.yaml");
  CHECK(e.line() == 10);
  CHECK(e.key() == "strides");
  CHECK_THAT(e.message(), Catch::Contains("unknown key in a conv2d layer; valid keys are: name, "
                                          "type, N, C, P, Q, H, W, R, S, stride, dilation, "
                                          "padding, K, groups"));

  e = spec_error([] {
    load_layer("  name: x\n  type: conv2d\n  C: 3\n  K: 8\n  H: 32\n  P: 30\n  R: 3\n  S: 3\n"
               "  Q: 30\n  padding: 1\n");
  });
  CHECK(e.line() == 7);
  CHECK(e.key() == "P");
  CHECK(e.message() == "P = 30 does not match H = 32 with padding 1, stride 1, dilation 1 and "
                       "R = 3, which gives 32");

  e = spec_error([] { load_layer("  {name: x, type: conv2d, C: 3, K: 8, P: 4, R: 3, S: 3}\n"); });
  CHECK(e.line() == 1); // the layer's own key
  CHECK(e.key() == "workload");
  CHECK(e.message() == "give the output size Q or the input size W (with padding)");

  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 6, K: 8, P: 4, Q: 4, R: 1, S: 1, groups: 4}\n");
  });
  CHECK(e.key() == "groups");
  CHECK(e.message() == "groups = 4 must divide both C = 6 and K = 8");

  e = spec_error([] { load_layer("  {name: x, type: conv3d}\n"); });
  CHECK(e.key() == "type");
  CHECK(e.message() == "'conv3d' is not valid; use one of: conv2d, depthwise, gemm, fc, generic");

  e = spec_error([] {
    load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 4}\n  tensors:\n"
               "    - name: I\n      projection: [P + X]\n");
  });
  CHECK(e.line() == 7);
  CHECK_THAT(e.message(), Catch::Contains("'X' is not a dimension; dimensions are: R, P"));

  e = spec_error(
      [] { load_layer("  {name: x, type: conv2d, C: 0, K: 8, P: 4, Q: 4, R: 1, S: 1}\n"); });
  CHECK(e.key() == "C");
  CHECK(e.message() == "must be at least 1, found 0");

  e = spec_error([] { load_problem_yaml(spec_file("w.yaml", "layer: {}\n")); });
  CHECK(e.line() == 1);
  CHECK(e.key() == "layer");
  CHECK_THAT(e.message(), Catch::Contains("valid keys are: workload"));
}

TEST_CASE("workloads whose counts do not fit int64 with headroom are refused at their key") {
  // C = K = P = Q = 2^20 once wrapped to a negative energy and 0 cycles, reported optimal.
  auto e = spec_error([] {
    load_layer("  name: x\n  type: conv2d\n  C: 1048576\n  K: 1048576\n  P: 1048576\n"
               "  Q: 1048576\n  R: 1\n  S: 1\n");
  });
  CHECK(e.line() == 4); // P and Q fit, C takes the MACs past 2^48
  CHECK(e.key() == "C");
  CHECK_THAT(e.message(), Catch::Contains("MACs") && Catch::Contains("2^48"));
  // Given as an input size, the blame goes to H; in a GEMM to its own key names.
  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 1, K: 1, H: 300000000000000, W: 8, R: 1, S: 1}\n");
  });
  CHECK(e.key() == "H");
  e = spec_error([] { load_layer("  {name: g, type: gemm, M: 100000000, N: 100000000, K: 1}\n"); });
  CHECK(e.key() == "N");
  e = spec_error([] {
    load_layer("  name: s\n  type: generic\n  dims: {R: 3, P: 1000000000000000}\n  tensors:\n"
               "    - {name: I, projection: [P + R]}\n");
  });
  CHECK(e.line() == 4);
  CHECK(e.key() == "P");
  // A stride multiplies no MACs but the input's span.
  e = spec_error([] {
    load_layer("  {name: x, type: conv2d, C: 1, K: 1, P: 1024, Q: 1, R: 1, S: 1, "
               "stride: 1099511627776}\n");
  });
  CHECK(e.key() == "workload");
  CHECK_THAT(e.message(), Catch::Contains("Inputs"));
}

TEST_CASE("workloads round-trip through problem_to_yaml") {
  for (const std::string body :
       {"  {name: a, type: conv2d, C: 3, K: 64, H: 224, W: 224, R: 7, S: 7, stride: 2, "
        "padding: 3}\n",
        "  {name: b, type: conv2d, C: 96, K: 256, P: 27, Q: 27, R: 5, S: 5, groups: 2, "
        "dilation: [2, 1]}\n",
        "  {name: c, type: depthwise, C: 16, multiplier: 2, P: 7, Q: 7, R: 3, S: 3}\n",
        "  {name: d, type: gemm, M: 5, N: 6, K: 7}\n",
        "  name: e\n  type: generic\n  dims: {R: 3, P: 16}\n  tensors:\n"
        "    - {name: W, projection: [R]}\n    - {name: I, projection: ['3*P + 2*R']}\n"}) {
    const Problem p = load_layer(body);
    const auto path = spec_file("rt.workload.yaml", "");
    save_problem_yaml(path, p);
    const Problem q = load_problem_yaml(path);
    CHECK(q.name == p.name);
    CHECK(q.dim_names == p.dim_names);
    CHECK(q.bounds == p.bounds);
    REQUIRE(q.tensors.size() == p.tensors.size());
    for (std::size_t t = 0; t < p.tensors.size(); ++t) {
      CHECK(q.tensor_size(static_cast<int>(t)) == p.tensor_size(static_cast<int>(t)));
      CHECK(q.tensors[t].projection.size() == p.tensors[t].projection.size());
    }
  }
}

// ---- architecture --------------------------------------------------------------------------

TEST_CASE("arch levels are read outermost first and stored innermost first") {
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  REQUIRE(a.levels.size() == 3);
  CHECK(a.levels[0].name == "RF");
  CHECK(a.levels[2].name == "DRAM");
  CHECK(a.levels[2].size_words == 0);
  CHECK(a.levels[2].read_bandwidth == 4);
  CHECK(a.levels[2].write_bandwidth == 2);
  CHECK(a.levels[1].size_words == 8192); // 16 KB of 16-bit words
  CHECK(a.levels[1].double_buffered);
  CHECK(a.levels[1].fanout_x == 4);
  CHECK(a.levels[1].fanout_y == 2);
  CHECK(a.instances(0) == 8);
  CHECK(a.levels[0].size_words == 64);
  CHECK(a.levels[0].read_energy_pj == 0.1);
  CHECK(a.levels[0].write_energy_pj == 0.2);
  CHECK(a.levels[0].update_energy_pj == 0.3);
  CHECK(a.levels[0].leak_energy_pj == 0.01);
  CHECK(a.levels[1].hop_energy_pj == 0.05);
  // Table energies: 16 KB SRAM is one halving below 32 KB -> 9 / 1.5 pJ; DRAM 200 pJ.
  CHECK(a.levels[1].read_energy_pj == Approx(6.0));
  CHECK(a.levels[2].write_energy_pj == 200.0);
  CHECK(a.mac_energy_pj == 0.5);
  CHECK(a.mac_bits == 16);
}

TEST_CASE("built-in Interstellar energy table matches the tool's ASIC files") {
  // docs/cost-model.md, "Interstellar mode", and the seed tool's arch JSON files.
  CHECK(interstellar_word_energy_pj(MemKind::RegFile, 512) == Approx(0.96));
  CHECK(interstellar_word_energy_pj(MemKind::RegFile, 64) == Approx(0.12));
  CHECK(interstellar_word_energy_pj(MemKind::SRAM, 32 * 1024) == Approx(9.0));
  CHECK(interstellar_word_energy_pj(MemKind::SRAM, 64 * 1024) == Approx(13.5));
  CHECK(interstellar_word_energy_pj(MemKind::SRAM, 128 * 1024) == Approx(20.25));
  CHECK(interstellar_word_energy_pj(MemKind::DRAM, 0) == 200.0);
  // Vector accesses pay per word: a 4-word block of a 108 KB buffer.
  const Arch eyeriss = load_arch_yaml(kArchDir + "eyeriss_like.yaml");
  CHECK(eyeriss.levels[3].name == "GlobalBuffer");
  CHECK(eyeriss.levels[3].read_energy_pj ==
        Approx(4 * interstellar_word_energy_pj(MemKind::SRAM, 108 * 1024)));
}

TEST_CASE("partitioned levels become one level per tensor scratchpad") {
  const Arch a = load_arch_yaml(kArchDir + "eyeriss_like.yaml");
  REQUIRE(a.levels.size() == 5);
  CHECK(a.levels[0].name == "PsumSpad");
  CHECK(a.levels[1].name == "InputsSpad");
  CHECK(a.levels[2].name == "WeightsSpad");
  CHECK(a.levels[0].size_words == 24);
  CHECK(a.levels[1].size_words == 12);
  CHECK(a.levels[2].size_words == 224);
  CHECK(a.levels[0].keeps == std::array<bool, 3>{false, false, true});
  CHECK(a.levels[2].keeps == std::array<bool, 3>{true, false, false});
  CHECK(a.levels[3].keeps == std::array<bool, 3>{false, true, true});
  CHECK(a.levels[3].fanout_x == 14);
  CHECK(a.levels[3].fanout_y == 12);
  CHECK(a.total_macs() == 168);
  CHECK(a.levels[3].hop_energy_pj == kInterstellarHopEnergyPj); // from the table
  CHECK(a.instances(0) == 168);
  CHECK(a.clock_ghz == 0.2);

  const Arch tpu = load_arch_yaml(kArchDir + "tpu_like.yaml");
  REQUIRE(tpu.levels.size() == 4);
  CHECK(tpu.levels[1].name == "Accumulators");
  CHECK(tpu.levels[1].word_bits == 32);
  CHECK(tpu.levels[1].size_words == 16 * 1024 * 8 / 32);
  CHECK(tpu.levels[1].fanout() == 256);
  CHECK(tpu.levels[2].fanout() == 1); // the mesh sits below the innermost partition
  CHECK(tpu.levels[2].hop_energy_pj == 0);
  CHECK(tpu.levels[1].hop_energy_pj == 2 * kInterstellarHopEnergyPj); // 32-bit partial sums
  CHECK(tpu.levels[0].size_words == 2); // the weight in use and the next (double-buffered)
  CHECK(tpu.levels[0].double_buffered);
  CHECK(tpu.levels[0].keeps == std::array<bool, 3>{true, false, false});

  const Arch bytes = load_arch_yaml(spec_file(
      "p.yaml", "arch:\n  name: a\n  levels:\n    - {name: DRAM, kind: dram}\n"
                "    - name: PE\n      kind: regfile\n      word_bits: 8\n      partitioned:\n"
                "        - {tensor: Weights, size: 12 B}\n"
                "        - {tensor: Outputs, size: 12 B, word_bits: 32}\n"));
  REQUIRE(bytes.levels.size() == 3);
  CHECK(bytes.levels[1].name == "PE_Weights");
  CHECK(bytes.levels[1].size_words == 12); // the group's 8-bit words
  CHECK(bytes.levels[0].name == "PE_Outputs");
  CHECK(bytes.levels[0].size_words == 3);
}

TEST_CASE("arch errors name file, line and key") {
  auto e = spec_error([] { load_arch_yaml(kSpecs + "bad_type.arch.yaml"); });
  CHECK(e.file() == kSpecs + "bad_type.arch.yaml");
  CHECK(e.line() == 9);
  CHECK(e.key() == "double_buffered");
  CHECK(e.message() == "expected true or false, found 'maybe'");

  const std::string head = "arch:\n  name: a\n  levels:\n    - {name: DRAM, kind: dram}\n";
  auto arch = [&](const std::string &rest) {
    return load_arch_yaml(spec_file("a.yaml", head + rest));
  };

  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 64}\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "size");
  CHECK_THAT(e.message(), Catch::Contains("'64' is not a size; write a number and a unit"));

  e = spec_error([&] { arch("    - {name: GB, kind: sram}\n"); });
  CHECK(e.line() == 5);
  CHECK_THAT(e.message(), Catch::Contains("level 'GB' of kind sram needs a size"));

  e = spec_error([&] { arch("    - {name: GB, kind: cache, size: 1 KB}\n"); });
  CHECK(e.key() == "kind");
  CHECK(e.message() == "'cache' is not valid; use one of: dram, sram, regfile, register");

  e = spec_error([&] { arch("    - {name: DRAM, kind: sram, size: 1 KB}\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "name");
  CHECK(e.message() == "level name 'DRAM' is used twice");

  e = spec_error([&] {
    arch("    - name: PE\n      kind: regfile\n      size: 64 B\n"
         "      partitioned:\n        - {tensor: Weights, size_words: 8}\n");
  });
  CHECK(e.line() == 7);
  CHECK(e.key() == "size");
  CHECK_THAT(e.message(), Catch::Contains("with 'partitioned', give size in each partition"));

  e = spec_error([&] {
    arch(
        "    - name: PE\n      kind: regfile\n      partitioned:\n"
        "        - {tensor: Weights, size_words: 8}\n        - {tensor: Weights, size_words: 8}\n");
  });
  CHECK(e.line() == 9);
  CHECK(e.key() == "tensor");
  CHECK(e.message() == "Weights has two partitions");

  e = spec_error([&] {
    arch("    - {name: GB, kind: sram, size: 1 KB, keep: [Inputs], bypass: [Weights]}\n");
  });
  CHECK(e.key() == "bypass");
  CHECK(e.message() == "give either keep or bypass, not both");

  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 1 KB, keep: [Psums]}\n"); });
  CHECK(e.key() == "keep[0]");
  CHECK(e.message() == "'Psums' is not valid; use one of: Weights, Inputs, Outputs");

  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 1 KB, mesh: {x: 4, z: 2}}\n"); });
  CHECK(e.key() == "z");
  CHECK_THAT(e.message(), Catch::Contains("unknown key in mesh; valid keys are: x, y"));

  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 3 B, word_bits: 16}\n"); });
  CHECK(e.message() == "3 bytes is not a whole number of 16-bit words");

  e = spec_error([] {
    load_arch_yaml(spec_file("a.yaml", "arch:\n  name: a\n  levels:\n"
                                       "    - {name: DRAM, kind: dram, bypass: [Weights]}\n"));
  });
  CHECK(e.line() == 4);
  CHECK_THAT(e.message(), Catch::Contains("backing store and must keep every tensor"));

  e = spec_error(
      [] { load_arch_yaml(spec_file("a.yaml", "arch:\n  name: a\n  clock: 1\n  levels: []\n")); });
  CHECK(e.line() == 3);
  CHECK(e.key() == "clock");
  CHECK_THAT(e.message(), Catch::Contains("valid keys are: name, word_bits, clock_ghz, mac, "
                                          "energy_table, area_table, levels"));
}

TEST_CASE("architectures whose PEs, sizes or bandwidths overflow the counts are refused") {
  const std::string head = "arch:\n  name: a\n  levels:\n    - {name: DRAM, kind: dram}\n";
  auto arch = [&](const std::string &rest) {
    return load_arch_yaml(spec_file("a.yaml", head + rest));
  };
  auto e = spec_error([&] {
    arch("    - {name: GB, kind: sram, size: 64 KB, mesh: {x: 1048576, y: 1048576}}\n"
         "    - {name: RF, kind: regfile, size_words: 16, mesh: {x: 1048576}}\n");
  });
  CHECK(e.line() == 6);
  CHECK(e.key() == "mesh");
  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 1000000000 GB}\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "size");
  e = spec_error([&] { arch("    - {name: GB, kind: sram, size_words: 9007199254740992}\n"); });
  CHECK(e.key() == "size");
  e = spec_error([&] { arch("    - {name: GB, kind: sram, size: 64 KB, bandwidth: 0.001}\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "bandwidth");
  CHECK_THAT(e.message(), Catch::Contains("0.0625"));
}

TEST_CASE("arch_to_yaml round-trips every bundled architecture") {
  for (const std::string f :
       {"eyeriss_like", "tpu_like", "interstellar_baseline", "interstellar_64reg", "small"}) {
    const Arch a =
        load_arch_yaml(f == "small" ? kSpecs + "small.arch.yaml" : kArchDir + f + ".yaml");
    const auto path = spec_file("rt.arch.yaml", "");
    save_arch_yaml(path, a);
    const Arch b = load_arch_yaml(path);
    INFO(f);
    CHECK(b.name == a.name);
    CHECK(b.clock_ghz == a.clock_ghz);
    CHECK(b.mac_energy_pj == a.mac_energy_pj);
    REQUIRE(b.levels.size() == a.levels.size());
    for (std::size_t i = 0; i < a.levels.size(); ++i) {
      const auto &x = a.levels[i];
      const auto &y = b.levels[i];
      CHECK(y.name == x.name);
      CHECK(y.kind == x.kind);
      CHECK(y.size_words == x.size_words);
      CHECK(y.word_bits == x.word_bits);
      CHECK(y.block_size == x.block_size);
      CHECK(y.read_bandwidth == x.read_bandwidth);
      CHECK(y.write_bandwidth == x.write_bandwidth);
      CHECK(y.double_buffered == x.double_buffered);
      CHECK(y.keeps == x.keeps);
      CHECK(y.read_energy_pj == x.read_energy_pj);
      CHECK(y.write_energy_pj == x.write_energy_pj);
      CHECK(y.update_energy_pj == x.update_energy_pj);
      CHECK(y.leak_energy_pj == x.leak_energy_pj);
      CHECK(y.hop_energy_pj == x.hop_energy_pj);
      CHECK(y.fanout_x == x.fanout_x);
      CHECK(y.fanout_y == x.fanout_y);
    }
  }
}

TEST_CASE("bundled Interstellar architectures carry the tool's numbers") {
  // Seed tool arch/3_level_mem_baseline_asic.json: capacity [512 B, 128 KB, -], access_cost
  // [0.96, 20, 200], parallel_count 256 at the RF.
  const Arch a = load_arch_yaml(kArchDir + "interstellar_baseline.yaml");
  REQUIRE(a.levels.size() == 3);
  CHECK(a.levels[0].size_words == 256);
  CHECK(a.levels[1].size_words == 65536);
  CHECK(a.levels[0].read_energy_pj == 0.96);
  CHECK(a.levels[1].read_energy_pj == 20);
  CHECK(a.levels[2].read_energy_pj == 200);
  CHECK(a.instances(0) == 256);
  CHECK(a.levels[1].hop_energy_pj == 0.035);
  CHECK(a.mac_energy_pj == 0);
  const Arch r = load_arch_yaml(kArchDir + "interstellar_64reg.yaml");
  CHECK(r.levels[0].size_words == 32);
  CHECK(r.levels[0].read_energy_pj == 0.12);
}

// ---- schedule --------------------------------------------------------------------------------

TEST_CASE("a schedule file loads into a valid mapping") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  const Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  REQUIRE(m.levels.size() == 3);
  const auto K = p.dim_index("K");
  const auto C = p.dim_index("C");
  const auto &gb = m.levels[1];
  REQUIRE(gb.temporal.size() == 4);
  CHECK(gb.temporal[0].dim == p.dim_index("Q")); // innermost first, as in `order`
  CHECK(gb.temporal[3].dim == K);
  REQUIRE(gb.spatial_x.size() == 1);
  CHECK(gb.spatial_x[0].dim == K);
  CHECK(gb.spatial_x[0].factor == 4);
  CHECK(gb.spatial_y[0].dim == C);
  CHECK(gb.keep == std::array<bool, 3>{false, true, true});
  CHECK(m.levels[0].keep == std::array<bool, 3>{true, true, true});
  CHECK_NOTHROW(validate(p, a, m));
  CHECK(tile_words(p, a, m, 0) == 18 + 18 + 1);
}

TEST_CASE("schedule round-trips through mapping_to_yaml") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  const Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  const auto path = spec_file("rt.schedule.yaml", "");
  save_mapping_yaml(path, p, a, m);
  const Mapping n = load_mapping_yaml(path, p, a);
  REQUIRE(n.levels.size() == m.levels.size());
  for (std::size_t l = 0; l < m.levels.size(); ++l) {
    const auto same = [](const std::vector<Loop> &x, const std::vector<Loop> &y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].dim != y[i].dim || x[i].factor != y[i].factor) {
          return false;
        }
      }
      return true;
    };
    CHECK(same(n.levels[l].temporal, m.levels[l].temporal));
    CHECK(same(n.levels[l].spatial_x, m.levels[l].spatial_x));
    CHECK(same(n.levels[l].spatial_y, m.levels[l].spatial_y));
    CHECK(n.levels[l].keep == m.levels[l].keep);
  }
}

TEST_CASE("padded schedules say so and load back") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  Mapping m = load_mapping_yaml(kSpecs + "small.schedule.yaml", p, a);
  const std::string plain = mapping_to_yaml(p, a, m);
  CHECK(plain.find("padding") == std::string::npos);
  m.levels[0].temporal.back().factor = 3; // C: 3 * 2 * 2 = 12 > 8; the outer step is still needed
  const std::string padded = mapping_to_yaml(p, a, m);
  CHECK_THAT(padded, Catch::Contains("padding: true"));
  const auto path = spec_file("pad.schedule.yaml", padded);
  const Mapping back = load_mapping_yaml(path, p, a);
  CHECK(back.levels[0].temporal.back().factor == 3);
  // Without the flag the same factors are an error.
  const auto e = spec_error([&] {
    load_mapping_yaml(spec_file("nopad.schedule.yaml", plain.substr(0, plain.find("levels:")) +
                                                           padded.substr(padded.find("levels:"))),
                      p, a);
  });
  CHECK(e.key() == "C");
  CHECK(e.message() == "factors of C multiply to 12, layer has 8");
}

TEST_CASE("the bundled example schedule is valid on its architecture") {
  const std::string dir = HCL_SOURCE_DIR "/examples/schedules/";
  const Problem p = load_problem_yaml(dir + "alexnet_conv3.workload.yaml");
  const Arch a = load_arch_yaml(kArchDir + "interstellar_baseline.yaml");
  const Mapping m =
      load_mapping_yaml(dir + "alexnet_conv3.interstellar_baseline.schedule.yaml", p, a);
  CHECK(tile_words(p, a, m, 0) == 73); // numbers quoted in the file's comment
  CHECK(tile_words(p, a, m, 1) == 26320);

  const Arch eyeriss = load_arch_yaml(kArchDir + "eyeriss_like.yaml");
  const Mapping rs =
      load_mapping_yaml(dir + "alexnet_conv3.eyeriss_like.schedule.yaml", p, eyeriss);
  CHECK(tile_words(p, eyeriss, rs, 0) == 16);  // PsumSpad
  CHECK(tile_words(p, eyeriss, rs, 1) == 3);   // InputsSpad
  CHECK(tile_words(p, eyeriss, rs, 2) == 192); // WeightsSpad
  CHECK(tile_words(p, eyeriss, rs, 3) == 19808);
}

TEST_CASE("schedule errors name file, line and key") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  auto e = spec_error([&] { load_mapping_yaml(kSpecs + "bad_capacity.schedule.yaml", p, a); });
  CHECK(e.file() == kSpecs + "bad_capacity.schedule.yaml");
  CHECK(e.line() == 9);
  CHECK(e.key() == "RF");
  CHECK(e.message() == "tile needs 110 words at RF, capacity 64: Weights 72 + Inputs 36 + "
                       "Outputs 2");

  auto sched = [&](const std::string &levels) {
    return load_mapping_yaml(spec_file("s.yaml", "schedule:\n  levels:\n" + levels), p, a);
  };
  e = spec_error([&] { sched("    - {level: SRAM}\n"); });
  CHECK(e.line() == 3);
  CHECK(e.key() == "level");
  CHECK(e.message() == "'SRAM' is not a level of architecture 'small'; its levels are: DRAM, "
                       "GlobalBuffer, RF");

  e = spec_error([&] { sched("    - {level: DRAM}\n    - {level: DRAM}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.message() == "level 'DRAM' is scheduled twice (first at line 3)");

  e = spec_error([&] { sched("    - level: DRAM\n      temporal: {k: 16}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "k");
  CHECK_THAT(e.message(), Catch::Contains("'k' is not a dimension of layer 'small'; its "
                                          "dimensions are: R, S, P, Q, C, K, N"));

  e = spec_error([&] { sched("    - level: DRAM\n      temporal: {K: 16, C: 8}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "temporal");
  CHECK_THAT(e.message(), Catch::Contains("needs an 'order' (innermost first)"));

  e = spec_error(
      [&] { sched("    - level: DRAM\n      temporal: {K: 16, C: 8}\n      order: [C]\n"); });
  CHECK(e.line() == 5);
  CHECK(e.key() == "order");
  CHECK(e.message() == "the order at DRAM does not place K (factor 16); list every dimension "
                       "with a factor above 1, innermost first");

  e = spec_error([&] { sched("    - level: DRAM\n      spatial: {Z: {K: 2}}\n"); });
  CHECK(e.line() == 4);
  CHECK(e.key() == "Z");

  e = spec_error([&] { sched("    - level: RF\n      keep: [Psums]\n"); });
  CHECK(e.key() == "keep[0]");
  CHECK(e.message() == "'Psums' is not valid; use one of: Weights, Inputs, Outputs");

  e = spec_error([&] { sched("    - level: RF\n      temporal: {K: 0}\n"); });
  CHECK(e.key() == "K");
  CHECK(e.message() == "must be at least 1, found 0");

  // Product errors are not about one level; they point at `levels` and name the dimension.
  e = spec_error([&] {
    sched("    - level: DRAM\n      temporal: {K: 16, C: 8, P: 8, Q: 8, R: 3, S: 2}\n"
          "      order: [K, C, P, Q, R, S]\n");
  });
  CHECK(e.line() == 2);
  CHECK(e.key() == "S");
  CHECK(e.message() == "factors of S multiply to 2, layer has 3");

  e = spec_error([&] {
    sched("    - level: DRAM\n      temporal: {C: 8, P: 8, Q: 8, R: 3, S: 3}\n"
          "      order: [C, P, Q, R, S]\n"
          "    - {level: GlobalBuffer, spatial: {X: {K: 16}}}\n");
  });
  CHECK(e.line() == 6);
  CHECK(e.key() == "GlobalBuffer");
  CHECK_THAT(e.message(), Catch::StartsWith("spatial factor 16 on X exceeds mesh 4 below "
                                            "GlobalBuffer"));
}

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

TEST_CASE("remaining schedule errors name their line and key") {
  const Problem p = load_problem_yaml(kSpecs + "small.workload.yaml");
  const Arch a = load_arch_yaml(kSpecs + "small.arch.yaml");
  struct Case {
    const char *what;
    std::string levels;
    int line;
    const char *key;
    const char *message;
  };
  const Case cases[] = {
      {"order lists a dim twice", "    - {level: DRAM, temporal: {K: 16}, order: [K, K]}\n", 3,
       "order[1]", "'K' is listed twice in the order"},
      {"order without temporal", "    - {level: DRAM, order: [K]}\n", 3, "order",
       "an order without temporal factors has no effect at DRAM"},
      {"keep and bypass", "    - {level: RF, keep: [Inputs], bypass: [Weights]}\n", 3, "bypass",
       "give either keep or bypass, not both"},
      {"bypass at the backing store", "    - {level: DRAM, bypass: [Inputs]}\n", 3, "DRAM",
       "DRAM is the backing store and must keep Inputs"},
      {"levels not a list", "    level: DRAM\n", 2, "levels", "expected a list, found a mapping"},
  };
  for (const auto &c : cases) {
    INFO(c.what);
    const auto path = spec_file("case.yaml", "schedule:\n  levels:\n" + c.levels);
    const auto e = spec_error([&] { load_mapping_yaml(path, p, a); });
    CHECK(e.line() == c.line);
    CHECK(e.key() == c.key);
    CHECK_THAT(e.message(), Catch::Contains(c.message));
  }
  const auto e =
      spec_error([&] { load_mapping_yaml(spec_file("s.yaml", "schedule: []\n"), p, a); });
  CHECK(e.line() == 1);
  CHECK(e.key() == "schedule");
  CHECK_THAT(e.message(), Catch::Contains("expected schedule (a mapping of keys), found a list"));

  Mapping wrong;
  wrong.levels.resize(2);
  const auto w = spec_error([&] { mapping_to_yaml(p, a, wrong); });
  CHECK(w.message() == "mapping has 2 levels, architecture 'small' has 3");
}

TEST_CASE("bundled Interstellar archs agree with the seed tool's arch JSON (shared cases)") {
  const std::string dir = HCL_REFERENCE_CASES "/cases/interstellar/arch/";
  if (!std::filesystem::exists(dir)) {
    WARN("skipped: " << dir << " not found (HCL_REFERENCE_CASES is optional)");
    return;
  }
  const std::pair<const char *, const char *> pairs[] = {
      {"3_level_mem_baseline_asic.json", "interstellar_baseline.yaml"},
      {"3_level_mem_64Reg_asic.json", "interstellar_64reg.yaml"}};
  for (const auto &[json_name, yaml_name] : pairs) {
    INFO(yaml_name);
    std::ifstream in(dir + json_name);
    const auto j = nlohmann::json::parse(in);
    const Arch a = load_arch_yaml(kArchDir + yaml_name);
    const int bits = j.at("precision").get<int>();
    REQUIRE(a.levels.size() == j.at("mem_levels").get<std::size_t>());
    for (std::size_t v = 0; v < a.levels.size(); ++v) {
      const auto &lv = a.levels[v];
      CHECK(lv.word_bits == bits);
      CHECK(lv.read_energy_pj == j.at("access_cost")[v].get<double>());
      if (lv.kind != MemKind::DRAM) { // the tool's DRAM "capacity" is a stand-in for unbounded
        CHECK(lv.size_words * bits / 8 == j.at("capacity")[v].get<std::int64_t>());
      }
    }
    // parallel_count [256, 1, 1]: 256 instances of level 0.
    CHECK(a.instances(0) == j.at("parallel_count")[0].get<std::int64_t>());
    CHECK(a.levels[1].hop_energy_pj == j.at("parallel_cost")[0].get<double>());
  }
}
