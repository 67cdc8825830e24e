// `hcl synth`: area of Verilog sources with Yosys, per module and in total.
#include "command.h"
#include "options.h"

#include <flows/atomic_file.h>
#include <flows/errors.h>
#include <flows/output_paths.h>
#include <flows/synth.h>
#include <flows/tool.h>

#include <fmt/core.h>

#include <filesystem>
#include <limits>

namespace {

const hcl::cli::RegisterCommand reg_synth{
    "synth", "Synthesize Verilog with Yosys and report area (um^2) per module and in total",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      struct Args {
        std::vector<std::string> paths;
        std::string top;
        std::string liberty;
        std::string json;
        bool flat = false;
        std::vector<std::string> params;
        std::uint64_t sram_threshold = hcl::flows::SramModel{}.threshold_bits;
      };
      auto a = std::make_shared<Args>();
      cmd.add_option("paths", a->paths,
                     "Verilog files (*.v, *.sv) or folders holding them (not recursive)")
          ->required();
      cmd.add_option("--top", a->top, "Top module name (a Verilog identifier)")->required();
      cmd.add_option("--liberty", a->liberty,
                     "Cell library: a .lib path, 'osu018' (OSU 0.18 um, Debian package "
                     "qflow-tech-osu018) or 'nangate45' (default: hcl's NanGate 45 nm X1 areas)");
      cmd.add_option(
          "--json", a->json,
          "Also write the report as JSON to this file: {\"top\", \"total_area_um2\", "
          "\"modules\": {NAME: {\"instances\", \"area_um2\" (one instance), \"cells\"}}}");
      cmd.add_option("-P,--param", a->params,
                     "Override a parameter of the top module, NAME=VALUE (repeatable): NAME "
                     "an identifier, VALUE decimal digits or a based literal such as 8'hff");
      cmd.add_flag("--flat", a->flat,
                   "Flatten before synthesis (default: synthesize each module once and multiply "
                   "by its instance count; flat is much slower on arrays)");
      cmd.add_option("--sram-threshold-bits", a->sram_threshold,
                     "Memories of at least this many bits are costed as SRAM macros instead of "
                     "flip-flops")
          ->capture_default_str()
          ->check(hcl::cli::finite_number(0, std::numeric_limits<double>::max())); // not -1: wraps
      return [a]() {
        std::vector<std::filesystem::path> inputs(a->paths.begin(), a->paths.end());
        const auto files = hcl::flows::collect_verilog(inputs);
        hcl::flows::SynthOptions opts;
        opts.liberty = hcl::flows::resolve_liberty(a->liberty);
        std::vector<hcl::flows::PathOption> ins{{"--liberty", opts.liberty}};
        for (const auto &f : files) {
          ins.push_back({"Verilog input", f});
        }
        hcl::flows::check_outputs({{"--json", a->json}}, hcl::flows::OutputKind::File, ins);
        opts.flat = a->flat;
        for (const auto &p : a->params) {
          const auto eq = p.find('=');
          if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
            throw hcl::flows::UsageError(
                fmt::format("--param '{}': expected NAME=VALUE, e.g. --param R=16", p));
          }
          opts.top_parameters.emplace_back(p.substr(0, eq), p.substr(eq + 1));
        }
        opts.sram.threshold_bits = a->sram_threshold;
        opts.sram.scale = hcl::flows::sram_scale_for(a->liberty);
        const auto report = hcl::flows::synthesize(files, a->top, opts);
        fmt::print("{}", hcl::flows::synth_report_table(report));
        fmt::print("yosys time: {:.2f} s\n", report.yosys_seconds);
        if (!a->json.empty()) {
          hcl::flows::write_file_atomic(a->json, hcl::flows::synth_report_json(report));
        }
        return 0;
      };
    }};

} // namespace
