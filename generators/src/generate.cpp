#include <generators/array.h>
#include <generators/buffer.h>
#include <generators/controller.h>
#include <generators/generate.h>
#include <generators/nest_accelerator.h>
#include <generators/params.h>
#include <generators/pe.h>
#include <generators/require.h>

#include <hcl/hcl.h>

#include <support/atomic_write.h>

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <system_error>

namespace hcl::gen {

namespace fs = std::filesystem;

std::pair<std::string, std::string> parse_setting(const std::string &text) {
  const auto eq = text.find('=');
  require(eq != std::string::npos && eq > 0, "--set",
          fmt::format("expected key=value, got '{}'", text));
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

// Applies settings; keys in `ignore` are recorded instead. data_width also sets weight_width
// unless the request sets weight_width itself.
template <class Config>
nlohmann::json apply(Config &c, const GenerateRequest &r, const std::vector<std::string> &ignore) {
  nlohmann::json ignored = nlohmann::json::object();
  bool explicit_ww = false;
  for (const auto &[k, v] : r.settings) {
    explicit_ww = explicit_ww || k == "weight_width";
  }
  for (const auto &[k, v] : r.settings) {
    if (std::find(ignore.begin(), ignore.end(), k) != ignore.end()) {
      ignored[k] = v;
      continue;
    }
    c.set(k, v);
    if constexpr (requires { c.weight_width; }) {
      if (k == "data_width" && !explicit_ww) {
        c.set("weight_width", v);
      }
    }
  }
  return ignored;
}

template <class Gen>
Generated finish(const Gen &gen, nlohmann::json j, const nlohmann::json &ignored) {
  Generated g{elaborate(gen), std::move(j), "", {}, {}};
  if (!ignored.empty()) {
    g.params["ignored"] = ignored;
  }
  g.header = c_header(g.params);
  return g;
}

} // namespace

namespace {

// One entry per generator: its keys, the common keys it ignores and how it is made.
struct Entry {
  GeneratorKeys keys;
  std::function<Generated(const GenerateRequest &)> make;
};

template <class Config, class Gen>
Entry entry(const char *name, std::vector<std::string> ignored,
            std::function<Config(const GenerateRequest &)> start) {
  GeneratorKeys k{name, key_docs(Config::keys()), ignored};
  return {k, [ignored, start](const GenerateRequest &r) {
            Config c = start(r);
            auto skipped = apply(c, r, ignored);
            c.validate();
            return finish(Gen{c}, c.to_json(), skipped);
          }};
}

const std::vector<Entry> &entries() {
  static const std::vector<Entry> e = {
      entry<PeConfig, Pe>("pe", {"rows", "cols"},
                          [](const GenerateRequest &) { return PeConfig{}; }),
      entry<BufferConfig, Buffer>("buffer", {"acc_width"},
                                  [](const GenerateRequest &) { return BufferConfig{}; }),
      entry<ArrayConfig, Array>("array", {},
                                [](const GenerateRequest &r) {
                                  return array_preset(r.preset.empty() ? "tpu" : r.preset);
                                }),
      entry<ControllerConfig, Controller>(
          "controller", {"rows", "cols", "data_width", "acc_width"},
          [](const GenerateRequest &) { return ControllerConfig{}; }),
      // Per-layer configurations come from schedules (flows/nest_lower.h); alone, the generator
      // writes the design for the sizes given.
      entry<NestAcceleratorConfig, NestAccelerator>(
          "accelerator", {}, [](const GenerateRequest &r) {
            NestAcceleratorConfig c;
            c.preset = r.preset.empty() ? "tpu" : r.preset;
            return c;
          })};
  return e;
}

} // namespace

const std::vector<GeneratorKeys> &generator_keys() {
  static const std::vector<GeneratorKeys> k = [] {
    std::vector<GeneratorKeys> v;
    for (const auto &e : entries()) {
      v.push_back(e.keys);
    }
    return v;
  }();
  return k;
}

std::vector<std::string> generator_names() {
  std::vector<std::string> n;
  for (const auto &g : generator_keys()) {
    n.push_back(g.name);
  }
  return n;
}

std::string set_help() {
  std::vector<std::string> parts;
  for (const auto &g : generator_keys()) {
    parts.push_back(fmt::format("{}: {}", g.name, key_help(g.keys)));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

Generated generate(const GenerateRequest &r) {
  const auto &name = r.generator;
  require(name == "array" || name == "accelerator" || r.preset.empty(), "--preset",
          fmt::format("presets exist only for 'array' and 'accelerator' (got --preset {} for "
                      "'{}')",
                      r.preset, name));
  for (const auto &e : entries()) {
    if (e.keys.name == name) {
      return e.make(r);
    }
  }
  throw ConfigError("generator", fmt::format("unknown generator '{}'; valid: {}", name,
                                             fmt::join(generator_names(), ", ")));
}

namespace {

void write_text(const fs::path &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

} // namespace

std::vector<fs::path> write_generated(const Generated &g, const fs::path &dir) {
  const fs::path target = fs::absolute(dir).lexically_normal();
  const fs::path parent = target.parent_path();
  require(!fs::exists(target) || fs::is_directory(target), "-o",
          fmt::format("'{}' exists and is not a folder", dir.string()));
  fs::create_directories(parent);
  std::random_device rd;
  const fs::path tmp = parent / fmt::format(".{}.tmp-{:08x}", target.filename().string(), rd());
  std::vector<fs::path> files, extra;
  try {
    fs::create_directories(tmp / "rtl");
    EmitResult e = emit_verilog(g.design, tmp / "rtl");
    write_text(tmp / "params.json", g.params.dump(2) + "\n");
    write_text(tmp / "params.h", g.header);
    for (const auto &f : e.files) {
      files.push_back(target / "rtl" / f.filename());
    }
    std::vector<std::string> entries{"rtl", "params.json", "params.h"};
    for (const auto &d : g.owned_dirs) {
      fs::create_directories(tmp / d);
      entries.push_back(d);
    }
    for (const auto &[rel, text] : g.files) {
      fs::create_directories((tmp / rel).parent_path());
      write_text(tmp / rel, text);
      extra.push_back(target / rel);
      const std::string top = fs::path(rel).begin()->string();
      if (std::find(entries.begin(), entries.end(), top) == entries.end()) {
        entries.push_back(top);
      }
    }
    // Swap in: our outputs replace any previous ones; other files in DIR stay.
    if (!fs::exists(target)) {
      support::replace_path(tmp, target);
    } else {
      for (const auto &entry : entries) {
        support::replace_path(tmp / entry, target / entry);
      }
      fs::remove_all(tmp);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  files.push_back(target / "params.json");
  files.push_back(target / "params.h");
  files.insert(files.end(), extra.begin(), extra.end());
  return files;
}

} // namespace hcl::gen
