// The HTML report of `hcl flow`: one self-contained page (inline CSS and SVG, no scripts, no
// external resources) rendered from report.json (report_data.h), so the page and the JSON
// never disagree. Sections, each a <section> with this id: summary, network, layers, hardware,
// studies, checks, files. Charts are <svg class="chart">: two in network, three per layer
// article, three in hardware (the diagram and the area by kind and by module), one per study
// run. Wide tables scroll inside their box; a print stylesheet lays it out for PDF. Links
// are relative to the output folder.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace hcl::flows {

// `report` has the shape report_data() returns; missing keys render as "-".
std::string render_report(const nlohmann::json &report);

// The page of `hcl flow --compare-dataflows` from its compare.json (flow_compare.h): one
// <section id="compare"> with three charts (energy from the RTL counters and cycles, each with
// the model's number as a mark, and area), the table of designs linking each design's
// report.html, and the spreads.
std::string render_compare_report(const nlohmann::json &compare);

// &, <, >, " and ' as entities.
std::string html_escape(const std::string &text);

} // namespace hcl::flows
