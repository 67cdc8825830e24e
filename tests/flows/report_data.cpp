// report.json from a stored run of `hcl flow`: the tiny network on
// tests/flows/data/flow_tpu_4x4.arch.yaml with --cosim conv2 --set out_depth=48 (flow.json and
// schedules.json as that run wrote them). The golden file pins the whole shape; the other
// checks hold for any run: every split adds up to what it splits, and every bound is one.
#include <flows/report_data.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace hcl::flows;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path data(const std::string &name) {
  return fs::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data" / "report" / name;
}

json load(const std::string &name) {
  std::ifstream f(data(name));
  REQUIRE(f);
  return json::parse(f);
}

json stored_report() {
  return report_data(load("tiny_tpu_4x4.flow.json"), load("tiny_tpu_4x4.schedules.json"));
}

double sum(const json &values) {
  double s = 0;
  for (const auto &v : values)
    s += v.get<double>();
  return s;
}

} // namespace

TEST_CASE("report_data: the stored tiny run gives the golden report.json (HCL_UPDATE_GOLDEN=1 "
          "rewrites it)") {
  const json r = stored_report();
  if (const char *u = std::getenv("HCL_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(data("tiny_tpu_4x4.report.json")) << r.dump(2) << "\n";
    WARN("updated " << data("tiny_tpu_4x4.report.json"));
    return;
  }
  const json golden = load("tiny_tpu_4x4.report.json");
  if (r != golden)
    FAIL("report_data differs from the golden file; diff:\n" << json::diff(golden, r).dump(1));
}

TEST_CASE("report_data: each split adds up to its whole and to flow.json's totals") {
  const json flow = load("tiny_tpu_4x4.flow.json");
  const json r = stored_report();
  REQUIRE(r["layers"].size() == 4);
  for (const auto &l : r["layers"]) {
    INFO(l["name"]);
    const json &e = l["energy"];
    double parts = e["mac_pj"].get<double>() + sum(e["leak_pj"]);
    for (const auto &row : e["values_pj"])
      parts += sum(row);
    CHECK(parts == Approx(e["total_pj"].get<double>()).epsilon(1e-9));
    double words = 0;
    for (const auto &t : l["traffic"]["by_tensor_words"])
      words += t["words"].get<double>();
    CHECK(words == l["traffic"]["total_words"].get<double>());
  }
  double energy = 0, cycles = 0;
  for (const auto &l : r["network"]["layers"]) {
    CHECK(sum(l["energy_by_level_pj"]) == Approx(l["energy_pj"].get<double>()).epsilon(1e-9));
    energy += l["energy_total_pj"].get<double>();
    cycles += l["repeat"].get<double>() * l["cycles"].get<double>();
  }
  CHECK(energy == Approx(flow["total"]["energy_pj"].get<double>()).epsilon(1e-9));
  const json &m = r["summary"]["metrics"];
  CHECK(m[0]["name"] == "energy_pj");
  CHECK(m[0]["value"].get<double>() == Approx(energy).epsilon(1e-12));
  CHECK(m[2]["value"].get<double>() == flow["total"]["cycles"].get<double>());
  CHECK(m[2]["value"].get<double>() == cycles);
  double kinds = 0, modules = 0;
  for (const auto &k : r["hardware"]["area"]["by_kind"])
    kinds += k["um2"].get<double>();
  for (const auto &k : r["hardware"]["area"]["by_module"])
    modules += k["total_um2"].get<double>();
  const double area = flow["area"]["total_area_um2"].get<double>();
  CHECK(kinds == Approx(area).epsilon(1e-9));
  CHECK(modules == Approx(area).epsilon(1e-9));
}

TEST_CASE("report_data: every bound is below what the schedules reach, and the order is by cost") {
  const json r = stored_report();
  for (const auto &x : r["summary"]["metrics"]) {
    INFO(x["name"]);
    if (x["ratio"].is_null())
      continue;
    if (x["better"] == "lower")
      CHECK(x["ratio"].get<double>() >= 1.0);
    else
      CHECK(x["ratio"].get<double>() <= 1.0);
  }
  for (const auto &l : r["layers"]) {
    INFO(l["name"]);
    CHECK(l["energy"]["total_pj"].get<double>() >= l["energy"]["floor_pj"].get<double>());
    CHECK(l["cycles"]["model"].get<double>() >= l["cycles"]["compute_bound"].get<double>());
    CHECK(l["traffic"]["total_words"].get<double>() >=
          l["traffic"]["compulsory_words"].get<double>());
  }
  const json &n = r["network"]["layers"];
  for (std::size_t i = 1; i < n.size(); ++i)
    CHECK(n[i - 1]["energy_total_pj"].get<double>() >= n[i]["energy_total_pj"].get<double>());
  CHECK(r["network"]["levels"].back() == "MAC");
}

TEST_CASE("report_data: the co-simulated layer carries the RTL's counts next to the model's") {
  const json r = stored_report();
  int with = 0;
  for (const auto &l : r["layers"]) {
    if (l["cosim"].is_null())
      continue;
    ++with;
    CHECK(l["name"] == "conv2");
    REQUIRE(l["cosim"]["counts"].size() >= 8);
    for (const auto &c : l["cosim"]["counts"])
      CHECK(c["equal"] == (c["rtl"] == c["model"]));
    CHECK(l["cosim"]["measured_cycles"] == l["cosim"]["predicted_cycles"]);
  }
  CHECK(with == 1);
  CHECK_FALSE(r["checks"]["cosim"].contains("counts"));
}

// The 4 x 4 array unrolls C on rows and K on columns (weight-stationary C|K): each tensor's
// movement follows from the loops it depends on.
TEST_CASE("report_data: how each tensor moves follows from its loops and the array's axes") {
  const json r = stored_report();
  const json &mv = r["hardware"]["movements"];
  REQUIRE(mv.size() == 3);
  std::map<std::string, std::string> how;
  for (const auto &m : mv)
    how[m["tensor"]] = m["how"];
  CHECK_THAT(how["Weights"], Catch::Contains("a different word in every PE") &&
                                 Catch::Contains("stationary in each PE's WeightReg"));
  CHECK_THAT(how["Inputs"],
             Catch::Contains("shared by the 4 columns") && Catch::Contains("along each row"));
  CHECK_THAT(how["Outputs"], Catch::Contains("summed PE to PE down each column over the 4 rows") &&
                                 Catch::Contains("drained to Accumulators"));
  // The same tensors on an adder tree over the 4 rows and one column.
  json flow = load("tiny_tpu_4x4.flow.json");
  flow["microarch"]["array"] = {
      {"rows", 4}, {"cols", 1}, {"row_dims", {"C"}}, {"col_dims", json::array()}};
  flow["accelerator"]["params"]["preset"] = "tree";
  const json tree = report_data(flow, load("tiny_tpu_4x4.schedules.json"));
  for (const auto &m : tree["hardware"]["movements"]) {
    INFO(m["tensor"]);
    if (m["tensor"] == "Outputs")
      CHECK_THAT(m["how"].get<std::string>(),
                 Catch::Contains("summed over the 4 rows by an adder tree"));
    else
      CHECK_THAT(m["how"].get<std::string>(), Catch::Contains("a different word in every PE"));
  }
}

TEST_CASE("report_data: absent keys and unmapped layers give nulls, not exceptions") {
  const json empty = report_data(json::object(), json::object());
  CHECK(empty["layers"].empty());
  CHECK(empty["summary"]["metrics"][0]["bound"].is_null());
  json flow = load("tiny_tpu_4x4.flow.json");
  json schedules = load("tiny_tpu_4x4.schedules.json");
  schedules["layers"][0]["evaluation"] = nullptr;
  flow["layers"][0]["found"] = false;
  const json r = report_data(flow, schedules);
  CHECK(r["layers"].size() == 3);
  CHECK_THAT(r["summary"]["metrics"][0]["bound_what"].get<std::string>(),
             Catch::Contains("layers with a mapping only"));
}
