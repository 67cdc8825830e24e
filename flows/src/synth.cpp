#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/sim_build.h>
#include <flows/synth.h>
#include <flows/temp_dir.h>
#include <flows/tool.h>
#include <flows/tool_args.h>

#include "content_hash.h"

#include <support/read_file.h>

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

namespace hcl::flows {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Yosys's own outputs: a missing one reads as empty, and the parse that follows says what
// is missing.
std::string slurp(const fs::path &p) { return support::read_file(p).value_or(std::string()); }

void write_text(const fs::path &p, const std::string &text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) {
    throw std::runtime_error(fmt::format("cannot write {}", p.string()));
  }
}

// Yosys script arguments are split on spaces unless quoted; require_tool_path() has
// made sure the path cannot end the quotes or the line.
std::string quote(const fs::path &p) { return fmt::format("\"{}\"", fs::absolute(p).string()); }

struct YosysRun {
  double seconds = 0;
};

// Runs in `dir`, so the script names its own files relative to it and no scratch path has to
// be quoted for Yosys (`tee -o` would take quotes literally).
// Yosys's section headers ("4.23. Executing ABC pass (...)."), the ones `-v 2` prints.
bool is_pass_header(const std::string &line) {
  static const std::regex header(R"(^[0-9]+(\.[0-9]+)*\. Executing .*)");
  return std::regex_match(line, header);
}

YosysRun run_yosys(const fs::path &dir, const std::string &name, const std::string &script,
                   const std::function<void(const std::string &)> &on_pass) {
  const fs::path log = dir / (name + ".log");
  write_text(dir / (name + ".ys"), script);
  const auto start = std::chrono::steady_clock::now();
  // -v 2 is -q (warnings and errors only) plus two levels of pass headers.
  std::vector<std::string> argv{
      yosys_executable().string(), "-q", "-l", name + ".log", "-s", name + ".ys"};
  std::function<void(const std::string &)> on_line;
  if (on_pass) {
    argv[1] = "-v";
    argv.insert(argv.begin() + 2, "2");
    on_line = [&on_pass](const std::string &line) {
      if (is_pass_header(line)) {
        on_pass(line.back() == '.' ? line.substr(0, line.size() - 1) : line);
      }
    };
  }
  const auto r = run_process(argv, dir, on_line);
  YosysRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code != 0) {
    std::string text = fs::exists(log) ? slurp(log) : std::string();
    text += r.output;
    throw UsageError(fmt::format("yosys failed (exit {}); no area reported. Log tail:\n{}",
                                 r.exit_code, tail_lines(text, 30)));
  }
  return run;
}

std::uint64_t param_value(const json &v) {
  if (v.is_number_unsigned() || v.is_number_integer()) {
    return v.get<std::uint64_t>();
  }
  // Yosys writes parameters as strings of binary digits.
  std::uint64_t out = 0;
  for (char c : v.get<std::string>()) {
    out = (out << 1) | (c == '1' ? 1U : 0U);
  }
  return out;
}

std::string strip_backslash(const std::string &s) {
  return !s.empty() && s[0] == '\\' ? s.substr(1) : s;
}

struct MemShape {
  std::uint64_t width = 0, depth = 0, abits = 0, rd_ports = 0, wr_ports = 0;
  std::vector<std::pair<std::string, std::pair<std::string, std::size_t>>>
      ports;                       // name, dir, width
  std::vector<std::string> params; // of the $mem_v2 cell, removed when it becomes a blackbox
  // "_macro" when the design already has a module of the plain name: the generators' own
  // behavioural SRAM models are called that, and the macro cell goes inside such a model.
  std::string suffix;
  auto key() const { return std::tie(width, depth, abits, rd_ports, wr_ports); }
  bool operator<(const MemShape &o) const { return key() < o.key(); }
  std::string name() const {
    std::string n = fmt::format("hcl_sram_{}x{}_{}r{}w", depth, width, rd_ports, wr_ports);
    std::uint64_t natural = 0;
    while ((1ULL << natural) < depth) {
      ++natural;
    }
    if (abits != natural) {
      n += fmt::format("_a{}", abits);
    }
    return n + suffix;
  }
};

// The memories of the elaborated design that are large enough to be SRAM macros.
std::set<MemShape> find_macros(const fs::path &netlist_json, const SramModel &model) {
  const json j = json::parse(slurp(netlist_json));
  std::set<std::string> modules;
  for (const auto &[mname, mod] : j.at("modules").items()) {
    modules.insert(strip_backslash(mname));
  }
  std::set<MemShape> shapes;
  for (const auto &[mname, mod] : j.at("modules").items()) {
    if (!mod.contains("cells")) {
      continue;
    }
    for (const auto &[cname, cell] : mod.at("cells").items()) {
      if (cell.at("type") != "$mem_v2") {
        continue;
      }
      const auto &p = cell.at("parameters");
      MemShape s;
      s.width = param_value(p.at("WIDTH"));
      s.depth = param_value(p.at("SIZE"));
      s.abits = param_value(p.at("ABITS"));
      s.rd_ports = param_value(p.at("RD_PORTS"));
      s.wr_ports = param_value(p.at("WR_PORTS"));
      if (s.width * s.depth < model.threshold_bits) {
        continue;
      }
      for (const auto &[name, value] : p.items()) {
        s.params.push_back(name);
      }
      for (const auto &[port, bits] : cell.at("connections").items()) {
        const std::string dir = cell.at("port_directions").at(port);
        s.ports.push_back({port, {dir, bits.size()}});
      }
      if (modules.count(s.name()) != 0) {
        s.suffix = "_macro";
      }
      shapes.insert(s);
    }
  }
  return shapes;
}

std::string blackbox_verilog(const std::set<MemShape> &shapes) {
  std::string v = "// SRAM macro blackboxes generated by hcl synth\n";
  for (const auto &s : shapes) {
    std::vector<std::string> decls;
    for (const auto &[port, dw] : s.ports) {
      decls.push_back(
          fmt::format("{} [{}:0] {}", dw.first, std::max<std::size_t>(dw.second, 1) - 1, port));
    }
    v += fmt::format("(* blackbox *)\nmodule {} ({});\nendmodule\n", s.name(),
                     fmt::join(decls, ", "));
  }
  return v;
}

// "$paramod\pe\W=s32'00...01000\N=..." -> "pe(W=8,N=...)"; "$paramod$0a1b...\pe" -> "pe$0a1b2c3d".
std::string display_name(const std::string &raw) {
  std::string name = strip_backslash(raw);
  if (name.rfind("$paramod$", 0) == 0) {
    const auto slash = name.find('\\');
    if (slash != std::string::npos) {
      return name.substr(slash + 1) + "$" + name.substr(9, std::min<std::size_t>(8, slash - 9));
    }
    return name;
  }
  if (name.rfind("$paramod\\", 0) != 0) {
    return name;
  }
  std::vector<std::string> parts;
  std::size_t start = 9;
  while (start <= name.size()) {
    auto end = name.find('\\', start);
    if (end == std::string::npos) {
      end = name.size();
    }
    parts.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  if (parts.empty()) {
    return name;
  }
  static const std::regex bits(R"((s?)(\d+)'([01]+))");
  std::vector<std::string> params;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    if (eq == std::string::npos) {
      params.push_back(parts[i]);
      continue;
    }
    std::string value = parts[i].substr(eq + 1);
    std::smatch m;
    if (std::regex_match(value, m, bits) && m[3].length() <= 64) {
      std::uint64_t v = 0;
      for (char c : m[3].str()) {
        v = (v << 1) | (c == '1' ? 1U : 0U);
      }
      const auto n = static_cast<std::size_t>(m[3].length());
      if (m[1] == "s" && n > 0 && n < 64 && ((v >> (n - 1)) & 1) != 0) {
        value =
            fmt::format("{}", static_cast<std::int64_t>(v) - static_cast<std::int64_t>(1ULL << n));
      } else {
        value = fmt::format("{}", v);
      }
    }
    params.push_back(parts[i].substr(0, eq) + "=" + value);
  }
  return fmt::format("{}({})", parts[0], fmt::join(params, ","));
}

// Yosys 0.23's `stat -json -top` also prints lines of its hierarchy tree (bare module names and
// counts, for modules below the first level) into the JSON, and without -top it leaves a
// trailing comma. Every real line of that JSON starts with a quote or a bracket, so the stray
// tree lines are dropped before parsing.
json parse_stat_json(const std::string &text) {
  std::istringstream in(text);
  std::string line;
  std::string clean;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
      continue;
    }
    const char c = line[first];
    if (c == '"' || c == '{' || c == '}' || c == '[' || c == ']') {
      clean += line;
      clean += '\n';
    }
  }
  try {
    return json::parse(clean);
  } catch (const json::exception &e) {
    throw UsageError(
        fmt::format("cannot parse yosys `stat -json` output ({}); no area reported", e.what()));
  }
}

double round6(double x) { return std::round(x * 1e6) / 1e6; }

} // namespace

double SramModel::area(std::uint64_t width, std::uint64_t depth, std::uint64_t ports) const {
  const auto w = static_cast<double>(width);
  const auto d = static_cast<double>(depth);
  const auto p = static_cast<double>(std::max<std::uint64_t>(ports, 1));
  return scale * (um2_per_bit * w * d + um2_per_row * d + um2_per_column * w * p + um2_fixed * p);
}

fs::path default_liberty() {
  return fs::path(HCL_SOURCE_DIR) / "flows" / "data" / "liberty" / "hcl_nangate45_x1.lib";
}

fs::path resolve_liberty(const std::string &name) {
  if (name.empty() || name == "nangate45") {
    return default_liberty();
  }
  if (name == "osu018") {
    const fs::path rel = "usr/share/qflow/tech/osu018/osu018_stdcells.lib";
    std::vector<fs::path> candidates;
    if (const char *d = std::getenv("HCL_OSU018_DIR"); d != nullptr && *d != '\0') {
      candidates.push_back(fs::path(d) / rel);
    }
    candidates.push_back(fs::path(HCL_SOURCE_DIR) / "build" / "third_party" / "osu018" / rel);
    candidates.push_back(fs::path(HCL_BINARY_DIR) / "third_party" / "osu018" / rel);
    candidates.push_back(fs::path("/") / rel);
    for (const auto &c : candidates) {
      std::error_code ec;
      if (fs::is_regular_file(c, ec)) {
        return c;
      }
    }
    throw UsageError(fmt::format(
        "the osu018 liberty (osu018_stdcells.lib) was not found (looked in {}); it comes from the "
        "Debian package qflow-tech-osu018: run scripts/install-deps.sh, or apt-get install "
        "qflow-tech-osu018",
        candidates.front().string()));
  }
  std::error_code ec;
  if (!fs::is_regular_file(name, ec)) {
    throw UsageError(fmt::format("liberty file '{}' does not exist (give a .lib path, 'osu018' "
                                 "or 'nangate45')",
                                 name));
  }
  return name;
}

double sram_scale_for(const std::string &name) { return name == "osu018" ? 16.0 : 1.0; }

std::map<std::string, double> read_liberty_areas(const fs::path &liberty) {
  const std::string text = slurp(liberty);
  // Liberty is a nested-group format; for areas it is enough to pair each `cell (NAME)` with
  // the first `area : X` that follows it before the next cell group.
  static const std::regex cell_re(R"(\bcell\s*\(\s*\"?([A-Za-z0-9_$.\[\]]+)\"?\s*\))");
  static const std::regex area_re(R"(\barea\s*:\s*\"?([0-9.eE+-]+)\"?\s*;)");
  std::map<std::string, double> areas;
  std::vector<std::pair<std::size_t, std::string>> cells;
  for (std::sregex_iterator it(text.begin(), text.end(), cell_re), end; it != end; ++it) {
    cells.emplace_back(static_cast<std::size_t>(it->position()), (*it)[1].str());
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::size_t from = cells[i].first;
    const std::size_t to = i + 1 < cells.size() ? cells[i + 1].first : text.size();
    std::smatch m;
    const auto b = text.begin() + static_cast<std::ptrdiff_t>(from);
    const auto e = text.begin() + static_cast<std::ptrdiff_t>(to);
    if (std::regex_search(b, e, m, area_re)) {
      areas[cells[i].second] = std::stod(m[1]);
    }
  }
  if (areas.empty()) {
    throw UsageError(fmt::format(
        "{}: no `cell (NAME) {{ area : X; }}` found; is it a liberty file?", liberty.string()));
  }
  return areas;
}

namespace {

// Bump when the scripts or the area computation change, so old cache entries are not reused.
constexpr int kSynthRecipe = 1;

// Everything the report depends on: the tool, the library, the options and the sources.
std::string synth_key(const std::vector<fs::path> &files, const std::string &top,
                      const SynthOptions &o, const fs::path &liberty) {
  detail::ContentHash h;
  h.add(fmt::format("hcl-synth recipe {}", kSynthRecipe));
  h.add(tool_version(yosys_executable(), "-V"));
  h.add(slurp(liberty));
  h.add(top);
  h.add(o.flat ? "flat" : "hierarchical");
  for (const auto &[name, value] : o.top_parameters) {
    h.add(fmt::format("{}={}", name, value));
  }
  h.add(fmt::format("{} {} {} {} {} {}", o.sram.threshold_bits, o.sram.um2_per_bit,
                    o.sram.um2_per_row, o.sram.um2_per_column, o.sram.um2_fixed, o.sram.scale));
  for (const auto &f : files) {
    h.add(f.filename().string());
    h.add(slurp(f));
  }
  return h.hex();
}

json report_cache_json(const SynthReport &r) {
  json mods = json::object();
  for (const auto &[name, m] : r.modules) {
    mods[name] = {{"instances", m.instances},
                  {"area_um2", m.area_um2},
                  {"cells", m.cells},
                  {"sram_macro", m.sram_macro}};
  }
  return {{"top", r.top},
          {"total_area_um2", r.total_area_um2},
          {"modules", mods},
          {"yosys_module_area_um2", r.yosys_module_area_um2},
          {"yosys_total_area_um2", r.yosys_total_area_um2}};
}

// A finished report of the same inputs, or nothing (no entry, or one this build cannot read).
std::optional<SynthReport> cached_report(const fs::path &entry) {
  std::error_code ec;
  if (!fs::is_regular_file(entry, ec)) {
    return std::nullopt;
  }
  try {
    const json j = json::parse(slurp(entry));
    SynthReport r;
    r.top = j.at("top").get<std::string>();
    r.total_area_um2 = j.at("total_area_um2").get<double>();
    for (const auto &[name, m] : j.at("modules").items()) {
      ModuleArea a;
      a.instances = m.at("instances").get<std::uint64_t>();
      a.area_um2 = m.at("area_um2").get<double>();
      a.cells = m.at("cells").get<std::map<std::string, std::uint64_t>>();
      a.sram_macro = m.at("sram_macro").get<bool>();
      r.modules[name] = a;
    }
    r.yosys_module_area_um2 = j.at("yosys_module_area_um2").get<std::map<std::string, double>>();
    r.yosys_total_area_um2 = j.at("yosys_total_area_um2").get<double>();
    r.cache_hit = true;
    return r;
  } catch (const json::exception &) {
    return std::nullopt;
  }
}

SynthReport run_synthesis(const std::vector<fs::path> &files, const std::string &top,
                          const SynthOptions &options, const fs::path &liberty,
                          const std::map<std::string, double> &lib_areas);

} // namespace

SynthReport synthesize(const std::vector<fs::path> &files, const std::string &top,
                       const SynthOptions &options) {
  if (files.empty()) {
    throw UsageError("synth: no Verilog files given");
  }
  if (top.empty()) {
    throw UsageError("synth: the top module name is required (--top NAME)");
  }
  // Every user string below goes into the Yosys script.
  require_identifier(top, "--top");
  for (const auto &[name, value] : options.top_parameters) {
    require_identifier(name, "--param name");
    require_parameter_value(value, fmt::format("--param {} value", name));
  }
  for (const auto &f : files) {
    require_tool_path(f, "Verilog file");
  }
  const fs::path liberty = options.liberty.empty() ? default_liberty() : options.liberty;
  if (!fs::is_regular_file(liberty)) {
    throw UsageError(fmt::format("liberty file {} does not exist", liberty.string()));
  }
  require_tool_path(liberty, "--liberty");
  const auto lib_areas = read_liberty_areas(liberty);
  (void)yosys_executable(); // fail early, naming the package
  const fs::path cache = options.cache_dir.empty() ? default_cache_dir() : options.cache_dir;
  require_tool_path(cache, "synthesis cache folder (HCL_CACHE_DIR)");
  const fs::path entry = cache / ("synth-" + synth_key(files, top, options, liberty) + ".json");
  if (auto hit = cached_report(entry)) {
    hit->liberty = liberty;
    return *hit;
  }
  SynthReport report = run_synthesis(files, top, options, liberty, lib_areas);
  fs::create_directories(cache);
  write_file_atomic(entry, report_cache_json(report).dump() + "\n");
  return report;
}

namespace {

using CellCounts = std::map<std::string, std::map<std::string, std::uint64_t>>; // module -> type

// Reads the design, elaborates it and infers its memories: the start of both passes.
std::string front_script(const std::vector<fs::path> &files, const std::string &top,
                         const SynthOptions &options) {
  std::string read;
  for (const auto &f : files) {
    read += fmt::format(" {}", quote(f));
  }
  std::string chparams;
  for (const auto &[name, value] : options.top_parameters) {
    chparams += fmt::format(" -chparam {} {}", name, value);
  }
  return fmt::format("read_verilog -sv{}\nhierarchy -check -top {}{}\nproc\n{}"
                     "opt_clean\nmemory -nomap\nopt_clean\n",
                     read, top, chparams, options.flat ? "flatten\n" : "");
}

// Pass 2: the macros' memories become blackbox cells, then synthesis, mapping and stat.
std::string synth_script(const fs::path &dir, const std::string &front,
                         const std::set<MemShape> &macros, const std::string &top,
                         const SynthOptions &options, const fs::path &liberty) {
  std::string script;
  if (!macros.empty()) {
    write_text(dir / "sram_blackboxes.v", blackbox_verilog(macros));
    script += "read_verilog -lib sram_blackboxes.v\n";
  }
  script += front;
  for (const auto &s : macros) {
    script += fmt::format("chtype -set {} t:$mem_v2 r:WIDTH={} %i r:SIZE={} %i r:ABITS={} %i "
                          "r:RD_PORTS={} %i r:WR_PORTS={} %i\n",
                          s.name(), s.width, s.depth, s.abits, s.rd_ports, s.wr_ports);
    // The blackbox has no parameters; hierarchy rejects cells that set unknown ones.
    std::string unset;
    for (const auto &p : s.params) {
      unset += fmt::format(" -unset {}", p);
    }
    script += fmt::format("setparam{} t:{}\n", unset, s.name());
  }
  script += fmt::format("synth -top {}{}\n", top, options.flat ? " -flatten" : "");
  script += fmt::format("dfflibmap -liberty {0}\nabc -liberty {0}\nopt_clean\n", quote(liberty));
  script += fmt::format("tee -q -o stat.txt stat -liberty {} -top {}\n", quote(liberty), top);
  script += fmt::format("tee -q -o stat.json stat -json -top {}\n", top);
  return script;
}

CellCounts cells_by_module(const json &stat, const std::string &top) {
  CellCounts cells_of;
  for (const auto &[raw, mod] : stat.at("modules").items()) {
    auto &c = cells_of[strip_backslash(raw)];
    for (const auto &[type, n] : mod.at("num_cells_by_type").items()) {
      c[strip_backslash(type)] = n.get<std::uint64_t>();
    }
  }
  if (cells_of.find(top) == cells_of.end()) {
    throw UsageError(fmt::format("yosys reported no module '{}'; no area reported", top));
  }
  return cells_of;
}

struct InstanceCounts {
  std::map<std::string, std::uint64_t> modules, macros;
};

// Walks the hierarchy from the top, multiplying counts along each path.
InstanceCounts count_instances(const CellCounts &cells_of,
                               const std::map<std::string, const MemShape *> &macro_by_name,
                               const std::string &top) {
  InstanceCounts out;
  std::function<void(const std::string &, std::uint64_t, int)> walk = [&](const std::string &m,
                                                                          std::uint64_t mult,
                                                                          int depth) {
    if (depth > 64) {
      throw UsageError(fmt::format("module hierarchy under '{}' is deeper than 64 levels", top));
    }
    out.modules[m] += mult;
    for (const auto &[type, n] : cells_of.at(m)) {
      if (cells_of.count(type) != 0) {
        walk(type, mult * n, depth + 1);
      } else if (macro_by_name.count(type) != 0) {
        out.macros[type] += mult * n;
      }
    }
  };
  walk(top, 1, 0);
  return out;
}

// Raw module name -> the name shown: the readable one, unless two modules share it.
std::map<std::string, std::string> shown_names(const std::map<std::string, std::uint64_t> &mods) {
  std::map<std::string, int> uses;
  for (const auto &[raw, n] : mods) {
    ++uses[display_name(raw)];
  }
  std::map<std::string, std::string> shown;
  for (const auto &[raw, n] : mods) {
    const auto d = display_name(raw);
    shown[raw] = uses[d] > 1 ? raw : d;
  }
  return shown;
}

// Each module's own cells priced from the liberty file, and each macro from the SRAM model.
void price_modules(const CellCounts &cells_of, const InstanceCounts &inst,
                   const std::map<std::string, const MemShape *> &macro_by_name,
                   const std::map<std::string, std::string> &shown,
                   const std::map<std::string, double> &lib_areas, const SynthOptions &options,
                   const fs::path &liberty, SynthReport &report) {
  std::vector<std::string> unknown;
  for (const auto &[raw, n] : inst.modules) {
    ModuleArea ma;
    ma.instances = n;
    for (const auto &[type, count] : cells_of.at(raw)) {
      if (cells_of.count(type) != 0 || macro_by_name.count(type) != 0) {
        continue;
      }
      const auto it = lib_areas.find(type);
      if (it == lib_areas.end()) {
        unknown.push_back(fmt::format("{} (x{} in {})", type, count, shown.at(raw)));
        continue;
      }
      ma.cells[type] = count;
      ma.area_um2 += it->second * static_cast<double>(count);
    }
    ma.area_um2 = round6(ma.area_um2);
    report.modules[shown.at(raw)] = ma;
  }
  if (!unknown.empty()) {
    throw UsageError(fmt::format(
        "cells without an area in {}: {}; no area reported (latches and other cells the library "
        "lacks cannot be costed: change the design or pick a library that has them)",
        liberty.string(), fmt::join(unknown, ", ")));
  }
  for (const auto &[name, n] : inst.macros) {
    const auto &s = *macro_by_name.at(name);
    ModuleArea ma;
    ma.instances = n;
    ma.sram_macro = true;
    ma.area_um2 = round6(options.sram.area(s.width, s.depth, s.rd_ports + s.wr_ports));
    report.modules[name] = ma;
  }
  for (const auto &[name, ma] : report.modules) {
    report.total_area_um2 += ma.area_um2 * static_cast<double>(ma.instances);
  }
  report.total_area_um2 = round6(report.total_area_um2);
}

// What Yosys itself printed, for cross-checking the computation above.
void read_yosys_areas(const std::string &st, const std::map<std::string, std::string> &shown,
                      SynthReport &report) {
  static const std::regex mod_re(R"(Chip area for module '\\?([^']+)': ([0-9.eE+-]+))");
  static const std::regex top_re(R"(Chip area for top module '\\?([^']+)': ([0-9.eE+-]+))");
  for (std::sregex_iterator it(st.begin(), st.end(), mod_re), end; it != end; ++it) {
    const std::string raw = (*it)[1];
    report.yosys_module_area_um2[shown.count(raw) != 0 ? shown.at(raw) : display_name(raw)] =
        std::stod((*it)[2]);
  }
  std::smatch m;
  if (std::regex_search(st, m, top_re)) {
    report.yosys_total_area_um2 = std::stod(m[2]);
  }
}

SynthReport run_synthesis(const std::vector<fs::path> &files, const std::string &top,
                          const SynthOptions &options, const fs::path &liberty,
                          const std::map<std::string, double> &lib_areas) {
  // Removed on every exit path; what a killed run leaves, the next run removes.
  const TempDir scratch(fs::temp_directory_path(), "hcl-synth-");
  const std::string front = front_script(files, top, options);
  SynthReport report;
  report.top = top;
  report.liberty = liberty;
  // Pass 1: elaborate only, to learn which memories are big enough to be macros.
  report.yosys_seconds +=
      run_yosys(scratch.path(), "elab", front + "write_json elab.json\n", options.on_pass).seconds;
  const auto macros = find_macros(scratch.path() / "elab.json", options.sram);
  const std::string script = synth_script(scratch.path(), front, macros, top, options, liberty);
  report.yosys_seconds += run_yosys(scratch.path(), "synth", script, options.on_pass).seconds;

  const CellCounts cells_of =
      cells_by_module(parse_stat_json(slurp(scratch.path() / "stat.json")), top);
  std::map<std::string, const MemShape *> macro_by_name;
  for (const auto &s : macros) {
    macro_by_name[s.name()] = &s;
  }
  const InstanceCounts inst = count_instances(cells_of, macro_by_name, top);
  const auto shown = shown_names(inst.modules);
  price_modules(cells_of, inst, macro_by_name, shown, lib_areas, options, liberty, report);
  read_yosys_areas(slurp(scratch.path() / "stat.txt"), shown, report);
  return report;
}

} // namespace

std::string synth_report_json(const SynthReport &r) {
  nlohmann::ordered_json j;
  j["top"] = r.top;
  j["total_area_um2"] = r.total_area_um2;
  nlohmann::ordered_json mods = nlohmann::ordered_json::object();
  for (const auto &[name, m] : r.modules) {
    nlohmann::ordered_json e;
    e["instances"] = m.instances;
    e["area_um2"] = m.area_um2;
    e["cells"] = nlohmann::ordered_json::object();
    for (const auto &[cell, n] : m.cells) {
      e["cells"][cell] = n;
    }
    mods[name] = e;
  }
  j["modules"] = mods;
  return j.dump(2) + "\n";
}

std::string synth_report_table(const SynthReport &r) {
  std::vector<std::pair<std::string, const ModuleArea *>> rows;
  for (const auto &[name, m] : r.modules) {
    rows.emplace_back(name, &m);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
    return a.second->area_um2 * static_cast<double>(a.second->instances) >
           b.second->area_um2 * static_cast<double>(b.second->instances);
  });
  std::size_t w = 6;
  for (const auto &row : rows) {
    w = std::max(w, row.first.size() + (row.second->sram_macro ? 7 : 0));
  }
  std::string s = fmt::format("top: {}   liberty: {}\n", r.top, r.liberty.filename().string());
  s += fmt::format("{:<{}}  {:>9}  {:>14}  {:>14}  {:>6}  {}\n", "module", w, "instances",
                   "area/inst um2", "total um2", "share", "cells/inst");
  for (const auto &[name, m] : rows) {
    const double total = m->area_um2 * static_cast<double>(m->instances);
    std::uint64_t ncells = 0;
    for (const auto &[c, n] : m->cells) {
      ncells += n;
    }
    s += fmt::format("{:<{}}  {:>9}  {:>14.3f}  {:>14.3f}  {:>5.1f}%  {}\n",
                     m->sram_macro ? name + " (SRAM)" : name, w, m->instances, m->area_um2, total,
                     r.total_area_um2 > 0 ? 100.0 * total / r.total_area_um2 : 0.0,
                     m->sram_macro ? std::string("macro model") : fmt::format("{}", ncells));
  }
  s += fmt::format("{:<{}}  {:>9}  {:>14}  {:>14.3f}\n", "total", w, "", "", r.total_area_um2);
  return s;
}

} // namespace hcl::flows
