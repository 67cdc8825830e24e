// Our own YAML formats for a workload (one layer), an architecture and a schedule, read
// strictly (see yaml_util.h) into the data model of problem.h, arch.h and mapping.h, and written
// back. The formats are documented with examples in docs/specs.md. Each top-level key is unique
// to one format (`workload:`, `arch:`, `schedule:`, `network:`), which is also what tells our
// files apart from Timeloop's (`problem:`, `architecture:`, `mapping:`).
//
// Every loader throws SpecError (a std::invalid_argument) naming file, line and key on bad
// input; none returns a partially filled object.
#pragma once

#include <cstdint>
#include <string>

#include <scheduler/arch.h>
#include <scheduler/counts.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>
#include <scheduler/yaml_util.h>

namespace hcl::sched {

// ---- workload ------------------------------------------------------------------------------
// A workload file holds `workload: {name, type, ...}` with type conv2d, depthwise, gemm, fc or
// generic. conv2d/depthwise accept the input size H/W (+ padding) instead of P/Q.
Problem load_problem_yaml(const std::string &path);
// Parses one layer mapping (the value of `workload:` or one entry of a network's `layers:`).
// `default_batch` is N when the layer does not give it. `extra_keys` are accepted and ignored
// (the network reader uses it for `repeat`).
// The layer's counts must fit (counts.h: check_counts); the error names the key to blame.
Problem parse_problem(const YamlView &layer, std::int64_t default_batch = 1,
                      const std::vector<std::string> &extra_keys = {});
// Throws the SpecError of a failed check_counts at the layer entry's key it blames (a
// dimension's key, `repeat`) or at the entry itself; nothing when the check passed.
void require_counts_fit(const YamlView &layer, const CountCheck &check);
// YAML text of a workload file. Conv2d/grouped/depthwise and GEMM problems are written in their
// short form; anything else in the generic form (dims + tensor projections), which loads back
// to an identical Problem.
std::string problem_to_yaml(const Problem &problem);
void save_problem_yaml(const std::string &path, const Problem &problem);

// ---- architecture --------------------------------------------------------------------------
// An arch file lists levels from the backing store inward; the returned Arch is innermost
// first (arch.h). A level with `partitioned:` becomes one level per tensor scratchpad.
Arch load_arch_yaml(const std::string &path);
Arch parse_arch(const YamlView &arch);
// Writes every level with explicit sizes and energies, so the file no longer depends on the
// energy table it may have come from.
std::string arch_to_yaml(const Arch &arch);
void save_arch_yaml(const std::string &path, const Arch &arch);

// The built-in energy table ("energy_table: interstellar", the default): energy in pJ of one
// 16-bit word access to a level of `kind` holding `size_bytes`, from the Interstellar ASIC
// files (cited in docs/specs.md, "Built-in energy table"): register/regfile 0.015 pJ per 8 B
// (512 B -> 0.96 pJ); SRAM 9 pJ at 32 KB, x1.5 per doubling (continuous in between); DRAM
// 200 pJ. A level with block size B and word width w pays this x B x w/16 per vector access.
double interstellar_word_energy_pj(MemKind kind, std::int64_t size_bytes);
// The neighbour-hop energy of the same table (pJ per 16-bit word per hop).
inline constexpr double kInterstellarHopEnergyPj = 0.035;

// Tensor names used by arch files (keep/bypass/partitioned): position i in Arch::Level::keeps.
const std::vector<std::string> &arch_tensor_names(); // {"Weights","Inputs","Outputs"}

// ---- schedule ------------------------------------------------------------------------------
// A schedule file holds `schedule: {levels: [...]}` with levels named as in `arch`. It is
// checked against `problem` and `arch` with validate() (validate.h); a failure becomes a
// SpecError at the line of the offending level entry.
Mapping load_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch);
Mapping parse_mapping(const YamlView &schedule, const Problem &problem, const Arch &arch);
// Levels are written outermost first, each with its temporal factors, order (innermost first),
// spatial factors per axis and keep list; levels without loops and with the default keep set
// are still written so the file shows the whole hierarchy.
std::string mapping_to_yaml(const Problem &problem, const Arch &arch, const Mapping &mapping);
void save_mapping_yaml(const std::string &path, const Problem &problem, const Arch &arch,
                       const Mapping &mapping);

// ---- recognizing files -----------------------------------------------------------------------
enum class SpecKind { Workload, Arch, Schedule, Network, Other };
// Which of our formats `path` holds, by its top-level key; Other for anything else (e.g. a
// Timeloop file). Throws SpecError only when the file cannot be read or parsed as YAML.
SpecKind detect_spec_kind(const std::string &path);

} // namespace hcl::sched
