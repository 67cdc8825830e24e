// Our workload format: one layer, `workload: {name, type, ...}`, read into a Problem
// (problem.h) and written back.
// Read strictly (yaml_util.h); every loader throws SpecError (a std::invalid_argument) naming
// file, line and key on bad input, and none returns a partially filled object. The format is
// documented with examples in docs/specs.md.
#pragma once

#include <scheduler/counts.h>
#include <scheduler/io/yaml_util.h>
#include <scheduler/problem.h>

#include <cstdint>
#include <string>
#include <vector>

namespace hcl::sched {

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

} // namespace hcl::sched
