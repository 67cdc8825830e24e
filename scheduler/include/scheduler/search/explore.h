// The seed paper's design-space experiments on top of the exact search (search.h):
// - dataflows: the best energy for each choice of loops that may be unrolled ("C|K" = TPU-like,
//   "R|P" = Eyeriss row-stationary FY|Y, "Q|P" = X|Y, "S|R" = FX|FY), each with optimal
//   blocking, order and bypass. The paper's finding: they differ by only a few percent.
// - memory: the best energy over a grid of sizes of two on-chip levels (e.g. register file x
//   global buffer). The paper's finding: sizing changes energy by several times.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <scheduler/arch.h>
#include <scheduler/problem.h>
#include <scheduler/search/search.h>

namespace hcl::sched {

struct DataflowPoint {
  std::string name; // "C|K"
  std::vector<int> dims;
  SearchResult result;
};

// `dataflows` are "A|B" strings of dimension names: A is unrolled on the X axis and B on the Y
// axis of every mesh, other loops may join either axis (replication, as in the seed tool), as
// SpaceOptions::dataflow_x/y. One name or more than two: SpaceOptions::unroll_dims (only those
// dims may be unrolled). Throws std::invalid_argument naming an unknown dimension, before any
// search.
std::vector<DataflowPoint> explore_dataflows(const Problem &problem, const Arch &arch,
                                             const std::vector<std::string> &dataflows,
                                             const SearchOptions &options);
// The dimensions of a dataflow "A|B" (or "A", "A|B|C"); throws std::invalid_argument naming
// the dataflow and the layer's dimensions when one is not a dimension of `problem`.
std::vector<int> dataflow_dims(const Problem &problem, const std::string &dataflow);
// The four dataflows of the seed paper in our dimension names: C|K, R|P, Q|P, S|R.
std::vector<std::string> default_dataflows();

// A copy of `arch` with level `level` resized to `size_bytes` (size_words = bytes / (word_bits
// / 8)); its access energies are rescaled by the ratio of the built-in Interstellar table
// (interstellar_word_energy_pj) at the new and old size, so a file that used the table stays on
// it and explicit energies scale the same way. Its area (area.h) scales with the size.
Arch resize_level(const Arch &arch, int level, std::int64_t size_bytes);

struct MemoryPoint {
  std::vector<std::int64_t> size_bytes; // one per swept level
  SearchResult result;
};
struct MemoryGrid {
  std::vector<std::string> levels;              // swept level names
  std::vector<std::vector<std::int64_t>> sizes; // candidate sizes per swept level
  std::vector<MemoryPoint> points;              // row-major over `sizes`
};

// Every combination of sizes (level name -> candidate sizes in bytes). Throws
// std::invalid_argument for an unknown level or an empty list.
MemoryGrid
explore_memory(const Problem &problem, const Arch &arch,
               const std::vector<std::pair<std::string, std::vector<std::int64_t>>> &sizes,
               const SearchOptions &options);

// Tables as CSV (header + one row per point) and JSON.
std::string dataflows_csv(const std::vector<DataflowPoint> &points);
nlohmann::json dataflows_json(const Problem &problem, const Arch &arch,
                              const std::vector<DataflowPoint> &points);
std::string memory_csv(const MemoryGrid &grid);
nlohmann::json memory_json(const Problem &problem, const Arch &arch, const MemoryGrid &grid);

} // namespace hcl::sched
