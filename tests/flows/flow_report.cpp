// The page rendered from report.json: the stored tiny run (report_data.cpp says which) and
// hostile text. tests/integration/report_browser.sh opens a fresh run in headless Chromium.
#include <flows/flow_report.h>
#include <flows/report_data.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace hcl::flows;
using nlohmann::json;

namespace {

json load(const std::string &name) {
  std::ifstream f(std::filesystem::path(HCL_SOURCE_DIR) / "tests" / "flows" / "data" / "report" /
                  name);
  REQUIRE(f);
  return json::parse(f);
}

std::size_t count(const std::string &s, const std::string &what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("flow_report: every section in order, and the charts flow_report.h promises") {
  const json r = load("tiny_tpu_4x4.report.json");
  const std::string h = render_report(r);
  CHECK_THAT(h, Catch::StartsWith("<!DOCTYPE html>"));
  std::size_t at = 0;
  for (const char *id :
       {"summary", "network", "layers", "hardware", "studies", "checks", "files"}) {
    const std::size_t p = h.find(std::string("<section id=\"") + id + "\">");
    INFO(id);
    REQUIRE(p != std::string::npos);
    CHECK(p > at);
    at = p;
  }
  const std::size_t layers = r["layers"].size();
  CHECK(count(h, "<article id=\"layer-") == layers);
  // network 2, each layer 3, hardware 3, the dataflow study 1 (this run had no memory study).
  CHECK(count(h, "<svg class=\"chart\"") == 2 + 3 * layers + 3 + 1);
  CHECK_THAT(h, Catch::Contains("parallel_for C in [0, 4):  // spatial X"));
  CHECK_THAT(
      h, Catch::Contains("<td class=\"l\">DRAM</td><td class=\"l\">Inputs</td><td class=\"l\">reads"
                         "</td><td>392</td><td>392</td>"));
  CHECK_THAT(h, Catch::Contains("hcl_nangate45_x1.lib"));
  CHECK_THAT(h, Catch::Contains("@media print"));
  CHECK(count(h, "<div class=\"scroll\"><table>") == count(h, "<table>"));
  // Self-contained: no scripts, no external resources.
  CHECK(h.find("<script") == std::string::npos);
  CHECK(h.find("http") == std::string::npos);
  CHECK(h.find("src=") == std::string::npos);
}

TEST_CASE("flow_report: a memory study adds its chart, its chosen point in bold") {
  json r = load("tiny_tpu_4x4.report.json");
  r["studies"]["memory"] = {{"levels", {"Buffer"}},
                            {"size_bytes", {512}},
                            {"points",
                             {{{"size_bytes", {256}},
                               {"within_budget", true},
                               {"searched", true},
                               {"found", true},
                               {"objective_value", 10.0},
                               {"lower_bound", 9.0},
                               {"area_um2", 1.0}},
                              {{"size_bytes", {512}},
                               {"within_budget", true},
                               {"searched", true},
                               {"found", true},
                               {"objective_value", 8.0},
                               {"lower_bound", 8.0},
                               {"area_um2", 2.0}}}}};
  const std::string h = render_report(r);
  CHECK(count(h, "<svg class=\"chart\"") == 2 + 3 * r["layers"].size() + 3 + 2);
  CHECK_THAT(h, Catch::Contains("font-weight=\"bold\"><title>512 B</title>"));
  CHECK_THAT(h, Catch::Contains("<td class=\"l\">chosen</td>"));
  r["studies"]["memory"]["points"][0]["area_um2"] = 0.0; // no area model: unknown, not 0
  CHECK_THAT(render_report(r), Catch::Contains("<tr><td>256</td><td>-</td><td>9</td><td>10</td>"));
}

TEST_CASE("flow_report: text from the inputs is escaped everywhere it appears") {
  CHECK(html_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  json flow = load("tiny_tpu_4x4.flow.json");
  flow["inputs"]["network_name"] = "<script>x</script>";
  flow["layers"][1]["name"] = "conv<2>";
  json schedules = load("tiny_tpu_4x4.schedules.json");
  for (auto &l : schedules["layers"])
    if (l["name"] == "conv2")
      l["name"] = "conv<2>";
  flow["lint"]["diagnostics"] = {"a.v:1:1: warning[WIDTH]: x<y"};
  const std::string h = render_report(report_data(flow, schedules));
  CHECK(h.find("<script") == std::string::npos);
  CHECK_THAT(h, Catch::Contains("&lt;script&gt;x&lt;/script&gt;"));
  CHECK_THAT(h, Catch::Contains("conv&lt;2&gt;"));
  CHECK_THAT(h, Catch::Contains("x&lt;y"));
  CHECK(h.find("conv<2>") == std::string::npos);
}

TEST_CASE("flow_report: absent keys render as '-' instead of throwing") {
  CHECK_NOTHROW(render_report(json::object()));
  CHECK_NOTHROW(render_report(report_data(json::object(), json::object())));
  CHECK_THAT(render_report(json::object()), Catch::Contains("<section id=\"files\">"));
}

TEST_CASE("render_compare_report: three charts, a row per design linking its report, unbuilt "
          "designs saying why, text escaped") {
  const nlohmann::json c = {{"layer", "conv<3>"},
                            {"designs",
                             {{{"dataflow", "C|K"},
                               {"point", "B=1 B"},
                               {"folder", "p1-CK"},
                               {"passed", true},
                               {"energy_pj", {{"rtl", 100.0}, {"model", 100.0}}},
                               {"cycles", {{"rtl", 10}, {"model", 10}}},
                               {"area_um2", 5.0}},
                              {{"dataflow", "C"},
                               {"point", "B=1 B"},
                               {"folder", nullptr},
                               {"passed", false},
                               {"energy_pj", {{"rtl", 0.0}, {"model", 0.0}}},
                               {"cycles", {{"rtl", 0}, {"model", 0}}},
                               {"area_um2", 0.0},
                               {"error", "rows > 64"}}}},
                            {"dataflow_spread", {{{"point", "B=1 B"}, {"ratio", 1.0}}}},
                            {"sizing_range", {{{"dataflow", "C|K"}, {"ratio", 1.0}}}}};
  const std::string h = hcl::flows::render_compare_report(c);
  std::size_t charts = 0;
  for (std::size_t i = 0; (i = h.find("<svg class=\"chart\"", i)) != std::string::npos; ++i)
    ++charts;
  CHECK(charts == 3);
  CHECK_THAT(h, Catch::Contains("<a href=\"p1-CK/report.html\">"));
  CHECK_THAT(h, Catch::Contains("not run: rows &gt; 64"));
  CHECK_THAT(h, Catch::Contains("layer conv&lt;3&gt;"));
  CHECK_THAT(h, Catch::Contains("<section id=\"compare\">"));
  CHECK(h.find("conv<3>") == std::string::npos);
}
