// Readers for the Interstellar tool's JSON files (architecture, layer, schedule hint) and its
// mapping form, plus the file-level evaluation behind `hcl evaluate --mode interstellar`.
//
// The files are the tool's own (examples/arch, examples/layer, examples/schedule of
// xuanyoya/Interstellar-CNN-scheduler); a mapping file holds the keys `blockings`,
// `partitionings`, `orders` and `para_loop_dim` exactly as the record of a reference case does
// (the tool's best mapping, beside the case's name, files and energies), so such a record can
// be written straight out as a mapping file (its other keys are ignored). Like the tool,
// unknown keys are ignored, except that a key one or two letters away from a known key is
// reported as a likely typo.
//
// Every error is a std::invalid_argument of the form "<file>:<line>: <field>: <problem>; <what
// would be valid>". The line is that of the field's key (0 when it cannot be located).
#pragma once

#include <scheduler/interstellar/interstellar.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace hcl::sched::interstellar {

// `source` names the text in error messages (usually the file path).
Layer parse_layer(std::string_view text, const std::string &source);
ArchSpec parse_arch(std::string_view text, const std::string &source);
MappingSpec parse_mapping(std::string_view text, const std::string &source);

Layer read_layer(const std::filesystem::path &path);
ArchSpec read_arch(const std::filesystem::path &path);
MappingSpec read_mapping(const std::filesystem::path &path);

// A schedule hint (`{"schedule_hint": {"FX": {"level0": {"order": 0, "blocking_size": 5,
// "partitioning_size": 1}}, ...}, "partition_loops": [...]}`): constraints the tool's search
// honours. -1 = not given.
struct HintEntry {
  bool present = false;
  std::int64_t order = -1;
  std::int64_t blocking = -1;
  std::int64_t partitioning = -1;
};
struct ScheduleHint {
  int levels = 0;
  std::array<std::array<HintEntry, kMaxLevels>, kNumLoops> loops{};
  std::vector<int> partition_loops; // loops the search may additionally unroll
};
ScheduleHint parse_schedule_hint(std::string_view text, const std::string &source, int levels);
ScheduleHint read_schedule_hint(const std::filesystem::path &path, int levels);

// Whether a mapping obeys a hint the way the tool's search produces mappings: where given,
// the blocking equals blocking_size and the partitioning is a multiple of partitioning_size
// (the tool may multiply in extra unrolling when the array has room for it). Orders in a hint
// only seed the search and are not binding.
bool follows_hint(const ScheduleHint &hint, const MappingSpec &mapping);

// The mapping in the tool's form (the inverse of parse_mapping).
nlohmann::json mapping_to_json(const MappingSpec &mapping);

// {"mode": "interstellar", "macs", "energy_pj", "level_energies_pj", "level_cost_order",
//  "levels": [{"name", "kind": "buffer"|"array", "level", "instances", "energy_pj", ...}],
//  "valid", "violations"} — levels in the tool's order (see Result).
nlohmann::json result_to_json(const Result &result, const Layer &layer, const ArchSpec &arch,
                              const MappingSpec &mapping);

// Reads the three files, checks the mapping against layer and arch (check_mapping), evaluates
// and returns result_to_json. Throws std::invalid_argument for unreadable or invalid input.
// A mapping that breaks the capacity rules is still evaluated ("valid": false + reasons).
nlohmann::json evaluate_files(const std::filesystem::path &layer, const std::filesystem::path &arch,
                              const std::filesystem::path &mapping);

} // namespace hcl::sched::interstellar
