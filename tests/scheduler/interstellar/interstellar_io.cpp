// Readers of the Interstellar tool's JSON files and the file-level evaluation
// (scheduler/interstellar/interstellar_io.h). The texts below are written in the tool's formats for
// these tests; the tool's own files are exercised by interstellar_golden.cpp.
#include <scheduler/interstellar/interstellar_io.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

namespace {

using namespace hcl::sched::interstellar;
using Catch::Contains;

// A 4-level variant in the tool's arch format: a MAC-side register (level 0), then an RF per
// PE of an 8x8 array at level 1 (parallel_mode[1] = 2, broadcast), a global buffer and DRAM.
const char *kArch4 = R"({
    "mem_levels": 4,
    "capacity": [16, 256, 65536, 1073741824],
    "access_cost": [0.03, 0.48, 12.5, 200],
    "static_cost": [0, 0, 0, 0],
    "parallel_count": [1, 64, 1, 1],
    "mac_capacity": 1,
    "parallel_mode": [0, 2, 0, 0],
    "parallel_cost": [0.05],
    "precision": 16
})";

const char *kLayer = R"({
    "fmap_width": 8,
    "fmap_height": 6,
    "input_fmap_channel": 4,
    "output_fmap_channel": 8,
    "window_width": 3,
    "window_height": 3,
    "stride_width": 2
})";

const char *kMapping = R"({
 "name": "ignored: a case object of expected.json carries more keys",
 "blockings": {"FX": [3, 1, 1, 1], "FY": [1, 3, 1, 1], "OX": [2, 1, 4, 1], "OY": [1, 1, 3, 2],
               "OC": [1, 1, 1, 1], "IC": [1, 2, 1, 2], "ON": [1, 1, 1, 1]},
 "partitionings": {"FX": [1, 1, 1, 1], "FY": [1, 1, 1, 1], "OX": [1, 1, 1, 1], "OY": [1, 1, 1, 1],
                   "OC": [1, 8, 1, 1], "IC": [1, 1, 1, 1], "ON": [1, 1, 1, 1]},
 "orders": {"FX": [0, 6, 6, 6], "FY": [6, 0, 6, 6], "OX": [1, 6, 0, 6], "OY": [6, 6, 1, 0],
            "OC": [6, 6, 6, 6], "IC": [6, 1, 6, 1], "ON": [6, 6, 6, 6]},
 "para_loop_dim": [null, [[4]], null, null]
})";

std::string message_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  FAIL("expected std::invalid_argument");
  return {};
}

std::filesystem::path write_temp(const std::string &name, const std::string &text) {
  const auto dir = std::filesystem::path(HCL_BINARY_DIR) / "interstellar_io_tmp";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

} // namespace

TEST_CASE("interstellar io: the layer reader applies the tool's defaults and halo") {
  const Layer l = parse_layer(kLayer, "layer.json");
  CHECK(l.wofm == 8);
  CHECK(l.hofm == 6);
  CHECK(l.nifm == 4);
  CHECK(l.nofm == 8);
  CHECK(l.nimg == 1); // batch_size defaults to 1
  CHECK(l.wstd == 2);
  CHECK(l.hstd == 1);
  CHECK(l.wifm() == 3 + 7 * 2);
  CHECK(l.hifm() == 3 + 5);
  CHECK(l.tensor_sizes() == std::array<std::int64_t, 3>{17 * 8 * 4, 8 * 6 * 8, 3 * 3 * 4 * 8});
}

TEST_CASE("interstellar io: the arch reader converts bytes to words and assigns array costs") {
  const ArchSpec a = parse_arch(kArch4, "arch.json");
  REQUIRE(a.levels == 4);
  CHECK(a.capacity_words(0) == 8);
  CHECK(a.capacity_words(1) == 128);
  CHECK(a.access_cost[2] == 12.5);
  CHECK(a.parallel_mode == std::vector<int>{0, 2, 0, 0});
  CHECK(a.array_cost(1) == 0.05);
  CHECK(a.array_dim == std::vector<int>{1, 2, 1, 1}); // default: 2-D where there are PEs
  CHECK(a.mac_capacity == 1);
  CHECK(a.utilization_threshold == 0.5);
  CHECK(a.replication);
}

TEST_CASE("interstellar io: the mapping reader round-trips the tool's mapping form") {
  const MappingSpec m = parse_mapping(kMapping, "m.json");
  REQUIRE(m.levels == 4);
  CHECK(m.blocking[OY][3] == 2);
  CHECK(m.partitioning[OC][1] == 8);
  CHECK(m.order[IC][1] == 1);
  CHECK_FALSE(m.para_loop_dim[0].present);
  REQUIRE(m.para_loop_dim[1].present);
  CHECK(m.para_loop_dim[1].count == 1);
  CHECK(m.para_loop_dim[1].dims[0].loops[0] == OC);
  const MappingSpec again = parse_mapping(mapping_to_json(m).dump(), "again.json");
  CHECK(mapping_to_json(again) == mapping_to_json(m));
  REQUIRE_NOTHROW(check_mapping(parse_layer(kLayer, "l"), parse_arch(kArch4, "a"), m, "m"));
  CHECK_FALSE(mapping_to_json(m).contains("shares")); // every share is blocking x partitioning
}

TEST_CASE("interstellar io: shares that differ from their factors are written and read back") {
  MappingSpec m = parse_mapping(kMapping, "m.json");
  m.blocking[OC][1] = 2; // 8 PEs in 2 steps for a share of 12
  m.share[OC][1] = 12;
  const nlohmann::json j = mapping_to_json(m);
  REQUIRE(j.contains("shares"));
  CHECK(j.at("shares").at("OC")[1] == 12);
  CHECK(j.at("shares").at("OY")[3] == 2); // the others as blocking x partitioning
  const MappingSpec again = parse_mapping(j.dump(), "again.json");
  CHECK(again.share[OC][1] == 12);
  CHECK(mapping_to_json(again) == j);
}

TEST_CASE("interstellar io: evaluate_files reports energies in the tool's order") {
  const auto layer = write_temp("layer.json", kLayer);
  const auto arch = write_temp("arch.json", kArch4);
  const auto mapping = write_temp("mapping.json", kMapping);
  const nlohmann::json out = evaluate_files(layer, arch, mapping);
  CHECK(out.at("mode") == "interstellar");
  CHECK(out.at("macs") == 8 * 6 * 4 * 8 * 3 * 3);
  CHECK(out.at("level_cost_order") == nlohmann::json::array({"L0", "L1", "array1", "L2", "L3"}));
  const auto &e = out.at("level_energies_pj");
  REQUIRE(e.size() == 5);
  const Result r = evaluate(read_layer(layer), read_arch(arch), read_mapping(mapping));
  for (int i = 0; i < 5; ++i) {
    CHECK(e[i].get<double>() == r.entries[i].energy_pj);
    CHECK(out.at("levels")[i].at("energy_pj") == e[i]);
  }
  CHECK(out.at("energy_pj").get<double>() == r.energy_pj);
  CHECK(out.at("levels")[2].at("kind") == "array");
  CHECK(out.at("levels")[2].at("parallel_mode") == "broadcast");
  CHECK(out.at("levels")[1].at("instances") == 64);
  CHECK(out.at("levels")[0].at("tensors").at("Outputs").contains("accesses_per_element"));
  CHECK(out.contains("valid"));
  CHECK(out.at("violations").is_array());
}

TEST_CASE("interstellar io: evaluate_files rejects a mapping that does not cover the layer") {
  std::string bad = kMapping;
  bad.replace(bad.find("\"OC\": [1, 8, 1, 1]"), 18, "\"OC\": [1, 4, 1, 1]");
  // Own file names: ctest may run the tests of this file in parallel.
  const auto layer = write_temp("bad_case_layer.json", kLayer);
  const auto arch = write_temp("bad_case_arch.json", kArch4);
  const auto mapping = write_temp("bad_mapping.json", bad);
  const std::string msg = message_of([&] { evaluate_files(layer, arch, mapping); });
  CHECK_THAT(msg, Contains("bad_mapping.json") && Contains("OC cover 4 of the layer's 8 indices"));
}

TEST_CASE("interstellar io: unreadable files and invalid JSON name the file") {
  CHECK_THAT(message_of([] { read_layer("/nonexistent/layer.json"); }),
             Contains("/nonexistent/layer.json: cannot open file"));
  CHECK_THAT(message_of([] { parse_arch("{\"mem_levels\": 3,", "arch.json"); }),
             Contains("arch.json: not valid JSON"));
  CHECK_THAT(message_of([] { parse_layer("[1, 2]", "layer.json"); }),
             Contains("layer.json:1: top level: expected a JSON object"));
}

TEST_CASE("interstellar io: a number no double holds is invalid JSON naming the file") {
  // Found by the spec mutation fuzzer: the JSON parser reports it as out_of_range, not as a
  // parse error, and it used to escape as an internal error (exit 1).
  CHECK_THAT(message_of([] { parse_mapping(R"({"blockings": {"ON": [1e309, 1, 1]}})", "m.json"); }),
             Contains("m.json: not valid JSON") && Contains("number overflow parsing '1e309'"));
  CHECK_THAT(message_of([] { parse_layer(R"({"fmap_width": -1e400})", "l.json"); }),
             Contains("l.json: not valid JSON"));
}

TEST_CASE("interstellar io: layer errors name file, line, field and what is valid") {
  CHECK_THAT(message_of([] { parse_layer(R"({"fmap_width": 8})", "l.json"); }),
             Contains("l.json: fmap_height: missing; expected a positive integer"));
  CHECK_THAT(
      message_of([] { parse_layer("{\n \"fmap_width\": 8,\n \"fmap_height\": 0\n}", "l.json"); }),
      Contains("l.json:3: fmap_height: got 0; expected a positive integer"));
  CHECK_THAT(message_of([] { parse_layer(R"({"fmap_width": "8"})", "l.json"); }),
             Contains("fmap_width: got \"8\""));
  // The tool would silently default a misspelt stride to 1.
  std::string typo = kLayer;
  typo.replace(typo.find("stride_width"), 12, "stride_widht");
  CHECK_THAT(message_of([&] { parse_layer(typo, "l.json"); }),
             Contains("l.json:8: stride_widht: unknown key; did you mean \"stride_width\"?"));
}

TEST_CASE("interstellar io: a layer whose counts do not fit names the field") {
  std::string big = kLayer;
  big.replace(big.find("\"input_fmap_channel\": 4"), 23, "\"input_fmap_channel\": 4000000000000");
  CHECK_THAT(message_of([&] { parse_layer(big, "l.json"); }),
             Contains("l.json:4: input_fmap_channel:") && Contains("2^48"));
}

TEST_CASE("interstellar io: arch errors name file, line, field and what is valid") {
  auto with = [](const std::string &from, const std::string &to) {
    std::string s = kArch4;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK_THAT(message_of([&] { parse_arch(with("[0.03, 0.48, 12.5, 200]", "[0.03, 0.48]"), "a"); }),
             Contains("a:4: access_cost: got [0.03,0.48]; expected a list of 4"));
  CHECK_THAT(message_of([&] { parse_arch(with("[0, 2, 0, 0]", "[0, 3, 0, 0]"), "a"); }),
             Contains("parallel_mode[1]: got 3; expected 0 (no array), 1 (neighbour) or 2"));
  CHECK_THAT(message_of([&] { parse_arch(with("[0, 2, 0, 0]", "[2, 2, 0, 0]"), "a"); }),
             Contains("parallel_mode[0]: is 2 but parallel_count[0] is 1"));
  CHECK_THAT(message_of([&] { parse_arch(with("[0.05]", "[]"), "a"); }),
             Contains("parallel_cost: got []; expected a list of at least 1"));
  CHECK_THAT(message_of([&] { parse_arch(with("\"precision\": 16", "\"precision\": 12"), "a"); }),
             Contains("precision: got 12; expected bits per word, a multiple of 8"));
  CHECK_THAT(message_of([&] { parse_arch(with("\"mem_levels\": 4", "\"mem_levels\": 9"), "a"); }),
             Contains("mem_levels: got 9; at most 8 levels"));
  CHECK_THAT(message_of([&] { parse_arch(with("\"mac_capacity\": 1,", ""), "a"); }),
             Contains("a: mac_capacity: missing; expected 0 or 1"));
  CHECK_THAT(message_of([&] { parse_arch(with("[16, 256,", "[16, -256,"), "a"); }),
             Contains("capacity[1]: got -256; expected positive integers (bytes)"));
}

TEST_CASE("interstellar io: mapping errors name file, line, field and what is valid") {
  auto with = [](const std::string &from, const std::string &to) {
    std::string s = kMapping;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK_THAT(
      message_of([&] { parse_mapping(with("\"FY\": [1, 3, 1, 1]", "\"FZ\": [1, 3, 1, 1]"), "m"); }),
      Contains("m:3: blockings.FZ: unknown loop; expected one of FX, FY, OX, OY, OC, IC, ON"));
  CHECK_THAT(
      message_of([&] { parse_mapping(with("\"ON\": [1, 1, 1, 1]}", "\"ON\": [1, 1, 1]}"), "m"); }),
      Contains("blockings.ON: has 3 levels, other loops have 4"));
  CHECK_THAT(
      message_of([&] { parse_mapping(with("\"OC\": [1, 8, 1, 1]", "\"OC\": [1, 0, 1, 1]"), "m"); }),
      Contains("m:6: partitionings.OC[1]: got 0; expected positive integers"));
  CHECK_THAT(
      message_of([&] { parse_mapping(with("\"FX\": [0, 6, 6, 6]", "\"FX\": [0, 6, 9, 6]"), "m"); }),
      Contains("orders.FX[2]: got 9; expected 0 (innermost) .. 6 (absent)"));
  CHECK_THAT(message_of([&] {
               parse_mapping(with("[null, [[4]], null, null]", "[null, [[7]], null, null]"), "m");
             }),
             Contains("m:9: para_loop_dim[1][0][0]: got 7; expected a loop index 0..6"));
  CHECK_THAT(message_of([&] {
               parse_mapping(with("[null, [[4]], null, null]", "[null, [[4, 5, 6]], null, null]"),
                             "m");
             }),
             Contains("para_loop_dim[1][0]: got [4,5,6]; expected [loop] or [inner, outer]"));
  CHECK_THAT(
      message_of([&] { parse_mapping(with("[null, [[4]], null, null]", "[[[4]]]"), "m"); }),
      Contains("para_loop_dim: got [[[4]]]; expected a list with one entry per memory level"));
  CHECK_THAT(message_of([&] { parse_mapping(with("\"orders\"", "\"order\""), "m"); }),
             Contains("order: unknown key; did you mean \"orders\"?"));
}

TEST_CASE("interstellar io: schedule hints are read and matched against mappings") {
  const char *hint_text = R"({
    "schedule_hint": {
        "OC": {"level1": {"order": 4, "partitioning_size": 4}},
        "FX": {"level0": {"order": 0, "blocking_size": 3, "partitioning_size": 1}}
    }
})";
  const ScheduleHint h = parse_schedule_hint(hint_text, "h.json", 4);
  CHECK(h.loops[OC][1].present);
  CHECK(h.loops[OC][1].partitioning == 4);
  CHECK(h.loops[OC][1].blocking == -1);
  CHECK(h.loops[FX][0].blocking == 3);
  CHECK_FALSE(h.loops[IC][0].present);
  MappingSpec m = parse_mapping(kMapping, "m.json");
  CHECK(follows_hint(h, m)); // 8 PEs on OC: a multiple of the hinted 4
  m.blocking[FX][0] = 1;
  m.blocking[FX][1] = 3;
  CHECK_FALSE(follows_hint(h, m));

  CHECK_THAT(
      message_of([&] { parse_schedule_hint(hint_text, "h.json", 1); }),
      Contains("h.json:3: schedule_hint.OC.level1: expected a key \"level0\" .. \"level0\""));
  CHECK_THAT(message_of([] {
               parse_schedule_hint(R"({"schedule_hint": {"OC": {"level0": {"blocking": 2}}}})",
                                   "h.json", 3);
             }),
             Contains("schedule_hint.OC.level0.blocking: unknown key; expected order, "
                      "blocking_size or partitioning_size"));
  CHECK_THAT(message_of([] { parse_schedule_hint(R"({"schedule_hint": {"OQ": {}}})", "h", 3); }),
             Contains("schedule_hint.OQ: unknown loop"));
  CHECK_THAT(message_of([] { parse_schedule_hint(R"({"partition_loops": [1]})", "h", 3); }),
             Contains("h: schedule_hint: missing"));
}
