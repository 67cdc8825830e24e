// Printers of an elaborated design.
//
// emit_verilog writes one Verilog-2005 file per distinct module into `dir`, named
// <module>.v, and returns the top module and the files in dependency order (children first).
// The output is lint-clean under `verilator --lint-only -Wall` without waivers and is read by
// Yosys `read_verilog -sv` without warnings. Each file is written to a temporary and renamed.
//
// dump prints the IR itself (nodes, drivers, instances), independent of the Verilog printer,
// so tests can check what elaboration built.
#pragma once

#include <hcl/ir.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hcl {

struct EmitOptions {
  // Append `// @[file:line]` to declarations (file name without folders, so output is stable).
  bool locators = true;
};

struct EmitResult {
  std::string top;
  std::vector<std::filesystem::path> files;
};

EmitResult emit_verilog(const Design &design, const std::filesystem::path &dir,
                        const EmitOptions &options = {});

// The Verilog text of one module (what emit_verilog writes to <name>.v).
std::string emit_module(const Design &design, std::uint32_t module,
                        const EmitOptions &options = {});

std::string dump(const Design &design);

} // namespace hcl
