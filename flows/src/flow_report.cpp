#include <flows/flow_report.h>

#include <fmt/core.h>

#include <algorithm>
#include <vector>

namespace hcl::flows {

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

// A scalar as text: numbers grouped or with 4 significant digits, "-" for null / absent.
std::string text(const json &j) {
  if (j.is_null())
    return "-";
  if (j.is_string())
    return j.get<std::string>();
  if (j.is_boolean())
    return j.get<bool>() ? "yes" : "no";
  if (j.is_number_integer() || j.is_number_unsigned()) {
    const std::string s = j.dump();
    const bool neg = !s.empty() && s[0] == '-';
    std::string out = neg ? "-" : "";
    const std::string d = neg ? s.substr(1) : s;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i > 0 && (d.size() - i) % 3 == 0)
        out += ',';
      out += d[i];
    }
    return out;
  }
  if (j.is_number_float())
    return fmt::format("{:.4g}", j.get<double>());
  std::string out; // arrays "a, b"; objects "k v, k v"
  if (j.is_array())
    for (const auto &e : j)
      out += (out.empty() ? "" : ", ") + text(e);
  else if (j.is_object())
    for (const auto &[k, v] : j.items())
      out += (out.empty() ? "" : ", ") + k + " " + text(v);
  return out.empty() ? "-" : out;
}

std::string esc(const json &j) { return html_escape(text(j)); }

const json &at(const json &j, const std::string &key) {
  static const json null;
  return j.is_object() && j.contains(key) ? j.at(key) : null;
}

std::string link(const std::string &path) {
  return fmt::format("<a href=\"{0}\">{0}</a>", html_escape(path));
}

std::string verdict(bool ok, const std::string &yes, const std::string &no) {
  return fmt::format("<span class=\"{}\">{}</span>", ok ? "ok" : "bad", html_escape(ok ? yes : no));
}

// The on-chip sizes the accelerator was built for, why, and the allocation's combinations.
std::string buffer_sizes_section(const json &f) {
  std::string sizes;
  for (const auto &b : at(f, "buffer_sizes"))
    sizes += fmt::format("{}{} {} B", sizes.empty() ? "" : ", ", esc(at(b, "level")),
                         esc(at(b, "bytes")));
  std::string h = fmt::format("<p>Buffer sizes: <b>{}</b> ({}).</p>\n",
                              sizes.empty() ? "-" : sizes, esc(at(f, "sizes_why")));
  const json &al = at(f, "allocation");
  if (!al.is_object() || !at(al, "points").is_array())
    return h;
  h += "<table>\n<tr>";
  for (const auto &l : at(al, "levels"))
    h += fmt::format("<th>{} (B)</th>", esc(l));
  h += "<th>area (&micro;m&sup2;)</th><th>bound</th><th>objective</th><th class=\"l\">status</th></tr>\n";
  for (const auto &p : at(al, "points")) {
    h += "<tr>";
    for (const auto &s : at(p, "size_bytes"))
      h += fmt::format("<td>{}</td>", esc(s));
    const std::string status = at(p, "within_budget") != true ? "over the area budget"
                               : at(p, "out_of_time") == true ? "not searched: out of time"
                               : at(p, "searched") != true    ? "pruned by its bound"
                               : at(p, "found") != true       ? "no schedule for every layer"
                               : at(p, "size_bytes") == at(al, "size_bytes") ? "chosen"
                                                                             : "searched";
    h += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
                     esc(at(p, "area_um2")), esc(at(p, "lower_bound")),
                     esc(at(p, "objective_value")), html_escape(status));
  }
  return h + "</table>\n";
}

// --dataflow auto's study: each candidate's network totals in the model, the chosen one marked.
std::string dataflow_study_section(const json &f) {
  const json &study = at(f, "dataflow_study");
  if (!study.is_array() || study.empty())
    return "";
  double chosen = 0;
  for (const auto &c : study)
    if (at(c, "chosen") == true && at(c, "objective_value").is_number())
      chosen = at(c, "objective_value").get<double>();
  std::string h = "<table>\n<tr><th class=\"l\">dataflow</th><th>energy (pJ)</th><th>cycles</th>"
                  "<th>objective</th><th>vs chosen</th><th class=\"l\">proof</th>"
                  "<th class=\"l\">status</th></tr>\n";
  for (const auto &c : study) {
    const json &v = at(c, "objective_value");
    const std::string vs = v.is_number() && chosen > 0
                               ? fmt::format("{:+.1f}%", 100 * (v.get<double>() / chosen - 1))
                               : "-";
    const std::string status = at(c, "chosen") == true           ? "chosen"
                               : at(c, "all_found") != true       ? "not every layer mapped"
                               : at(c, "runs_on_template") == true ? "runs on the template"
                                                                  : "model only (the template does not run it yet)";
    h += fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n",
                     esc(at(c, "dataflow")), esc(at(c, "energy_pj")), esc(at(c, "cycles")), esc(v),
                     vs, at(c, "all_optimal") == true ? "every layer optimal" : "not proven",
                     html_escape(status));
  }
  return h + "</table>\n";
}

} // namespace

std::string render_report(const json &f) {
  std::string h;
  const json &in = at(f, "inputs"), &total = at(f, "total"), &acc = at(f, "accelerator"),
             &micro = at(f, "microarch"), &area = at(f, "area"), &lint = at(f, "lint"),
             &cosim = at(f, "cosim");
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>hcl flow: {} on {}</title>\n", esc(at(in, "network_name")),
                   esc(at(in, "arch_name")));
  h += "<style>body{font-family:sans-serif;margin:2em;max-width:80em}"
       "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .6em;"
       "text-align:right}th{background:#eee}td.l,th.l{text-align:left}.ok{color:#070;font-weight:bold}"
       ".bad{color:#b00;font-weight:bold}code,pre{background:#f4f4f4}</style></head><body>\n";
  h += fmt::format("<h1>hcl flow: {} on {}</h1>\n", esc(at(in, "network_name")), esc(at(in, "arch_name")));
  h += fmt::format("<p>Lint: {} &middot; co-simulation: {} &middot; schedules: {}</p>\n",
                   verdict(at(lint, "clean") == true, "clean", "findings"),
                   verdict(at(cosim, "pass") == true, "PASS", "FAIL"),
                   verdict(at(total, "all_found") == true,
                           at(total, "all_optimal") == true ? "all optimal" : "all found",
                           "some layers without a mapping"));

  h += "<h2>Inputs</h2>\n<table>\n";
  for (const auto &[k, label] : std::vector<std::pair<std::string, std::string>>{
           {"network", "network"}, {"network_source", "shapes from"}, {"arch", "architecture"},
           {"objective", "objective"}, {"time_limit_s", "search time limit (s, 0 = none)"},
           {"threads", "threads"}})
    h += fmt::format("<tr><th class=\"l\">{}</th><td class=\"l\">{}</td></tr>\n", label, esc(at(in, k)));
  h += fmt::format("<tr><th class=\"l\">--set</th><td class=\"l\">{}</td></tr>\n", esc(at(in, "set")));
  h += "</table>\n";
  h += fmt::format("<p>Dataflow: <b>{}</b> ({}).</p>\n", esc(at(f, "dataflow")),
                   esc(at(f, "dataflow_why")));
  h += dataflow_study_section(f);
  h += buffer_sizes_section(f);
  if (at(f, "dataflow_relaxed_layers").is_array() && !at(f, "dataflow_relaxed_layers").empty())
    h += fmt::format("<p>No {} mapping on the array's axes (a loop of the dataflow is 1, e.g. "
                     "depthwise), searched again without the axis requirement, still in the "
                     "accelerator's space: {}.</p>\n",
                     esc(at(f, "dataflow")), esc(at(f, "dataflow_relaxed_layers")));

  h += "<h2>Layers</h2>\n<table>\n<tr><th class=\"l\">layer</th><th>repeat</th><th>MACs</th>"
       "<th>energy (pJ)</th><th>cycles (model)</th><th>utilization</th><th>optimal / gap</th>"
       "<th class=\"l\">unrolled X|Y</th><th>nest loops</th>"
       "<th class=\"l\">files</th></tr>\n";
  for (const auto &l : at(f, "layers")) {
    std::string status = at(l, "found") != true ? "no mapping"
                         : at(l, "optimal") == true
                             ? "optimal"
                             : fmt::format("gap {:.2f}%", 100 * at(l, "gap").get<double>());
    if (!text(at(l, "same_as")).empty() && at(l, "same_as") != "")
      status = fmt::format("{} (same as {})", status, text(at(l, "same_as")));
    const std::string util =
        at(l, "utilization").is_number() ? fmt::format("{:.1f}%", 100 * at(l, "utilization").get<double>()) : "-";
    std::string files = link(text(at(l, "config")));
    if (at(l, "schedule").is_string() && !at(l, "schedule").get<std::string>().empty())
      files = fmt::format("{} {}", files, link(at(l, "schedule").get<std::string>()));
    h += fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td>"
                     "<td class=\"l\">{}</td></tr>\n",
                     esc(at(l, "name")), esc(at(l, "repeat")), esc(at(l, "macs")),
                     esc(at(l, "energy_pj")), esc(at(l, "cycles")), util, html_escape(status),
                     esc(at(l, "dataflow")), esc(at(l, "nest_loops")), files);
  }
  h += fmt::format("<tr><th class=\"l\">total</th><td></td><td></td><td>{}</td><td>{}</td><td></td>"
                   "<td></td><td></td><td></td><td></td></tr>\n</table>\n",
                   esc(at(total, "energy_pj")), esc(at(total, "cycles")));
  h += "<p>Energy, cycles and utilization are the cost model's (hcl mode) for the schedule on "
       "the architecture. Each layer's configuration is its mapping: the generated "
       "accelerator's loop nest runs the schedule's temporal loops in its order.</p>\n";

  h += "<h2>Micro-architecture</h2>\n";
  const json &arr = at(micro, "array");
  h += fmt::format("<p>PE array {} rows &times; {} columns; unrolled on rows: {}, on columns: {}.</p>\n",
                   esc(at(arr, "rows")), esc(at(arr, "cols")), esc(at(arr, "row_dims")),
                   esc(at(arr, "col_dims")));
  h += "<table>\n<tr><th class=\"l\">level</th><th class=\"l\">kind</th><th>words</th>"
       "<th>word bits</th><th>instances</th><th>mesh</th><th class=\"l\">banks</th>"
       "<th class=\"l\">largest tile kept (words)</th></tr>\n";
  for (const auto &b : at(micro, "levels"))
    h += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td><td>{}x{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n",
                     esc(at(b, "name")), esc(at(b, "kind")), esc(at(b, "size_words")),
                     esc(at(b, "word_bits")), esc(at(b, "instances")), esc(at(at(b, "mesh"), "x")),
                     esc(at(at(b, "mesh"), "y")), esc(at(b, "banks")), esc(at(b, "used_words")));
  h += "</table>\n<p>Per-layer loop bounds and tiles: " + link("microarch.json") + ".</p>\n";

  h += fmt::format("<h2>Accelerator</h2>\n<p>Top module <code>{}</code> ({}, {}).</p>\n",
                   esc(at(acc, "top")), link("rtl/"), link("params.json"));
  h += "<table>\n<tr><th class=\"l\">parameter</th><th>value</th><th class=\"l\">from</th></tr>\n";
  for (const auto &[k, v] : at(acc, "params").items())
    h += fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
                     html_escape(k), esc(v), esc(at(at(acc, "derivation"), k)));
  h += "</table>\n";

  h += fmt::format("<h2>Area</h2>\n<p>Total {} &micro;m&sup2; (Yosys, hierarchical; {}).</p>\n",
                   esc(at(area, "total_area_um2")), link("area.json"));
  std::vector<std::pair<double, std::string>> rows;
  for (const auto &[name, m] : at(area, "modules").items()) {
    const double inst = at(m, "instances").is_number() ? at(m, "instances").get<double>() : 0;
    const double a = at(m, "area_um2").is_number() ? at(m, "area_um2").get<double>() : 0;
    rows.push_back({inst * a, fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{:.1f}</td></tr>\n",
                                          html_escape(name), esc(at(m, "instances")),
                                          esc(at(m, "area_um2")), inst * a)});
  }
  std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
  h += "<table>\n<tr><th class=\"l\">module</th><th>instances</th><th>area of one (&micro;m&sup2;)</th>"
       "<th>total (&micro;m&sup2;)</th></tr>\n";
  for (const auto &r : rows)
    h += r.second;
  h += "</table>\n";

  h += fmt::format("<h2>Lint</h2>\n<p>verilator --lint-only -Wall: {} ({}).</p>\n",
                   verdict(at(lint, "clean") == true, "clean", "findings"), link("lint.txt"));
  if (at(lint, "diagnostics").is_array() && !at(lint, "diagnostics").empty()) {
    h += "<pre>";
    for (const auto &d : at(lint, "diagnostics"))
      h += esc(d) + "\n";
    h += "</pre>\n";
  }

  h += fmt::format("<h2>Co-simulation</h2>\n<p>Layer <b>{}</b>: {}. Random int8 tensors in the "
                   "backing-store model in their natural layouts; the accelerator ran the layer's "
                   "configuration; {} outputs compared bit-exactly with a C++ reference "
                   "convolution, {} mismatches. Cycles measured {}, predicted by the cost model "
                   "{} (within 2%: {}); counters equal to the model's: {}.</p>\n",
                   esc(at(cosim, "layer")), verdict(at(cosim, "pass") == true, "PASS", "FAIL"),
                   esc(at(cosim, "outputs_checked")), esc(at(cosim, "mismatches")),
                   esc(at(cosim, "measured_cycles")), esc(at(cosim, "predicted_cycles")),
                   verdict(at(cosim, "cycles_within_2pct") == true, "yes", "no"),
                   verdict(at(cosim, "counts_equal") == true, "yes", "no"));
  if (at(cosim, "first_mismatch").is_string())
    h += fmt::format("<p>First mismatch: <code>{}</code></p>\n", esc(at(cosim, "first_mismatch")));
  h += "<table>\n<tr><th class=\"l\">level</th><th class=\"l\">tensor</th><th class=\"l\">"
       "count</th><th>RTL</th><th>model</th></tr>\n";
  for (const auto &[level, tensors] : at(cosim, "counts").items())
    for (const auto &[tensor, kinds] : tensors.items())
      for (const auto &[kind, pair] : kinds.items())
        h += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}"
                         "</td><td>{}</td><td>{}</td></tr>\n",
                         html_escape(level), html_escape(tensor), html_escape(kind),
                         esc(pair.at(0)), esc(pair.at(1)));
  h += "</table>\n";

  h += "<h2>Files</h2>\n<ul>\n";
  for (const auto &[p, what] : std::vector<std::pair<std::string, std::string>>{
           {"flow.json", "everything on this page as JSON"},
           {"schedules.json", "per-layer schedules, evaluations and search statistics"},
           {"schedules/", "each schedule as our schedule YAML"},
           {"microarch.json", "the micro-architecture description"},
           {"rtl/", "generated Verilog, one module per file"},
           {"params.json", "accelerator parameters and register map"},
           {"params.h", "the same as C #defines"},
           {"config/", "per-layer configurations: register values (JSON and hex), memory layout"},
           {"lint.txt", "Verilator lint result"},
           {"area.json", "Yosys area per module"}})
    h += fmt::format("<li>{}: {}</li>\n", link(p), html_escape(what));
  h += "</ul>\n</body></html>\n";
  return h;
}

} // namespace hcl::flows
