// Reading Timeloop's input files (v0.4 format; v0.2/v0.3 `subtree:`/`local:` architectures
// too) into our data model, so every Timeloop case runs through the same closed-form model as
// our own specs. One source per format: timeloop_problem.cpp, timeloop_arch.cpp,
// timeloop_mapping.cpp (and timeloop_kind.cpp); Accelergy's tables are timeloop_ert.h and
// timeloop_art.h.
//
// Strict: an unknown or misplaced key is a SpecError (a std::invalid_argument) naming the
// file, the line and the key, and listing the valid keys. Component `attributes:` are the one
// open set (they are Accelergy plug-in parameters); the ones the model uses are read
// (depth/memory_depth, width/memory_width, datawidth/word-bits, block_size/block-size,
// read_bandwidth, write_bandwidth, multiple_buffering) and the rest are ignored.
//
// Flattening follows Timeloop: storage components from the outside in become levels (ours are
// listed innermost first); the innermost component is the compute element; a !Container with
// `spatial: {meshX, meshY}` becomes a level named `inter_<name>_spatial` that keeps nothing and
// fans out below; the members of a !Parallel group become consecutive levels (a per-tensor
// scratchpad says so with `constraints: {dataspace: {keep_only: [T]}}`, or keep + bypass).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::sched {

// Which Timeloop document a YAML file holds, by its top-level key; None when it is not one
// (e.g. one of our own `workload:`/`arch:`/`schedule:` files).
enum class TimeloopKind { None, Problem, Architecture, Mapping, Ert };
TimeloopKind timeloop_kind(const std::string &path);
// Whether the file holds that document: one Timeloop input may hold several (timeloopfe's
// parsed-processed-input.yaml has problem, architecture and mapping), where timeloop_kind
// names only the first of them.
bool timeloop_holds(const std::string &path, TimeloopKind kind);

// problem: {version, shape: {name, dimensions, coefficients, data_spaces}, instance}
Problem load_timeloop_problem(const std::string &path);
Problem parse_timeloop_problem(const YamlView &doc);

// Mapper constraints written on architecture components, applied by the search through
// constraints_from_timeloop (space.h). Dataspace constraints follow Timeloop's mapper: `keep`
// forces a tensor to be kept at the level and `bypass` forbids it; tensors in neither list are
// the mapper's choice. (timeloopfe's `keep_only`/`bypass_only` also fix the tensors they do not
// list: bypassed/kept.) A forced bypass also clears the tensor from Level::keeps, the set the
// level can hold at all.
struct TimeloopConstraint {
  std::string target;
  std::string type;                    // temporal | spatial | dataspace
  std::string factors, permutation;    // factors: "D=n" (fixed) and "D<=n" (maximum) tokens
  int split = -1;                      // spatial: loops of the permutation that go to X
  std::array<int, kMaxTensors> keep{}; // dataspace: 1 keep, -1 bypass, 0 free
};

struct TimeloopArch {
  Arch arch;
  std::string compute_name;
  std::vector<TimeloopConstraint> constraints;
  // A `type: utilization` (or parallelism) constraint's `min`: the fraction of the PEs the
  // spatial loops must use (SpaceOptions::min_utilization); 0 = none.
  double min_utilization = 0;
};

// architecture: {version, nodes: [...]} (v0.4) or {version, subtree: [...]} (v0.2/0.3), and
// optionally, in the same document, v0.3-style `architecture_constraints: {targets: [...]}`.
// `problem` names the tensors that dataspace keep/bypass lists refer to.
TimeloopArch load_timeloop_arch(const std::string &path, const Problem &problem);
TimeloopArch parse_timeloop_arch(const YamlView &doc, const Problem &problem);

// mapping: [{target, type: temporal|spatial|datatype|bypass, factors, permutation, split,
// keep, bypass}]. Targets are level names; a container name stands for its
// inter_<name>_spatial level. Dimensions a level does not mention have factor 1 there, and
// every dimension's factors must multiply to its bound.
Mapping load_timeloop_mapping(const std::string &path, const Problem &problem, const Arch &arch);
Mapping parse_timeloop_mapping(const YamlView &doc, const Problem &problem, const Arch &arch);

} // namespace hcl::sched
