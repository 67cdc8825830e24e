#include <flows/flow_report.h>
#include <flows/svg_chart.h>

#include "json_access.h"

#include <support/text.h>

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace hcl::flows {

using detail::at;
using detail::or0;
using detail::str;
using nlohmann::json;

std::string html_escape(const std::string &s) {
  std::string o;
  o.reserve(s.size());
  for (const char c : s) {
    switch (c) {
    case '&':
      o += "&amp;";
      break;
    case '<':
      o += "&lt;";
      break;
    case '>':
      o += "&gt;";
      break;
    case '"':
      o += "&quot;";
      break;
    case '\'':
      o += "&#39;";
      break;
    default:
      o += c;
    }
  }
  return o;
}

namespace {

// A scalar as text: integers grouped, other numbers with 4 significant digits, "-" for null.
std::string text(const json &j) {
  if (j.is_null()) {
    return "-";
  }
  if (j.is_string()) {
    return j.get<std::string>();
  }
  if (j.is_boolean()) {
    return j.get<bool>() ? "yes" : "no";
  }
  if (j.is_number_integer() || j.is_number_unsigned()) {
    return support::grouped_digits(j.dump());
  }
  if (j.is_number_float()) {
    const double v = j.get<double>();
    return std::fabs(v) >= 1e4 && std::fabs(v) < 1e18
               ? support::grouped_digits(fmt::format("{:.0f}", v))
               : fmt::format("{:.4g}", v);
  }
  std::string out; // arrays "a, b"; objects "k v, k v"
  if (j.is_array()) {
    for (const auto &e : j) {
      out += (out.empty() ? "" : ", ") + text(e);
    }
  } else if (j.is_object()) {
    for (const auto &[k, v] : j.items()) {
      out += (out.empty() ? "" : ", ") + k + " " + text(v);
    }
  }
  return out.empty() ? "-" : out;
}

std::string esc(const json &j) { return html_escape(text(j)); }

std::string percent(const json &j) {
  return j.is_number() ? fmt::format("{:.1f}%", 100 * j.get<double>()) : "-";
}

std::string link(const std::string &path) {
  return fmt::format("<a href=\"{0}\">{0}</a>", html_escape(path));
}

std::string verdict(bool ok, const std::string &yes, const std::string &no) {
  return fmt::format("<span class=\"{}\">{}</span>", ok ? "ok" : "bad", html_escape(ok ? yes : no));
}

std::string figure(const std::string &svg, const std::string &caption) {
  return fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n", svg, caption);
}

// Rows of cells; `left` marks the left-aligned (text) columns. Wide tables scroll in their box.
std::string table(const std::vector<std::string> &head,
                  const std::vector<std::vector<std::string>> &rows,
                  const std::vector<bool> &left) {
  const auto cls = [&](std::size_t i) { return i < left.size() && left[i] ? " class=\"l\"" : ""; };
  std::string h = "<div class=\"scroll\"><table>\n<tr>";
  for (std::size_t i = 0; i < head.size(); ++i) {
    h += fmt::format("<th{}>{}</th>", cls(i), head[i]);
  }
  h += "</tr>\n";
  for (const auto &r : rows) {
    h += "<tr>";
    for (std::size_t i = 0; i < r.size(); ++i) {
      h += fmt::format("<td{}>{}</td>", cls(i), r[i]);
    }
    h += "</tr>\n";
  }
  return h + "</table></div>\n";
}

const char *kStyle =
    "<style>\n"
    "body{font-family:sans-serif;margin:2em auto;max-width:72em;padding:0 1em;line-height:1.4}\n"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .6em;"
    "text-align:right;white-space:nowrap}th{background:#eee}td.l,th.l{text-align:left}td.l{white-"
    "space:normal;min-width:8em}\n"
    ".scroll{overflow-x:auto;max-width:100%}.ok{color:#070;font-weight:bold}"
    ".bad{color:#b00;font-weight:bold}code,pre{background:#f4f4f4}pre{padding:.5em;overflow-x:auto}"
    "\n"
    "figure{margin:1em "
    "0}figcaption{font-size:.9em;color:#444}svg.chart{max-width:100%;height:auto}\n"
    "article{border-top:1px solid #ccc;margin-top:1.5em}.sp{color:#0072B2;font-weight:bold}"
    ".lv{color:#555}\n"
    "@media print{body{margin:0;max-width:none;font-size:10pt}a{color:inherit;text-decoration:none}"
    ".scroll{overflow:visible}pre{white-space:pre-wrap}figure,table,pre{break-inside:avoid}"
    "h2,h3{break-after:avoid}article{break-before:page}}\n"
    "</style>\n";

// What the metric is against its bound: "1.17 x the bound" or "85.4% of it".
std::string distance(const json &m) {
  const json &r = at(m, "ratio");
  if (!r.is_number()) {
    return "-";
  }
  return str(at(m, "better")) == "higher"
             ? fmt::format("{:.1f}% of it", 100 * r.get<double>())
             : fmt::format("{:.3g} &times; the bound", r.get<double>());
}

std::string metric_value(const json &v, const json &m) {
  return str(at(m, "name")) == "utilization" ? percent(v) : esc(v);
}

std::string summary_section(const json &r) {
  const json &s = at(r, "summary"), &in = at(r, "inputs");
  std::vector<std::vector<std::string>> rows;
  for (const auto &m : at(s, "metrics")) {
    rows.push_back({esc(at(m, "label")), metric_value(at(m, "value"), m),
                    html_escape(str(at(m, "unit"))), metric_value(at(m, "bound"), m), distance(m),
                    esc(at(m, "bound_what"))});
  }
  std::string h = "<section id=\"summary\">\n<h2>Summary</h2>\n";
  h += table({"metric", "value", "unit", "bound", "distance", "the bound is"}, rows,
             {true, false, true, false, false, true});
  const json &df = at(s, "dataflow"), &buf = at(s, "buffers");
  h += fmt::format("<p>Dataflow: <b>{}</b> ({}).</p>\n", esc(at(df, "chosen")), esc(at(df, "why")));
  if (at(df, "relaxed_layers").is_array() && !at(df, "relaxed_layers").empty()) {
    h += fmt::format("<p>No {} mapping on the array's axes (a loop of the dataflow is 1, e.g. "
                     "depthwise), searched again without the axis requirement, still in the "
                     "accelerator's space: {}.</p>\n",
                     esc(at(df, "chosen")), esc(at(df, "relaxed_layers")));
  }
  std::string sizes;
  for (const auto &b : at(buf, "sizes")) {
    sizes += fmt::format("{}{} {} B", sizes.empty() ? "" : ", ", esc(at(b, "level")),
                         esc(at(b, "bytes")));
  }
  h += fmt::format("<p>Buffer sizes: <b>{}</b> ({}).</p>\n", sizes.empty() ? "-" : sizes,
                   esc(at(buf, "why")));
  std::vector<std::vector<std::string>> inputs;
  for (const auto &[k, label] : std::vector<std::pair<std::string, std::string>>{
           {"network", "network"},
           {"network_source", "shapes from"},
           {"arch", "architecture"},
           {"objective", "objective"},
           {"time_limit_s", "search time limit (s, 0 = none)"},
           {"threads", "threads"},
           {"set", "--set"}}) {
    inputs.push_back({html_escape(label), esc(at(in, k))});
  }
  return h + table({"input", "value"}, inputs, {true, true}) + "</section>\n";
}

std::string layer_label(const json &l) {
  const double rep = or0(at(l, "repeat"));
  return rep > 1 ? fmt::format("{} x{}", str(at(l, "name")), rep) : str(at(l, "name"));
}

std::string network_section(const json &r) {
  const json &n = at(r, "network");
  BarChart energy{"Energy per layer (x repeat), by memory level", "pJ", {}, {}, {}, {}, -1};
  for (const auto &lv : at(n, "levels")) {
    energy.parts.push_back(str(lv));
  }
  BarChart cycles{"Cycles per layer (x repeat) against the compute bound",
                  "cycles",
                  {},
                  {"cycles"},
                  {},
                  {{"compute bound", {}}},
                  -1};
  std::vector<std::vector<std::string>> rows;
  for (const auto &l : at(n, "layers")) {
    const double rep = std::max(1.0, or0(at(l, "repeat")));
    energy.bars.push_back(layer_label(l));
    std::vector<double> parts;
    for (const auto &p : energy.parts) {
      parts.push_back(rep * or0(at(at(l, "energy_by_level_pj"), p)));
    }
    energy.values.push_back(parts);
    cycles.bars.push_back(layer_label(l));
    cycles.values.push_back({rep * or0(at(l, "cycles"))});
    cycles.marks[0].at.push_back(at(l, "compute_bound_cycles").is_number()
                                     ? rep * or0(at(l, "compute_bound_cycles"))
                                     : std::nan(""));
    rows.push_back({esc(at(l, "name")), esc(at(l, "repeat")), esc(at(l, "macs")),
                    esc(at(l, "energy_pj")), esc(at(l, "energy_total_pj")), esc(at(l, "cycles")),
                    esc(at(l, "compute_bound_cycles")), percent(at(l, "utilization")),
                    esc(at(l, "status"))});
  }
  std::string h = "<section id=\"network\">\n<h2>Network</h2>\n<p>Layers ordered by their share of "
                  "the energy (energy &times; repeat), largest first.</p>\n";
  h += figure(svg_bar_chart(energy),
              "Energy of each layer, stacked by the memory level it is spent in; "
              "MAC is the arithmetic.");
  h += figure(svg_bar_chart(cycles),
              "Cycles of each layer in the cost model (hcl mode); the mark is "
              "ceil(MACs / PEs), every PE busy.");
  h += table({"layer", "repeat", "MACs", "energy (pJ)", "energy &times; repeat", "cycles",
              "compute bound", "utilization", "status"},
             rows, {true, false, false, false, false, false, false, false, true});
  return h + "</section>\n";
}

// The schedule as a loop nest: each level's loops nested inside the level above's.
std::string nest_text(const json &nest) {
  std::string h = "<pre class=\"nest\">";
  int depth = 0;
  for (const auto &lv : nest) {
    std::string tiles;
    for (const auto &[t, w] : at(lv, "tile_words").items()) {
      tiles += fmt::format("{}{} {}", tiles.empty() ? "" : ", ", t, text(w));
    }
    h += fmt::format("{}<span class=\"lv\">// {}: keeps {}{}</span>\n",
                     std::string(static_cast<std::size_t>(2 * depth), ' '), esc(at(lv, "level")),
                     esc(at(lv, "keep")),
                     tiles.empty() ? "" : " (tile words: " + html_escape(tiles) + ")");
    for (const auto &l : at(lv, "loops")) {
      const std::string kind = str(at(l, "kind"));
      const std::string pad(static_cast<std::size_t>(2 * depth), ' ');
      if (kind == "temporal") {
        h += fmt::format("{}for {} in [0, {}):\n", pad, esc(at(l, "dim")), esc(at(l, "factor")));
      } else {
        h += fmt::format("{}<span class=\"sp\">parallel_for {} in [0, {}):  // {}</span>\n", pad,
                         esc(at(l, "dim")), esc(at(l, "factor")), html_escape(kind));
      }
      ++depth;
    }
  }
  return h + std::string(static_cast<std::size_t>(2 * depth), ' ') + "MAC\n</pre>\n";
}

std::string layer_charts(const json &l) {
  const json &e = at(l, "energy"), &c = at(l, "cycles"), &t = at(l, "traffic"),
             &cs = at(l, "cosim");
  const std::string name = str(at(l, "name"));
  BarChart energy{
      name + ": energy by level and tensor", "pJ", {}, {}, {}, {{"energy floor", {}}}, -1};
  for (const auto &x : at(e, "tensors")) {
    energy.parts.push_back(str(x));
  }
  energy.parts.push_back("leakage");
  energy.parts.push_back("MAC");
  std::vector<double> total(energy.parts.size(), 0.0);
  const json &levels = at(e, "levels");
  for (std::size_t i = 0; i < levels.size(); ++i) {
    energy.bars.push_back(str(levels[i]));
    std::vector<double> row;
    for (const auto &v : at(e, "values_pj")[i]) {
      row.push_back(or0(v));
    }
    row.push_back(or0(at(e, "leak_pj")[i]));
    row.push_back(0);
    for (std::size_t p = 0; p < row.size(); ++p) {
      total[p] += row[p];
    }
    energy.values.push_back(row);
    energy.marks[0].at.push_back(std::nan(""));
  }
  std::vector<double> mac(energy.parts.size(), 0.0);
  mac.back() = total.back() = or0(at(e, "mac_pj"));
  energy.bars.push_back("MAC");
  energy.values.push_back(mac);
  energy.marks[0].at.push_back(std::nan(""));
  energy.bars.push_back("total");
  energy.values.push_back(total);
  energy.marks[0].at.push_back(at(e, "floor_pj").is_number() ? or0(at(e, "floor_pj"))
                                                             : std::nan(""));

  BarChart cycles{name + ": cycles against the compute bound",
                  "cycles",
                  {"model (hcl mode)"},
                  {"cycles"},
                  {{or0(at(c, "model"))}},
                  {{"compute bound", {or0(at(c, "compute_bound"))}}},
                  -1};
  if (cs.is_object()) {
    cycles.bars.push_back("RTL, measured");
    cycles.values.push_back({or0(at(cs, "measured_cycles"))});
    cycles.marks[0].at.push_back(or0(at(c, "compute_bound")));
  }
  BarChart traffic{
      name + ": backing-store traffic against its bounds",
      "words",
      {"this schedule"},
      {},
      {{}},
      {{"compulsory", {or0(at(t, "compulsory_words"))}},
       {"attainable with one buffer of all on-chip words",
        {at(t, "attainable_words").is_number() ? or0(at(t, "attainable_words")) : std::nan("")}}},
      -1};
  for (const auto &w : at(t, "by_tensor_words")) {
    traffic.parts.push_back(str(at(w, "tensor")));
    traffic.values[0].push_back(or0(at(w, "words")));
  }
  return figure(svg_bar_chart(energy),
                "Energy by memory level (outermost first) and tensor; the mark on "
                "the total is the floor no schedule beats.") +
         figure(svg_bar_chart(cycles), "Cycles; the mark is ceil(MACs / PEs).") +
         figure(svg_bar_chart(traffic),
                fmt::format("Words moved at {} (reads and updates), by tensor; the "
                            "marks are the compulsory traffic and the attainable bound.",
                            esc(at(t, "backing_store"))));
}

std::string cosim_table(const json &cs) {
  if (!cs.is_object()) {
    return "";
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto &c : at(cs, "counts")) {
    rows.push_back({esc(at(c, "level")), esc(at(c, "tensor")), esc(at(c, "kind")),
                    esc(at(c, "rtl")), esc(at(c, "model")),
                    verdict(at(c, "equal") == true, "equal", "DIFFER")});
  }
  rows.push_back(
      {"cycles", "", "", esc(at(cs, "measured_cycles")), esc(at(cs, "predicted_cycles")), ""});
  return "<p>Co-simulated: the RTL's counters and cycles next to the model's.</p>\n" +
         table({"level", "tensor", "count", "RTL", "model", ""}, rows,
               {true, true, true, false, false, true});
}

std::string layers_section(const json &r) {
  std::string h =
      "<section id=\"layers\">\n<h2>Layers</h2>\n<p>Each layer with a schedule of its own; "
      "its configuration is that mapping: the accelerator's loop nest runs the temporal "
      "loops in this order, the parallel loops are the array.</p>\n";
  int i = 0;
  for (const auto &l : at(r, "layers")) {
    h += fmt::format("<article id=\"layer-{}\">\n<h3>{} <small>({})</small></h3>\n", i++,
                     esc(at(l, "name")), esc(at(l, "status")));
    h += fmt::format(
        "<p>{} MACs, utilization {}{}. Files: {} {}.</p>\n", esc(at(l, "macs")),
        percent(at(l, "utilization")),
        at(l, "also_runs").empty() ? "" : "; the same schedule runs " + esc(at(l, "also_runs")),
        link(str(at(l, "config"))), link(str(at(l, "schedule"))));
    h += nest_text(at(l, "loop_nest")) + layer_charts(l) + cosim_table(at(l, "cosim")) +
         "</article>\n";
  }
  return h + "</section>\n";
}

HierarchyDiagram diagram(const json &hw) {
  const json &a = at(hw, "array");
  HierarchyDiagram d;
  d.title = "The generated array and memory hierarchy";
  d.rows = static_cast<int>(or0(at(a, "rows")));
  d.cols = static_cast<int>(or0(at(a, "cols")));
  d.row_label = text(at(a, "row_dims"));
  d.col_label = text(at(a, "col_dims"));
  for (const auto &m : at(hw, "movements")) {
    d.tensors.push_back(str(at(m, "tensor")));
  }
  for (const auto &lv : at(hw, "levels")) {
    DiagramLevel l{str(at(lv, "name")), "", {}};
    for (const auto &t : at(lv, "tensors")) {
      l.tensors.push_back(str(t));
    }
    const double words = or0(at(lv, "size_words"));
    l.detail =
        fmt::format("{}, {} words of {} bits{}{}", str(at(lv, "kind")),
                    words > 0 ? text(at(lv, "size_words")) : "unbounded", text(at(lv, "word_bits")),
                    or0(at(lv, "instances")) > 1 ? ", x" + text(at(lv, "instances")) : "",
                    at(lv, "double_buffered") == true ? ", double-buffered" : "");
    (at(lv, "per_pe") == true ? d.pe_levels : d.levels).push_back(l);
  }
  for (const auto &m : at(hw, "movements")) {
    d.moves.push_back({str(at(m, "tensor")), str(at(m, "how"))});
  }
  return d;
}

std::string area_charts(const json &area) {
  BarChart kinds{"Area by kind", "um^2", {}, {"area"}, {}, {}, -1};
  for (const auto &k : at(area, "by_kind")) {
    kinds.bars.push_back(str(at(k, "kind")));
    kinds.values.push_back({or0(at(k, "um2"))});
  }
  BarChart mods{"Area by module (instances x area of one)", "um^2", {}, {"area"}, {}, {}, -1};
  double rest = 0;
  std::size_t n = 0;
  for (const auto &m : at(area, "by_module")) {
    if (n++ < 12) {
      mods.bars.push_back(str(at(m, "module")));
      mods.values.push_back({or0(at(m, "total_um2"))});
    } else {
      rest += or0(at(m, "total_um2"));
    }
  }
  if (rest > 0) {
    mods.bars.push_back("the other modules");
    mods.values.push_back({rest});
  }
  return figure(svg_bar_chart(kinds),
                "Storage: SRAM macros and buffers; PE datapath: PEs, multipliers and "
                "the array's registers; control: the loop nest, memory port and counters.") +
         figure(svg_bar_chart(mods),
                "Exclusive area of each module times its instances, largest first.");
}

std::string hardware_section(const json &r) {
  const json &hw = at(r, "hardware"), &a = at(hw, "array"), &area = at(hw, "area");
  std::string h = "<section id=\"hardware\">\n<h2>Hardware</h2>\n";
  h += fmt::format(
      "<p>Top module <code>{}</code> ({}, {}); PE array {} &times; {}, rows unroll {}, "
      "columns {} ({} array).</p>\n",
      esc(at(hw, "top")), link("rtl/"), link("params.json"), esc(at(a, "rows")), esc(at(a, "cols")),
      esc(at(a, "row_dims")), esc(at(a, "col_dims")), esc(at(a, "preset")));
  h += figure(svg_hierarchy(diagram(hw)),
              "Memory levels outermost first, the PE array (drawn up to 8 &times; "
              "8) and how each tensor moves.");
  std::vector<std::vector<std::string>> rows;
  for (const auto &b : at(hw, "levels")) {
    rows.push_back({esc(at(b, "name")), esc(at(b, "kind")), esc(at(b, "size_words")),
                    esc(at(b, "word_bits")), esc(at(b, "instances")), esc(at(b, "tensors")),
                    esc(at(b, "banks")), esc(at(b, "used_words")), esc(at(b, "double_buffered"))});
  }
  h += table({"level", "kind", "words", "word bits", "instances", "holds", "banks",
              "largest tile kept (words)", "double-buffered"},
             rows, {true, true, false, false, false, true, true, true, true});
  std::vector<std::vector<std::string>> params;
  for (const auto &[k, v] : at(hw, "params").items()) {
    params.push_back({html_escape(k), esc(v), esc(at(at(hw, "derivation"), k))});
  }
  h += table({"parameter", "value", "from"}, params, {true, false, true});
  h += fmt::format(
      "<h3>Area</h3>\n<p>Total {} &micro;m&sup2; (Yosys, hierarchical, cells of <code>{}</code>; "
      "SRAM macros from hcl's SRAM area model; {}).</p>\n",
      esc(at(area, "total_um2")), esc(at(area, "liberty")), link("area.json"));
  h += area_charts(area);
  std::vector<std::vector<std::string>> mods;
  for (const auto &m : at(area, "by_module")) {
    mods.push_back({esc(at(m, "module")), esc(at(m, "kind")), esc(at(m, "instances")),
                    esc(at(m, "each_um2")), fmt::format("{:.1f}", or0(at(m, "total_um2")))});
  }
  h += table(
      {"module", "kind", "instances", "area of one (&micro;m&sup2;)", "total (&micro;m&sup2;)"},
      mods, {true, true, false, false, false});
  return h + "</section>\n";
}

std::string dataflow_study(const json &study) {
  BarChart chart{"Dataflow study: the network's objective per dataflow",
                 "objective",
                 {},
                 {"objective"},
                 {},
                 {},
                 -1};
  std::vector<std::vector<std::string>> rows;
  for (const auto &c : study) {
    if (at(c, "chosen") == true) {
      chart.highlight = static_cast<int>(chart.bars.size());
    }
    chart.bars.push_back(str(at(c, "dataflow")));
    chart.values.push_back({or0(at(c, "objective_value"))});
    const std::string status = at(c, "chosen") == true      ? "chosen"
                               : at(c, "all_found") != true ? "not every layer mapped"
                               : at(c, "runs_on_template") == true
                                   ? "runs on the template"
                                   : "model only (the template does not run it)";
    rows.push_back({esc(at(c, "dataflow")), esc(at(c, "energy_pj")), esc(at(c, "cycles")),
                    esc(at(c, "objective_value")),
                    at(c, "all_optimal") == true ? "every layer optimal" : "not proven",
                    html_escape(status)});
  }
  return "<h3>Dataflows</h3>\n" +
         figure(svg_bar_chart(chart),
                "Each candidate's network objective in the model; the chosen one in bold.") +
         table({"dataflow", "energy (pJ)", "cycles", "objective", "proof", "status"}, rows,
               {true, false, false, false, true, true});
}

std::string memory_study(const json &al) {
  BarChart chart{"Memory study: the network's objective per combination of sizes",
                 "objective",
                 {},
                 {"objective"},
                 {},
                 {{"lower bound", {}}},
                 -1};
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head;
  for (const auto &l : at(al, "levels")) {
    head.push_back(esc(l) + " (B)");
  }
  for (const char *c : {"area (&micro;m&sup2;)", "bound", "objective", "status"}) {
    head.push_back(c);
  }
  for (const auto &p : at(al, "points")) {
    const bool chosen = at(p, "size_bytes") == at(al, "size_bytes");
    const std::string status = at(p, "within_budget") != true ? "over the area budget"
                               : at(p, "out_of_time") == true ? "not searched: out of time"
                               : at(p, "searched") != true    ? "pruned by its bound"
                               : at(p, "found") != true       ? "no schedule for every layer"
                               : chosen                       ? "chosen"
                                                              : "searched";
    std::vector<std::string> row;
    for (const auto &s : at(p, "size_bytes")) {
      row.push_back(esc(s));
    }
    // An arch without an area model sizes for the objective alone: its area is not 0 but unknown.
    row.push_back(or0(at(p, "area_um2")) > 0 ? esc(at(p, "area_um2")) : "-");
    for (const auto &k : {"lower_bound", "objective_value"}) {
      row.push_back(esc(at(p, k)));
    }
    row.push_back(html_escape(status));
    rows.push_back(row);
    if (chosen) {
      chart.highlight = static_cast<int>(chart.bars.size());
    }
    chart.bars.push_back(text(at(p, "size_bytes")) + " B");
    chart.values.push_back({or0(at(p, "objective_value"))});
    chart.marks[0].at.push_back(at(p, "lower_bound").is_number() ? or0(at(p, "lower_bound"))
                                                                 : std::nan(""));
  }
  std::vector<bool> left(head.size(), false);
  left.back() = true;
  return "<h3>Memory sizes</h3>\n" +
         figure(svg_bar_chart(chart),
                "Each combination's objective (searched) and lower bound (every "
                "one); the chosen combination in bold.") +
         table(head, rows, left);
}

std::string studies_section(const json &r) {
  const json &s = at(r, "studies");
  std::string h = "<section id=\"studies\">\n<h2>Dataflow and memory studies</h2>\n";
  const bool df = at(s, "dataflow").is_array() && !at(s, "dataflow").empty();
  const bool mem = at(at(s, "memory"), "points").is_array();
  if (df) {
    h += dataflow_study(at(s, "dataflow"));
  }
  if (mem) {
    h += memory_study(at(s, "memory"));
  }
  if (!df && !mem) {
    h += "<p>None was run: <code>--dataflow auto</code> compares the dataflows, "
         "<code>--sizes</code> or "
         "<code>--max-area</code> the buffer sizes.</p>\n";
  }
  return h + "</section>\n";
}

std::string checks_section(const json &r) {
  const json &lint = at(at(r, "checks"), "lint"), &cs = at(at(r, "checks"), "cosim");
  std::string h = "<section id=\"checks\">\n<h2>Checks</h2>\n";
  h += fmt::format("<p>verilator --lint-only -Wall: {} ({}).</p>\n",
                   verdict(at(lint, "clean") == true, "clean", "findings"), link("lint.txt"));
  if (at(lint, "diagnostics").is_array() && !at(lint, "diagnostics").empty()) {
    h += "<pre>";
    for (const auto &d : at(lint, "diagnostics")) {
      h += esc(d) + "\n";
    }
    h += "</pre>\n";
  }
  h += fmt::format(
      "<p>Co-simulation of layer <b>{}</b>: {}. Random int8 tensors in the backing-store "
      "model in their natural layouts; the accelerator ran the layer's configuration; {} "
      "outputs compared bit-exactly with a C++ reference convolution, {} mismatches. Cycles "
      "measured {}, predicted by the cost model {} (within 2%: {}); counters equal to the "
      "model's: {} (the table is with the layer).</p>\n",
      esc(at(cs, "layer")), verdict(at(cs, "pass") == true, "PASS", "FAIL"),
      esc(at(cs, "outputs_checked")), esc(at(cs, "mismatches")), esc(at(cs, "measured_cycles")),
      esc(at(cs, "predicted_cycles")), verdict(at(cs, "cycles_within_2pct") == true, "yes", "no"),
      verdict(at(cs, "counts_equal") == true, "yes", "no"));
  if (at(cs, "first_mismatch").is_string()) {
    h += fmt::format("<p>First mismatch: <code>{}</code></p>\n", esc(at(cs, "first_mismatch")));
  }
  return h + "</section>\n";
}

std::string files_section(const json &r) {
  std::string h = "<section id=\"files\">\n<h2>Files</h2>\n<ul>\n";
  for (const auto &f : at(r, "files")) {
    h += fmt::format("<li>{}: {}</li>\n", link(str(at(f, "path"))), esc(at(f, "what")));
  }
  return h + "</ul>\n</section>\n";
}

} // namespace

namespace {

// One chart of the comparison: a value per design, the model's number as a mark.
std::string compare_chart(const json &designs, const std::string &title, const std::string &unit,
                          const char *key) {
  BarChart chart{title, unit, {}, {"RTL"}, {}, {{"model", {}}}, -1};
  for (const auto &d : designs) {
    if (!at(d, "error").is_null()) {
      continue;
    }
    chart.bars.push_back(fmt::format("{} @ {}", text(at(d, "dataflow")), text(at(d, "point"))));
    const json &v = std::string(key) == "area_um2" ? at(d, key) : at(at(d, key), "rtl");
    chart.values.push_back({or0(v)});
    chart.marks[0].at.push_back(std::string(key) == "area_um2" ? std::nan("")
                                                               : or0(at(at(d, key), "model")));
  }
  if (std::string(key) == "area_um2") {
    chart.marks.clear();
  }
  return svg_bar_chart(chart);
}

std::string compare_rows(const json &designs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto &d : designs) {
    const bool built = at(d, "error").is_null();
    const std::string folder = text(at(d, "folder"));
    rows.push_back({esc(at(d, "point")), esc(at(d, "dataflow")),
                    built ? esc(at(at(d, "energy_pj"), "rtl")) : "",
                    built ? esc(at(at(d, "energy_pj"), "model")) : "",
                    built ? esc(at(at(d, "cycles"), "rtl")) : "",
                    built ? esc(at(at(d, "cycles"), "model")) : "",
                    built ? esc(at(d, "area_um2")) : "",
                    built ? verdict(at(d, "passed") == true, "pass", "FAIL")
                          : "not run: " + esc(at(d, "error")),
                    built ? link(folder + "/report.html") : ""});
  }
  return table({"sizes", "dataflow", "energy RTL (pJ)", "energy model (pJ)", "cycles RTL",
                "cycles model", "area (um<sup>2</sup>)", "checks", "report"},
               rows, {true, true, false, false, false, false, false, true, true});
}

std::string spread_list(const json &list, const char *key, const std::string &what) {
  std::string h = fmt::format("<p>{}</p>\n<ul>\n", html_escape(what));
  for (const auto &e : list) {
    h += fmt::format("<li>{}: {:.4f} x</li>\n", esc(at(e, key)), or0(at(e, "ratio")));
  }
  return h + "</ul>\n";
}

} // namespace

std::string render_compare_report(const json &c) {
  const std::string title = fmt::format(
      "Dataflows and buffer sizes on generated hardware: layer {}", text(at(c, "layer")));
  const json &designs = at(c, "designs");
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>{}</title>\n", html_escape(title));
  h += kStyle;
  h += fmt::format("</head><body>\n<h1>{}</h1>\n<section id=\"compare\">\n", html_escape(title));
  h += "<p>Every design is a complete hcl flow: schedules searched for its hardware, Verilog, "
       "lint, Yosys area and the same layer co-simulated. Energy is the RTL's counters priced at "
       "the arch's per-access energies, plus the MACs and leakage over the measured cycles; the "
       "model's number for the same schedule is the mark.</p>\n";
  h += figure(compare_chart(designs, "Energy per design, from the RTL counters", "pJ", "energy_pj"),
              "Energy from the RTL's counters; the mark is the cost model's.");
  h += figure(compare_chart(designs, "Cycles per design, measured", "cycles", "cycles"),
              "Measured cycles from start to done; the mark is the model's prediction.");
  h += figure(compare_chart(designs, "Area per design (Yosys)", "um^2", "area_um2"),
              "Area of the generated accelerator.");
  h += compare_rows(designs);
  h += spread_list(
      at(c, "dataflow_spread"), "point",
      "Spread between the dataflows at each size point (largest / smallest RTL energy):");
  h += spread_list(at(c, "sizing_range"), "dataflow",
                   "Range over the size points for each dataflow (largest / smallest RTL energy):");
  return h + "</section>\n</body></html>\n";
}

std::string render_report(const json &r) {
  const json &v = at(r, "verdicts");
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>{}</title>\n", esc(at(r, "title")));
  h += kStyle;
  h += fmt::format("</head><body>\n<h1>{}</h1>\n", esc(at(r, "title")));
  h += fmt::format("<p>Lint: {} &middot; co-simulation: {} &middot; schedules: {}</p>\n",
                   verdict(at(v, "lint_clean") == true, "clean", "findings"),
                   verdict(at(v, "cosim_pass") == true, "PASS", "FAIL"),
                   verdict(at(v, "all_found") == true,
                           at(v, "all_optimal") == true ? "all optimal" : "all found",
                           "some layers without a mapping"));
  h += summary_section(r) + network_section(r) + layers_section(r) + hardware_section(r) +
       studies_section(r) + checks_section(r) + files_section(r);
  return h + "</body></html>\n";
}

} // namespace hcl::flows
