#include <flows/report_data.h>

#include "json_access.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

namespace hcl::flows {

using detail::at;
using detail::num;
using detail::or0;
using detail::str;
using nlohmann::json;

namespace {

// schedules.json's layers by name.
std::map<std::string, const json *> by_name(const json &schedules) {
  std::map<std::string, const json *> m;
  for (const auto &l : at(schedules, "layers")) {
    m[str(at(l, "name"))] = &l;
  }
  return m;
}

const json &schedule_entry(const std::map<std::string, const json *> &s, const std::string &name) {
  static const json null;
  const auto it = s.find(name);
  return it != s.end() ? *it->second : null;
}

// The schedules.json entry holding a layer's evaluation and bounds: its own, or, for a layer
// that repeats an earlier shape and carries none, that layer's.
const json &entry_of(const std::map<std::string, const json *> &s, const json &layer) {
  const json &own = schedule_entry(s, str(at(layer, "name")));
  return at(own, "evaluation").is_object() ? own : schedule_entry(s, str(at(layer, "same_as")));
}

// Levels outermost first (the evaluation lists them innermost first).
std::vector<const json *> outermost_first(const json &evaluation) {
  std::vector<const json *> v;
  for (const auto &l : at(evaluation, "levels")) {
    v.insert(v.begin(), &l);
  }
  return v;
}

double level_energy(const json &level) {
  double e = or0(at(level, "leak_energy_pj"));
  for (const auto &[t, c] : at(level, "tensors").items()) {
    e += or0(at(c, "energy_pj"));
  }
  return e;
}

// What the MACs cost: stored by the model, or (older files) what the levels leave of the total.
double mac_energy(const json &evaluation) {
  if (at(evaluation, "mac_energy_pj").is_number()) {
    return num(at(evaluation, "mac_energy_pj"));
  }
  double e = or0(at(evaluation, "energy_pj"));
  for (const auto &l : at(evaluation, "levels")) {
    e -= level_energy(l);
  }
  return e;
}

json metric(const std::string &name, const std::string &label, const std::string &unit,
            double value, double bound, const std::string &bound_what, const std::string &better) {
  const bool have = std::isfinite(bound) && bound > 0;
  return {{"name", name},
          {"label", label},
          {"unit", unit},
          {"value", std::isfinite(value) ? json(value) : json()},
          {"bound", have ? json(bound) : json()},
          {"bound_what", bound_what},
          {"ratio", have && std::isfinite(value) ? json(value / bound) : json()},
          {"better", better}};
}

struct Totals {
  double energy = 0, floor = 0, macs = 0, cycles = 0, compute = 0, backing = 0, compulsory = 0;
  bool all_found = true;
};

Totals network_totals(const json &flow, const std::map<std::string, const json *> &s) {
  Totals t;
  for (const auto &l : at(flow, "layers")) {
    const double rep = std::max(1.0, or0(at(l, "repeat")));
    const json &entry = entry_of(s, l);
    const json &ev = at(entry, "evaluation");
    if (!ev.is_object()) {
      t.all_found = false;
      continue;
    }
    const json &b = at(entry, "bounds");
    t.energy += rep * or0(at(ev, "energy_pj"));
    t.floor += rep * or0(at(b, "energy_floor_pj"));
    t.macs += rep * or0(at(ev, "macs"));
    t.cycles += rep * or0(at(ev, "cycles"));
    t.compute += rep * or0(at(b, "compute_cycles"));
    t.backing += rep * or0(at(b, "backing_words"));
    t.compulsory += rep * or0(at(b, "compulsory_backing_words"));
  }
  return t;
}

double pes(const json &flow) {
  const json &a = at(at(flow, "microarch"), "array");
  return or0(at(a, "rows")) * or0(at(a, "cols"));
}

json summary(const json &flow, const std::map<std::string, const json *> &s) {
  const Totals t = network_totals(flow, s);
  const double budget = or0(at(at(flow, "inputs"), "max_area_um2"));
  const std::string every = t.all_found ? "" : " (layers with a mapping only)";
  json metrics = json::array();
  metrics.push_back(
      metric("energy_pj", "energy", "pJ", t.energy, t.floor,
             "every MAC plus each word the layers use crossing the backing store once, "
             "at its cheapest access" +
                 every,
             "lower"));
  metrics.push_back(metric("energy_per_mac_pj", "energy per MAC", "pJ",
                           t.macs > 0 ? t.energy / t.macs : NAN,
                           t.macs > 0 ? t.floor / t.macs : NAN, "the same floor per MAC", "lower"));
  metrics.push_back(metric("cycles", "cycles", "cycles", t.cycles, t.compute,
                           "compute bound: ceil(MACs / PEs) per layer, every PE busy" + every,
                           "lower"));
  const double p = pes(flow);
  metrics.push_back(metric("utilization", "utilization", "",
                           p > 0 && t.cycles > 0 ? t.macs / (t.cycles * p) : NAN, 1.0,
                           "every PE busy every cycle", "higher"));
  metrics.push_back(
      metric("area_um2", "area", "um^2", num(at(at(flow, "area"), "total_area_um2")),
             budget > 0 ? budget : NAN,
             budget > 0 ? "the --max-area budget" : "no area budget given (--max-area)", "lower"));
  metrics.push_back(metric("backing_words", "backing-store traffic", "words", t.backing,
                           t.compulsory, "compulsory: each word the layers use, once" + every,
                           "lower"));
  return {{"metrics", metrics},
          {"dataflow",
           {{"chosen", at(flow, "dataflow")},
            {"why", at(flow, "dataflow_why")},
            {"relaxed_layers", at(flow, "dataflow_relaxed_layers")}}},
          {"buffers", {{"sizes", at(flow, "buffer_sizes")}, {"why", at(flow, "sizes_why")}}}};
}

std::string status_of(const json &l) {
  std::string s = at(l, "found") != true     ? "no mapping"
                  : at(l, "optimal") == true ? "optimal"
                                             : fmt::format("gap {:.2f}%", 100 * or0(at(l, "gap")));
  if (!str(at(l, "same_as")).empty()) {
    s += " (same as " + str(at(l, "same_as")) + ")";
  }
  return s;
}

// The stack order of the network chart: the levels outermost first, then the MACs.
std::vector<std::string> level_names(const json &flow,
                                     const std::map<std::string, const json *> &s) {
  std::vector<std::string> names;
  for (const auto &l : at(flow, "layers")) {
    for (const json *lv : outermost_first(at(entry_of(s, l), "evaluation"))) {
      names.push_back(str(at(*lv, "name")));
    }
    if (!names.empty()) {
      break;
    }
  }
  names.push_back("MAC");
  return names;
}

json network(const json &flow, const std::map<std::string, const json *> &s) {
  json layers = json::array();
  for (const auto &l : at(flow, "layers")) {
    const double rep = std::max(1.0, or0(at(l, "repeat")));
    const json &entry = entry_of(s, l);
    const json &ev = at(entry, "evaluation");
    json by_level = json::object();
    for (const json *lv : outermost_first(ev)) {
      by_level[str(at(*lv, "name"))] = level_energy(*lv);
    }
    if (ev.is_object()) {
      by_level["MAC"] = mac_energy(ev);
    }
    layers.push_back(
        {{"name", at(l, "name")},
         {"repeat", rep},
         {"macs", at(l, "macs")},
         {"found", at(l, "found")},
         {"status", status_of(l)},
         {"same_as", at(l, "same_as")},
         {"energy_pj", at(ev, "energy_pj")},
         {"energy_total_pj", ev.is_object() ? json(rep * or0(at(ev, "energy_pj"))) : json()},
         {"energy_by_level_pj", by_level},
         {"cycles", at(ev, "cycles")},
         {"compute_bound_cycles", at(at(entry, "bounds"), "compute_cycles")},
         {"utilization", at(ev, "utilization")}});
  }
  std::stable_sort(layers.begin(), layers.end(), [](const json &a, const json &b) {
    return or0(at(a, "energy_total_pj")) > or0(at(b, "energy_total_pj"));
  });
  return {{"order", "energy x repeat, largest first"},
          {"levels", level_names(flow, s)},
          {"layers", layers}};
}

// The schedule as a loop nest, outermost first: per level its temporal loops (outermost
// first), then the spatial loops it fans out to its children, and the tile each tensor kept
// there has.
json loop_nest(const json &schedule, const json &evaluation) {
  std::map<std::string, const json *> tiles;
  for (const auto &l : at(evaluation, "levels")) {
    tiles[str(at(l, "name"))] = &at(l, "tensors");
  }
  json levels = json::array();
  for (const auto &lv : at(schedule, "levels")) {
    json loops = json::array();
    const json &temporal = at(lv, "temporal");
    for (auto it = temporal.rbegin(); it != temporal.rend(); ++it) {
      loops.push_back(
          {{"dim", at(*it, "dim")}, {"factor", at(*it, "factor")}, {"kind", "temporal"}});
    }
    for (const auto &[key, kind] :
         {std::pair{"spatial_x", "spatial X"}, std::pair{"spatial_y", "spatial Y"}}) {
      for (const auto &l : at(lv, key)) {
        loops.push_back({{"dim", at(l, "dim")}, {"factor", at(l, "factor")}, {"kind", kind}});
      }
    }
    json tile = json::object();
    const auto t = tiles.find(str(at(lv, "name")));
    if (t != tiles.end()) {
      for (const auto &[tensor, c] : t->second->items()) {
        tile[tensor] = at(c, "utilized_capacity");
      }
    }
    levels.push_back({{"level", at(lv, "name")},
                      {"keep", at(lv, "keep")},
                      {"tile_words", tile},
                      {"loops", loops}});
  }
  return levels;
}

// Weights, Inputs, Outputs, then any other: every chart gives a tensor the same colour.
void sort_tensors(std::vector<std::string> &names) {
  std::sort(names.begin(), names.end(), [](const std::string &a, const std::string &b) {
    static const std::vector<std::string> order = {"Weights", "Inputs", "Outputs"};
    const auto ra = std::find(order.begin(), order.end(), a) - order.begin();
    const auto rb = std::find(order.begin(), order.end(), b) - order.begin();
    return ra != rb ? ra < rb : a < b;
  });
}

json layer_energy(const json &evaluation, const json &bounds) {
  json levels = json::array(), tensors = json::array(), values = json::array(),
       leak = json::array();
  std::vector<std::string> names;
  for (const json *lv : outermost_first(evaluation)) {
    for (const auto &[t, c] : at(*lv, "tensors").items()) {
      if (std::find(names.begin(), names.end(), t) == names.end()) {
        names.push_back(t);
      }
    }
  }
  sort_tensors(names);
  for (const json *lv : outermost_first(evaluation)) {
    levels.push_back(at(*lv, "name"));
    json row = json::array();
    for (const auto &t : names) {
      row.push_back(or0(at(at(at(*lv, "tensors"), t), "energy_pj")));
    }
    values.push_back(row);
    leak.push_back(or0(at(*lv, "leak_energy_pj")));
  }
  for (const auto &t : names) {
    tensors.push_back(t);
  }
  return {{"levels", levels},
          {"tensors", tensors},
          {"values_pj", values},
          {"leak_pj", leak},
          {"mac_pj", mac_energy(evaluation)},
          {"total_pj", at(evaluation, "energy_pj")},
          {"floor_pj", at(bounds, "energy_floor_pj")}};
}

json layer_traffic(const json &evaluation, const json &bounds) {
  json by_tensor = json::array();
  const auto levels = outermost_first(evaluation);
  std::vector<std::string> names;
  if (!levels.empty()) {
    for (const auto &[t, c] : at(*levels.front(), "tensors").items()) {
      names.push_back(t);
    }
  }
  sort_tensors(names);
  for (const auto &t : names) {
    const json &c = at(at(*levels.front(), "tensors"), t);
    by_tensor.push_back({{"tensor", t}, {"words", or0(at(c, "reads")) + or0(at(c, "updates"))}});
  }
  return {{"backing_store", levels.empty() ? json() : at(*levels.front(), "name")},
          {"by_tensor_words", by_tensor},
          {"total_words", at(bounds, "backing_words")},
          {"compulsory_words", at(bounds, "compulsory_backing_words")},
          {"attainable_words", at(bounds, "attainable_single_buffer_words")},
          {"attainable_buffer_words", at(bounds, "single_buffer_size_words")}};
}

json cosim_of(const json &cosim, const std::string &layer) {
  if (str(at(cosim, "layer")) != layer) {
    return nullptr;
  }
  json rows = json::array();
  for (const auto &[level, tensors] : at(cosim, "counts").items()) {
    for (const auto &[tensor, kinds] : tensors.items()) {
      for (const auto &[kind, pair] : kinds.items()) {
        rows.push_back({{"level", level},
                        {"tensor", tensor},
                        {"kind", kind},
                        {"rtl", pair.at(0)},
                        {"model", pair.at(1)},
                        {"equal", pair.at(0) == pair.at(1)}});
      }
    }
  }
  return {{"counts", rows},
          {"measured_cycles", at(cosim, "measured_cycles")},
          {"predicted_cycles", at(cosim, "predicted_cycles")},
          {"outputs_checked", at(cosim, "outputs_checked")},
          {"mismatches", at(cosim, "mismatches")},
          {"pass", at(cosim, "pass")}};
}

json layers(const json &flow, const std::map<std::string, const json *> &s) {
  json out = json::array();
  for (const auto &l : at(flow, "layers")) {
    const std::string name = str(at(l, "name"));
    const json &entry = schedule_entry(s, name);
    if (at(l, "found") != true || !str(at(l, "same_as")).empty() ||
        !at(entry, "evaluation").is_object()) {
      continue;
    }
    const json &ev = at(entry, "evaluation"), &b = at(entry, "bounds");
    json shared = json::array();
    for (const auto &o : at(flow, "layers")) {
      if (str(at(o, "same_as")) == name) {
        shared.push_back(at(o, "name"));
      }
    }
    out.push_back(
        {{"name", name},
         {"repeat", at(l, "repeat")},
         {"status", status_of(l)},
         {"also_runs", shared},
         {"macs", at(ev, "macs")},
         {"utilization", at(ev, "utilization")},
         {"loop_nest", loop_nest(at(entry, "schedule"), ev)},
         {"energy", layer_energy(ev, b)},
         {"cycles", {{"model", at(ev, "cycles")}, {"compute_bound", at(b, "compute_cycles")}}},
         {"traffic", layer_traffic(ev, b)},
         {"cosim", cosim_of(at(flow, "cosim"), name)},
         {"config", at(l, "config")},
         {"schedule", at(l, "schedule")}});
  }
  return out;
}

// How a tensor crosses the array, from the loops it depends on: along an axis whose loops it
// does not depend on, an input is shared and an output is reduced; the array's preset says by
// which wires (tpu: PE to PE, systolic; tree: broadcast in, adder tree out).
std::string movement(const json &tensor, const json &array, const std::string &preset,
                     const std::vector<std::string> &per_pe_levels, const std::string &fed_from) {
  std::vector<std::string> dims;
  for (const auto &d : at(tensor, "dims")) {
    dims.push_back(str(d));
  }
  const auto depends = [&](const json &axis) {
    for (const auto &d : axis) {
      if (std::find(dims.begin(), dims.end(), str(d)) != dims.end()) {
        return true;
      }
    }
    return false;
  };
  const bool rw = at(tensor, "read_write") == true, tpu = preset != "tree";
  const int rows = static_cast<int>(or0(at(array, "rows"))),
            cols = static_cast<int>(or0(at(array, "cols")));
  std::vector<std::string> parts;
  const auto axis = [&](int n, const json &loops, const char *line, const char *across) {
    if (n <= 1 || depends(loops)) {
      return;
    }
    if (rw) {
      parts.push_back(
          tpu ? fmt::format("summed PE to PE {} over the {} {} (systolic)", line, n, across)
              : fmt::format("summed over the {} {} by an adder tree", n, across));
    } else {
      parts.push_back(
          tpu ? fmt::format("one word shared by the {} {}, passed PE to PE {} (systolic)", n,
                            across, line)
              : fmt::format("one word broadcast to the {} {}", n, across));
    }
  };
  axis(rows, at(array, "row_dims"), "down each column", "rows");
  axis(cols, at(array, "col_dims"), "along each row", "columns");
  if (parts.empty()) {
    parts.push_back("a different word in every PE");
  }
  if (!per_pe_levels.empty()) {
    parts.push_back(fmt::format("stationary in each PE's {}", fmt::join(per_pe_levels, ", ")));
  }
  if (!fed_from.empty()) {
    parts.push_back((rw ? "drained to " : "fed from ") + fed_from);
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

json hardware_levels(const json &micro, double pe_count) {
  json out = json::array();
  const json &levels = at(micro, "levels");
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    out.push_back({{"name", at(*it, "name")},
                   {"kind", at(*it, "kind")},
                   {"size_words", at(*it, "size_words")},
                   {"word_bits", at(*it, "word_bits")},
                   {"instances", at(*it, "instances")},
                   {"per_pe", pe_count > 1 && or0(at(*it, "instances")) == pe_count},
                   {"tensors", at(*it, "tensors")},
                   {"double_buffered", at(*it, "double_buffered")},
                   {"banks", at(*it, "banks")},
                   {"used_words", at(*it, "used_words")}});
  }
  return out;
}

json movements(const json &flow, const json &levels) {
  const json &array = at(at(flow, "microarch"), "array");
  const std::string preset = str(at(at(at(flow, "accelerator"), "params"), "preset"));
  json out = json::array();
  for (const auto &t : at(flow, "tensors")) {
    const std::string name = str(at(t, "name"));
    std::vector<std::string> per_pe;
    std::string fed_from; // the innermost shared level holding it
    for (const auto &lv : levels) {
      const auto &ts = at(lv, "tensors");
      if (std::find(ts.begin(), ts.end(), name) == ts.end()) {
        continue;
      }
      if (at(lv, "per_pe") == true) {
        per_pe.push_back(str(at(lv, "name")));
      } else {
        fed_from = str(at(lv, "name"));
      }
    }
    out.push_back({{"tensor", name}, {"how", movement(t, array, preset, per_pe, fed_from)}});
  }
  return out;
}

// Storage, PE datapath or control, by the generators' module names (docs/flows.md).
std::string module_kind(const std::string &m) {
  for (const char *p : {"hcl_buffer_", "hcl_sram_", "sram_"}) {
    if (m.rfind(p, 0) == 0) {
      return "storage (SRAM and buffers)";
    }
  }
  for (const char *p : {"hcl_pe_", "hcl_mul_", "hcl_array_", "hcl_adder", "hcl_tree"}) {
    if (m.rfind(p, 0) == 0) {
      return "PE datapath";
    }
  }
  if (m.rfind("hcl_nest_", 0) == 0) {
    return "control (loop nest, memory port, counters)";
  }
  return "other";
}

json area(const json &a) {
  json modules = json::array();
  std::map<std::string, double> kinds;
  for (const auto &[name, m] : at(a, "modules").items()) {
    const double total = or0(at(m, "instances")) * or0(at(m, "area_um2"));
    const std::string kind = module_kind(name);
    kinds[kind] += total;
    modules.push_back({{"module", name},
                       {"kind", kind},
                       {"instances", at(m, "instances")},
                       {"each_um2", at(m, "area_um2")},
                       {"total_um2", total}});
  }
  std::stable_sort(modules.begin(), modules.end(), [](const json &x, const json &y) {
    return or0(at(x, "total_um2")) > or0(at(y, "total_um2"));
  });
  json by_kind = json::array();
  for (const auto &[k, v] : kinds) {
    by_kind.push_back({{"kind", k}, {"um2", v}});
  }
  std::stable_sort(by_kind.begin(), by_kind.end(), [](const json &x, const json &y) {
    return or0(at(x, "um2")) > or0(at(y, "um2"));
  });
  return {{"total_um2", at(a, "total_area_um2")},
          {"top", at(a, "top")},
          {"liberty", at(a, "liberty")},
          {"by_kind", by_kind},
          {"by_module", modules}};
}

json hardware(const json &flow) {
  const json &micro = at(flow, "microarch"), &acc = at(flow, "accelerator");
  const json &array = at(micro, "array");
  const json levels = hardware_levels(micro, pes(flow));
  return {{"array",
           {{"rows", at(array, "rows")},
            {"cols", at(array, "cols")},
            {"row_dims", at(array, "row_dims")},
            {"col_dims", at(array, "col_dims")},
            {"preset", at(at(acc, "params"), "preset")}}},
          {"clock_ghz", at(micro, "clock_ghz")},
          {"levels", levels},
          {"movements", movements(flow, levels)},
          {"top", at(acc, "top")},
          {"params", at(acc, "params")},
          {"derivation", at(acc, "derivation")},
          {"area", area(at(flow, "area"))}};
}

json checks(const json &flow) {
  json cosim = at(flow, "cosim");
  if (cosim.is_object()) {
    cosim.erase("counts"); // per layer, next to the model's
  }
  return {{"lint", at(flow, "lint")}, {"cosim", cosim}};
}

json files() {
  json out = json::array();
  for (const auto &[p, what] : std::vector<std::pair<const char *, const char *>>{
           {"report.json", "every number on this page as JSON"},
           {"flow.json", "the run: inputs, choices, per-layer results, checks"},
           {"schedules.json", "per-layer schedules, evaluations, bounds and search statistics"},
           {"schedules/", "each schedule as our schedule YAML"},
           {"microarch.json", "the micro-architecture description"},
           {"rtl/", "generated Verilog, one module per file"},
           {"params.json", "accelerator parameters and register map"},
           {"params.h", "the same as C #defines"},
           {"config/", "per-layer configurations: register values (JSON and hex), memory layout"},
           {"lint.txt", "Verilator lint result"},
           {"area.json", "Yosys area per module"}}) {
    out.push_back({{"path", p}, {"what", what}});
  }
  return out;
}

} // namespace

json report_data(const json &flow, const json &schedules) {
  const auto s = by_name(schedules);
  const json &in = at(flow, "inputs"), &total = at(flow, "total");
  return {
      {"title",
       fmt::format("hcl flow: {} on {}", str(at(in, "network_name")), str(at(in, "arch_name")))},
      {"inputs", in},
      {"verdicts",
       {{"lint_clean", at(at(flow, "lint"), "clean") == true},
        {"cosim_pass", at(at(flow, "cosim"), "pass") == true},
        {"all_found", at(total, "all_found") == true},
        {"all_optimal", at(total, "all_optimal") == true}}},
      {"summary", summary(flow, s)},
      {"network", network(flow, s)},
      {"layers", layers(flow, s)},
      {"hardware", hardware(flow)},
      {"studies", {{"dataflow", at(flow, "dataflow_study")}, {"memory", at(flow, "allocation")}}},
      {"checks", checks(flow)},
      {"files", files()}};
}

} // namespace hcl::flows
