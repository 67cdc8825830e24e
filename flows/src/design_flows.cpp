#include <flows/design_flows.h>

#include <fmt/core.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <unistd.h>

namespace hcl::flows {

namespace fs = std::filesystem;

namespace {

// The folder the Verilog is emitted into: the caller's, or a temporary one removed on exit.
class EmitDir {
public:
  explicit EmitDir(const fs::path &dir) : path_(dir) {
    if (path_.empty()) {
      static std::atomic<int> counter{0};
      path_ = fs::temp_directory_path() / fmt::format("hcl-emit-{}-{}", ::getpid(), counter++);
      fs::remove_all(path_);
      owned_ = true;
    }
  }
  ~EmitDir() {
    if (owned_) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  EmitDir(const EmitDir &) = delete;
  EmitDir &operator=(const EmitDir &) = delete;
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
  bool owned_ = false;
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
