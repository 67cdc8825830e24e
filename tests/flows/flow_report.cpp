#include <flows/flow_report.h>

#include <catch2/catch.hpp>

using namespace hcl::flows;

TEST_CASE("flow_report: escapes text and renders every section from the flow JSON") {
  CHECK(html_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  const nlohmann::json f = {
      {"inputs", {{"network_name", "net<1>"}, {"arch_name", "tpu"}, {"threads", 2}}},
      {"layers",
       {{{"name", "conv1"}, {"found", true}, {"optimal", false}, {"gap", 0.125},
         {"utilization", 0.5}, {"macs", 1234567}, {"config", "config/conv1.json"},
         {"schedule", "schedules/conv1.schedule.yaml"}, {"same_as", ""}}}},
      {"total", {{"all_found", true}, {"all_optimal", false}}},
      {"microarch", {{"array", {{"rows", 4}, {"cols", 2}}}, {"levels", nlohmann::json::array()}}},
      {"area", {{"total_area_um2", 10.5},
                {"modules", {{"small", {{"instances", 1}, {"area_um2", 1.0}}},
                             {"big", {{"instances", 4}, {"area_um2", 2.0}}}}}}},
      {"lint", {{"clean", false}, {"diagnostics", {"a.v:1:1: warning[WIDTH]: x<y"}}}},
      {"cosim", {{"pass", true}, {"layer", "conv1"}, {"counts_equal", true},
                 {"counts", {{"DRAM", {{"Inputs", {{"reads", {12, 12}}}}}}}}}}};
  const std::string h = render_report(f);
  CHECK_THAT(h, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(h, Catch::Contains("<title>hcl flow: net&lt;1&gt; on tpu</title>"));
  CHECK_THAT(h, Catch::Contains("gap 12.50%"));
  CHECK_THAT(h, Catch::Contains("50.0%"));
  CHECK_THAT(h, Catch::Contains("1,234,567"));
  CHECK_THAT(h, Catch::Contains("<a href=\"config/conv1.json\">"));
  CHECK_THAT(h, Catch::Contains("<span class=\"bad\">findings</span>"));
  CHECK_THAT(h, Catch::Contains("<span class=\"ok\">PASS</span>"));
  CHECK_THAT(h, Catch::Contains("x&lt;y"));
  // The co-simulated layer's counters, RTL next to model.
  CHECK_THAT(h, Catch::Contains("<td class=\"l\">DRAM</td><td class=\"l\">Inputs</td><td "
                                "class=\"l\">reads</td><td>12</td><td>12</td>"));
  // Area rows, largest total first: big (8.0) before small (1.0).
  CHECK(h.find("<td class=\"l\">big</td>") < h.find("<td class=\"l\">small</td>"));
  // Self-contained: no scripts, no external resources.
  CHECK(h.find("<script") == std::string::npos);
  CHECK(h.find("http") == std::string::npos);
  // Absent keys render as "-" instead of throwing.
  CHECK_NOTHROW(render_report(nlohmann::json::object()));
}
