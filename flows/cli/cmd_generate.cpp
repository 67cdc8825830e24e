// `hcl generate`: elaborate one of the hardware generators and write its Verilog and params.
#include "command.h"

#include <flows/output_paths.h>

#include <generators/array.h>
#include <generators/generate.h>

#include <fmt/core.h>

#include <memory>

namespace {

const hcl::cli::RegisterCommand reg_generate{
    "generate",
    "Generate a PE, buffer, spatial array, loop controller or a whole accelerator: DIR/rtl/*.v, "
    "DIR/params.json, DIR/params.h (accelerator: DIR/config/<layer>.json per --layer)",
    [](CLI::App &cmd) -> hcl::cli::RunFn {
      struct Args {
        std::string generator;
        std::string preset;
        std::vector<std::string> sets;
        std::vector<std::string> layers;
        std::string out;
      };
      auto a = std::make_shared<Args>();
      cmd.add_option("generator", a->generator,
                     "What to generate: pe, buffer, array, controller, accelerator")
          ->required();
      cmd.add_option("--preset", a->preset,
                     "array: tpu (weight-stationary systolic, default), eyeriss (row "
                     "stationary, diagonal inputs), tree (adder-tree reduction), "
                     "output-stationary, xy (X|Y: one weight for all PEs, per-PE inputs), fxfy "
                     "(FX|FY: one sum over all PEs). accelerator: tpu (default) or tree");
      cmd.add_option("--set", a->sets,
                     "key=value, repeatable. Always valid: rows, cols, data_width, acc_width. "
                     "array: row_loops/col_loops (N,K,C,Y,X,FY,FX; e.g. C or C:2,FX:2), "
                     "weight_width, signed, stationary (none|weight|input|output), "
                     "double_buffer, pipeline_stages, input_flow/weight_flow "
                     "(broadcast|systolic), reduce (tree|chain), edge_accumulate. pe: "
                     "weight_width, signed, stationary, double_buffer, pipeline_stages, "
                     "forward_x, forward_w, psum_chain. buffer: depth, width, banks, ports, "
                     "double_buffer, sram_threshold_bits. controller: levels, counter_width, "
                     "addr_width, addr_gens. accelerator: weight_width, signed, "
                     "pipeline_stages, in_depth, wt_depth, out_depth. See docs/generators.md")
          ->allow_extra_args(false); // one key=value per --set: a later positional stays one
      cmd.add_option("--layer", a->layers,
                     "accelerator only, repeatable: C=..,K=..,X=..[,name=..] (a GEMM or 1x1 "
                     "convolution O[K][X] = W[K][C] * I[C][X]); writes DIR/config/<name>.json "
                     "with the register writes and buffer layouts of that layer (name: a plain file "
                     "name, no '/', not empty, '.' or '..')")
          ->allow_extra_args(false);
      cmd.add_option("-o,--output", a->out,
                     "Output folder; its rtl/, params.json and params.h are replaced only "
                     "when generation succeeds")
          ->required();
      return [a]() {
        hcl::flows::check_output({"-o", a->out}, hcl::flows::OutputKind::ReplacedFolder);
        hcl::gen::GenerateRequest req{a->generator, a->preset, {}, a->layers};
        for (const auto &s : a->sets)
          req.settings.push_back(hcl::gen::parse_setting(s));
        const auto g = hcl::gen::generate(req);
        const auto files = hcl::gen::write_generated(g, a->out);
        if (g.params.contains("ignored"))
          fmt::print(stderr, "note: no effect on '{}': {}\n", a->generator,
                     g.params["ignored"].dump());
        fmt::print("top: {}\n", g.params["top"].get<std::string>());
        for (const auto &f : files)
          fmt::print("wrote {}\n", f.string());
        return 0;
      };
    }};

} // namespace
