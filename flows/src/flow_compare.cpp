#include <flows/flow_compare.h>

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/flow_dataflow.h>
#include <flows/flow_report.h>

#include <scheduler/search/allocate.h>

#include "flow_folder.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>

namespace fs = std::filesystem;

namespace hcl::flows {
namespace {

struct SizePoint {
  std::vector<std::string> sizes; // FlowOptions::sizes of its designs, one candidate each
  std::string text;
};

// Every combination of one candidate per level; one point (the arch's sizes) without any.
std::vector<SizePoint> size_points(const std::vector<std::string> &specs) {
  std::vector<sched::SizeCandidates> levels; // checked already (check_flow_inputs)
  levels.reserve(specs.size());
  for (const auto &s : specs) {
    levels.push_back(sched::parse_size_candidates(s));
  }
  std::size_t count = 1;
  for (const auto &l : levels) {
    count *= l.size_bytes.size();
  }
  std::vector<SizePoint> points;
  for (std::size_t i = 0; i < count; ++i) {
    // Combination i, read as a number whose digits are the levels' candidates, the last
    // level's candidate changing fastest.
    std::vector<std::string> names(levels.size());
    std::vector<std::int64_t> bytes(levels.size());
    SizePoint p;
    std::size_t rest = i;
    for (std::size_t l = levels.size(); l-- > 0;) {
      names[l] = levels[l].level;
      bytes[l] = levels[l].size_bytes[rest % levels[l].size_bytes.size()];
      rest /= levels[l].size_bytes.size();
    }
    for (std::size_t l = 0; l < levels.size(); ++l) {
      p.sizes.push_back(fmt::format("{}={}", names[l], bytes[l]));
    }
    p.text = levels.empty() ? "as the arch gives" : sched::sizes_text(names, bytes);
    points.push_back(std::move(p));
  }
  return points;
}

// "C|K" -> "CK": a folder name from the dimension letters alone.
std::string folder_of(std::size_t point, const std::string &dataflow) {
  std::string d;
  for (char c : dataflow) {
    if (c != '|') {
      d += c;
    }
  }
  return fmt::format("p{}-{}", point + 1, d);
}

nlohmann::json read_json(const fs::path &file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

CompareDesign design_row(const fs::path &folder, const std::string &dataflow,
                         const SizePoint &point, const std::string &name) {
  const nlohmann::json flow = read_json(folder / "flow.json");
  const auto &c = flow.at("cosim");
  CompareDesign d;
  d.dataflow = dataflow;
  d.point = point.text;
  d.folder = name;
  d.rtl_energy_pj = c.at("measured_energy_pj").get<double>();
  d.model_energy_pj = c.at("predicted_energy_pj").get<double>();
  d.rtl_cycles = c.at("measured_cycles").get<std::uint64_t>();
  d.model_cycles = c.at("predicted_cycles").get<std::uint64_t>();
  d.area_um2 = flow.at("area").at("total_area_um2").get<double>();
  d.passed = c.at("pass").get<bool>() && flow.at("lint").at("clean").get<bool>();
  return d;
}

CompareDesign unbuilt_row(const std::string &dataflow, const SizePoint &point,
                          const std::string &name, const std::string &why) {
  CompareDesign d;
  d.dataflow = dataflow;
  d.point = point.text;
  d.folder = name;
  d.error = why;
  return d;
}

void check_options(const FlowOptions &o) {
  if (o.dataflow != "auto") {
    throw UsageError(fmt::format("--compare-dataflows runs every dataflow the template runs ({}); "
                                 "drop --dataflow {}",
                                 fmt::join(template_dataflows(), ", "), o.dataflow));
  }
}

// One design's whole flow, its lines indented under a header.
void run_design(const FlowOptions &o, FlowOptions sub, std::size_t index, std::size_t count,
                const std::string &header) {
  if (o.progress) {
    o.progress(fmt::format("== design {} of {}: {}", index + 1, count, header));
    sub.progress = [&o](const std::string &line) { o.progress("   " + line); };
  }
  (void)run_flow(sub);
}

struct Extremes {
  double lo = 0, hi = 0;
  void add(double e) {
    lo = lo == 0 ? e : std::min(lo, e);
    hi = std::max(hi, e);
  }
  nlohmann::json json(const char *key, const std::string &value) const {
    return {{key, value},
            {"min_energy_pj", lo},
            {"max_energy_pj", hi},
            {"ratio", lo > 0 ? hi / lo : 0.0}};
  }
};

} // namespace

CompareResult run_flow_comparison(const FlowOptions &o) {
  check_options(o);
  check_flow_inputs(o); // once, not once per design
  const std::vector<SizePoint> points = size_points(o.sizes);
  const std::vector<std::string> &dataflows = template_dataflows();
  detail::FlowFolder folder(o.out, o.force);
  CompareResult r;
  std::optional<UsageError> first_error;
  FlowOptions sub = o;
  sub.force = false;
  const std::size_t count = points.size() * dataflows.size();
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (const auto &d : dataflows) {
      const std::string name = folder_of(p, d);
      sub.dataflow = d;
      sub.sizes = points[p].sizes;
      sub.out = folder.work() / name;
      try {
        run_design(o, sub, r.designs.size(), count,
                   fmt::format("{} at {} -> {}/", d, points[p].text, name));
      } catch (const UsageError &e) {
        if (!first_error) {
          first_error = e;
        }
        r.designs.push_back(unbuilt_row(d, points[p], name, e.what()));
        if (o.progress) {
          o.progress(fmt::format("   not run: {}", e.what()));
        }
        continue;
      }
      r.designs.push_back(design_row(sub.out, d, points[p], name));
      if (sub.cosim_layer.empty()) { // the same layer on every design
        sub.cosim_layer =
            read_json(sub.out / "flow.json").at("cosim").at("layer").get<std::string>();
      }
    }
  }
  if (sub.cosim_layer.empty()) { // nothing was built: the inputs, not the template
    throw *first_error;
  }
  r.layer = sub.cosim_layer;
  r.all_passed = std::all_of(r.designs.begin(), r.designs.end(),
                             [](const CompareDesign &d) { return d.passed; });
  const nlohmann::json j = compare_json(r);
  write_file_atomic(folder.work() / "compare.json", j.dump(2) + "\n");
  write_file_atomic(folder.work() / "compare.md", compare_markdown(r));
  write_file_atomic(folder.work() / "compare.html", render_compare_report(j));
  if (o.stop.interrupted()) {
    throw Interrupted();
  }
  folder.publish();
  r.table = folder.out() / "compare.md";
  return r;
}

nlohmann::json compare_json(const CompareResult &r) {
  nlohmann::json designs = nlohmann::json::array();
  std::vector<std::pair<std::string, Extremes>> by_point, by_dataflow;
  const auto slot = [](auto &v, const std::string &k) -> Extremes & {
    for (auto &[key, e] : v) {
      if (key == k) {
        return e;
      }
    }
    return v.emplace_back(k, Extremes{}).second;
  };
  for (const auto &d : r.designs) {
    nlohmann::json row = {{"dataflow", d.dataflow},
                          {"point", d.point},
                          {"folder", d.error.empty() ? nlohmann::json(d.folder) : nlohmann::json()},
                          {"passed", d.passed},
                          {"energy_pj", {{"rtl", d.rtl_energy_pj}, {"model", d.model_energy_pj}}},
                          {"cycles", {{"rtl", d.rtl_cycles}, {"model", d.model_cycles}}},
                          {"area_um2", d.area_um2}};
    if (!d.error.empty()) {
      row["error"] = d.error;
    } else {
      slot(by_point, d.point).add(d.rtl_energy_pj);
      slot(by_dataflow, d.dataflow).add(d.rtl_energy_pj);
    }
    designs.push_back(row);
  }
  nlohmann::json spread = nlohmann::json::array(), sizing = nlohmann::json::array();
  for (const auto &[k, e] : by_point) {
    spread.push_back(e.json("point", k));
  }
  for (const auto &[k, e] : by_dataflow) {
    sizing.push_back(e.json("dataflow", k));
  }
  return {{"layer", r.layer},
          {"designs", designs},
          {"dataflow_spread", spread},
          {"sizing_range", sizing}};
}

std::string compare_markdown(const CompareResult &r) {
  const nlohmann::json j = compare_json(r);
  std::string s = fmt::format(
      "# Dataflows and buffer sizes on generated hardware: layer {}\n\n"
      "Energy from the RTL's counters at the arch's per-access energies; cycles measured from "
      "start to done; area from Yosys. Each next to the cost model's number for the same "
      "schedule.\n\n"
      "| sizes | dataflow | energy RTL (pJ) | energy model (pJ) | cycles RTL | cycles model | "
      "area (um^2) | checks | folder |\n|---|---|---:|---:|---:|---:|---:|---|---|\n",
      r.layer);
  // A '|' in a cell (C|K) would end the cell.
  const auto cell = [](const std::string &t) {
    std::string c;
    for (char ch : t) {
      if (ch == '|') {
        c += '\\';
      }
      c += ch;
    }
    return c;
  };
  for (const auto &d : r.designs) {
    s += d.error.empty()
             ? fmt::format("| {} | {} | {:.6g} | {:.6g} | {} | {} | {:.0f} | {} | {}/ |\n",
                           cell(d.point), cell(d.dataflow), d.rtl_energy_pj, d.model_energy_pj,
                           d.rtl_cycles, d.model_cycles, d.area_um2, d.passed ? "pass" : "FAIL",
                           cell(d.folder))
             : fmt::format("| {} | {} | | | | | | not run: {} | |\n", cell(d.point),
                           cell(d.dataflow), cell(d.error));
  }
  s += "\nSpread between the dataflows at each size point (largest / smallest RTL energy):\n\n";
  for (const auto &e : j["dataflow_spread"]) {
    s += fmt::format("- {}: {:.4f}x\n", e["point"].get<std::string>(), e["ratio"].get<double>());
  }
  s += "\nRange over the size points for each dataflow (largest / smallest RTL energy):\n\n";
  for (const auto &e : j["sizing_range"]) {
    s += fmt::format("- {}: {:.4f}x\n", e["dataflow"].get<std::string>(), e["ratio"].get<double>());
  }
  return s;
}

} // namespace hcl::flows
