#include <scheduler/io/json_out.h>
#include <scheduler/model/model.h>

#include <catch2/catch.hpp>

#include "support/timeloop_cases.h"

using namespace hcl::sched;

TEST_CASE("json: exact shape, per-instance counts, innermost first, bypass absent") {
  auto c = tlcase::all_cases()[2]; // c2 ref_v4_os
  REQUIRE(c.name == "c2 ref_v4_os");
  c.mapping.levels[0].keep = {false, true, true};
  const Evaluation e = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  const nlohmann::json j = to_json(c.problem, c.arch, e);
  std::vector<std::string> keys;
  for (const auto &kv : j.items()) {
    keys.push_back(kv.key());
  }
  CHECK(keys == std::vector<std::string>{"cycles", "energy_pj", "levels", "mac_energy_pj", "macs",
                                         "utilization"});
  CHECK(j["macs"] == 48);
  CHECK(j["cycles"] == 48);
  CHECK(j["utilization"].get<double>() == Approx(1.0));
  REQUIRE(j["levels"].size() == 2);
  CHECK(j["levels"][0]["name"] == "Buffer");
  CHECK(j["levels"][0]["instances"] == 1);
  CHECK_FALSE(j["levels"][0]["tensors"].contains("Weights"));
  const auto &in = j["levels"][0]["tensors"]["Inputs"];
  std::vector<std::string> tkeys;
  for (const auto &kv : in.items()) {
    tkeys.push_back(kv.key());
  }
  CHECK(tkeys == std::vector<std::string>{"energy_pj", "fills", "reads", "updates",
                                          "utilized_capacity", "utilized_instances"});
  CHECK(in["fills"] == 18);
  CHECK(in["utilized_capacity"] == 3);
  CHECK(j["levels"][1]["tensors"]["Weights"]["reads"] == 48);
  CHECK(j["energy_pj"].get<double>() == Approx(e.energy_pj));
  // The split a report draws adds up: MACs, each level's leakage and each tensor's accesses.
  CHECK(j["mac_energy_pj"].get<double>() == Approx(48 * c.arch.mac_energy_pj));
  double parts = j["mac_energy_pj"].get<double>();
  for (const auto &l : j["levels"]) {
    parts += l["leak_energy_pj"].get<double>();
    for (const auto &t : l["tensors"])
      parts += t["energy_pj"].get<double>();
  }
  CHECK(parts == Approx(e.energy_pj).epsilon(1e-12));
  const auto b = bounds_to_json(e);
  CHECK(b["compute_cycles"] == 48);
  CHECK(b["compulsory_backing_words"] == 3 + 18 + 16);
}

TEST_CASE("json: mismatched evaluation and arch are rejected") {
  const auto c = tlcase::all_cases()[0];
  Evaluation e = evaluate(c.problem, c.arch, c.mapping, Mode::Timeloop);
  e.levels.push_back({});
  CHECK_THROWS_AS(to_json(c.problem, c.arch, e), std::invalid_argument);
}
