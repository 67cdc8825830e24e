#include <flows/design_flows.h>
#include <flows/temp_dir.h>

#include <fmt/core.h>

#include <fstream>
#include <optional>
#include <regex>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

// The folder the Verilog is emitted into: the caller's, or a TempDir removed on return.
class EmitDir {
public:
  explicit EmitDir(const fs::path &dir) {
    if (dir.empty()) {
      tmp_.emplace(fs::temp_directory_path(), "hcl-emit-");
    }
    path_ = tmp_ ? tmp_->path() : dir;
  }
  const fs::path &path() const { return path_; }

private:
  std::optional<TempDir> tmp_;
  fs::path path_;
};

std::string line_of(const fs::path &file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int i = 0; i < line && std::getline(in, text); ++i) {
  }
  return text;
}

} // namespace

LintResult lint(const hcl::Design &design, const fs::path &dir) {
  EmitDir out(dir);
  const auto emitted = hcl::emit_verilog(design, out.path());
  auto result = lint(emitted.files, emitted.top);
  static const std::regex locator(R"(// @\[([^\]]+)\])");
  for (auto &d : result.diagnostics) {
    if (d.file.empty() || d.line <= 0) {
      continue;
    }
    const std::string text = line_of(d.file, d.line);
    std::smatch m;
    if (std::regex_search(text, m, locator)) {
      d.message += fmt::format(" (hcl source: {})", m[1].str());
    }
  }
  return result;
}

SimOptions sim_options_for(const hcl::Design &design) {
  const auto &top = design.top_module();
  SimOptions o;
  o.clock = top.uses_clock ? "clock" : "";
  o.reset = top.uses_reset ? "reset" : top.uses_areset ? "areset" : "";
  return o;
}

Simulator simulate(const hcl::Design &design) { return simulate(design, sim_options_for(design)); }

Simulator simulate(const hcl::Design &design, const SimOptions &options, const fs::path &dir) {
  EmitDir out(dir);
  const auto emitted = hcl::emit_verilog(design, out.path());
  // The model is built (or found in the cache) inside the constructor, before `out` goes.
  return Simulator(emitted.files, emitted.top, options);
}

SynthReport synthesize(const hcl::Design &design, const SynthOptions &options,
                       const fs::path &dir) {
  EmitDir out(dir);
  const auto emitted = hcl::emit_verilog(design, out.path());
  return synthesize(emitted.files, emitted.top, options);
}

} // namespace hcl::flows
