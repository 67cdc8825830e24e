#include <scheduler/io/arch_yaml.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

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

TEST_CASE("a level's min_utilization is read, written back and range-checked") {
  Arch a = load_arch_yaml(kArchDir + std::string("tpu_like.yaml"));
  a.levels[1].min_utilization = 0.375;
  const auto path = spec_file("mu.arch.yaml", "");
  save_arch_yaml(path, a);
  CHECK(load_arch_yaml(path).levels[1].min_utilization == 0.375);
  CHECK_THROWS_WITH(parse_arch(load_yaml_string("arch:\n  name: x\n  levels:\n"
                                                "    - {name: DRAM, kind: dram}\n"
                                                "    - {name: B, kind: sram, size_words: 64, "
                                                "min_utilization: 1.5}\n",
                                                "mu.yaml")
                                   .at("arch")),
                    Catch::Contains("mu.yaml:5") && Catch::Contains("min_utilization"));
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
      CHECK(y.min_utilization == x.min_utilization);
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
