// The HTML report of `hcl flow`: one self-contained page (inline CSS, no scripts, no external
// resources) rendered from the same JSON the flow writes to flow.json, so the two never
// disagree. Sections: inputs, per-layer table, micro-architecture, accelerator, area, lint,
// co-simulation, files. Links are relative to the output folder.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace hcl::flows {

// `flow` has the shape flow.cpp writes (see docs/flows.md); missing keys render as "-".
std::string render_report(const nlohmann::json &flow);

// &, <, >, " and ' as entities.
std::string html_escape(const std::string &text);

} // namespace hcl::flows
