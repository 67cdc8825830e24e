#include <scheduler/io/energy_table.h>

#include <scheduler/io/spec_yaml.h>
#include <scheduler/validate.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/spec_files.h"

using namespace hcl::sched;
using namespace spec_test;

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
