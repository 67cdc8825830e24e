#include <flows/svg_chart.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

using namespace hcl::flows;

namespace {

std::size_t count(const std::string &s, const std::string &what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
    ++n;
  return n;
}

std::vector<double> rect_widths(const std::string &svg) {
  std::vector<double> w;
  const std::regex re("<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it)
    w.push_back(std::stod((*it)[1]));
  return w;
}

} // namespace

TEST_CASE("svg_chart: numbers read with SI prefixes, 3 significant digits") {
  CHECK(si_number(0) == "0");
  CHECK(si_number(999) == "999");
  CHECK(si_number(1234567) == "1.23 M");
  CHECK(si_number(1e9) == "1 G");
  CHECK(si_number(0.001) == "0.001");
  CHECK(si_number(std::nan("")) == "-");
}

TEST_CASE("svg_chart: stacked bars are as long as their values, one segment per non-zero part") {
  BarChart c{"energy <by> level",
             "pJ",
             {"DRAM", "Buffer & co"},
             {"Weights", "Inputs"},
             {{100, 300}, {200, 0}},
             {{"floor", {350, std::nan("")}}},
             1};
  const std::string s = svg_bar_chart(c);
  CHECK_THAT(s, Catch::StartsWith("<svg class=\"chart\" role=\"img\""));
  CHECK_THAT(s, Catch::Contains("<title>energy &lt;by&gt; level</title>"));
  CHECK_THAT(s, Catch::Contains("Buffer &amp; co"));
  const auto w = rect_widths(s);
  REQUIRE(w.size() == 3); // the zero draws nothing

  CHECK(w[1] == Approx(3 * w[0]).epsilon(0.01));
  CHECK(w[2] == Approx(2 * w[0]).epsilon(0.01));
  CHECK(count(s, "<title>floor: 350 pJ</title>") == 1); // the NaN mark is not drawn
  CHECK_THAT(s, Catch::Contains("font-weight=\"bold\"><title>Buffer &amp; co</title>"));
  CHECK(s.find("<script") == std::string::npos);
}

TEST_CASE("svg_chart: negative and missing values draw as zero, an empty chart says so") {
  BarChart c{"t", "u", {"a", "b"}, {"x"}, {{-5}}, {}, -1};
  const std::string s = svg_bar_chart(c);
  CHECK(rect_widths(s).empty());
  CHECK_THAT(svg_bar_chart(BarChart{"none", "u", {}, {}, {}, {}, -1}), Catch::Contains("no data"));
}

TEST_CASE("svg_chart: long labels are cut with their full text kept as the label's title") {
  const std::string name(80, 'm');
  const std::string s = svg_bar_chart(BarChart{"t", "u", {name}, {"x"}, {{1}}, {}, -1});
  CHECK_THAT(s, Catch::Contains("<title>" + name + "</title>"));
  CHECK_THAT(s, Catch::Contains("\u2026</text>"));
}

TEST_CASE("svg_chart: the hierarchy draws every level, at most 8 x 8 PEs and each tensor's move") {
  HierarchyDiagram d{
      "array",
      {{"DRAM", "unbounded", {"Weights", "Inputs", "Outputs"}}, {"Buf<1>", "1 KiB", {"Inputs"}}},
      {{"WeightReg", "1 word", {"Weights"}}},
      16,
      16,
      "C",
      "K",
      {"Weights", "Inputs", "Outputs"},
      {{"Weights", "stationary"}, {"Inputs", "systolic"}, {"Outputs", "reduced"}}};
  std::string s = svg_hierarchy(d);
  CHECK(count(s, "<title>PE (") == 64);
  CHECK_THAT(s, Catch::Contains("16 x 16 PEs") && Catch::Contains("Buf&lt;1&gt;") &&
                    Catch::Contains("16 columns") && Catch::Contains("16 rows"));
  for (const char *m : {"stationary", "systolic", "reduced"})
    CHECK_THAT(s, Catch::Contains(m));
  d.rows = 2;
  d.cols = 3;
  s = svg_hierarchy(d);
  CHECK(count(s, "<title>PE (") == 6);
  CHECK(s.find("columns</text>") == std::string::npos);
}
