// Vector-driven co-simulation: a text file of per-cycle stimulus and expected outputs, checked
// against one built model, so thousands of cycles cost one Verilator build.
//
// File format (one file per test, UTF-8 text):
//
//   # hcl vectors: comments start with '#', blank lines are ignored
//   ports: rst en d | total          <- inputs, then '|', then outputs (names of top ports)
//   1 0 0    | x                     <- one row per clock cycle
//   0 1 0x05 | 5
//   0 - 7    | 0xc
//
// Each row is one cycle: its inputs are driven, the clock rises (Simulator::step), and the
// outputs are compared with the row's expected values, i.e. outputs are sampled after the
// edge. For a design without a clock the row is evaluated combinationally instead.
// Values: decimal (up to 64 bits), 0x hexadecimal or 0b binary (any width, '_' separators
// allowed). In input columns '-' keeps the previous value (0 at the start); in output columns
// 'x' or '-' means "don't care".
#pragma once

#include <flows/sim.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hcl::flows {

// A value of any width as little-endian 32-bit words.
using Bits = std::vector<std::uint32_t>;

// Parses one value token ("12", "0xff", "0b1010"). Throws UsageError saying what is valid.
Bits parse_bits(const std::string &token);
// Hexadecimal with a 0x prefix, no leading zeros.
std::string format_bits(const Bits &bits);

struct VectorRow {
  int line = 0;                         // line in the source, for messages
  std::vector<std::optional<Bits>> in;  // nullopt: keep previous value
  std::vector<std::optional<Bits>> out; // nullopt: don't care
};

struct VectorFile {
  std::string source; // file name (or a label) used in messages
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<VectorRow> rows;
};

// Parse errors name the source, the line and the column of the offending field.
VectorFile parse_vectors(const std::filesystem::path &path);
VectorFile parse_vectors_text(const std::string &text, const std::string &source);
// The inverse of parse_vectors_text, for tests and tools that generate vectors from a model.
std::string format_vectors(const VectorFile &file);

struct VectorMismatch {
  std::uint64_t cycle = 0; // 0-based row index
  int line = 0;            // source line of the row
  std::string port;
  std::string expected; // formatted with format_bits
  std::string actual;
};

struct VectorReport {
  std::uint64_t cycles = 0;               // rows run
  std::uint64_t checks = 0;               // output comparisons made
  std::vector<VectorMismatch> mismatches; // the first ones, up to the limit
  std::uint64_t mismatch_count = 0;       // all of them
  bool passed() const { return mismatch_count == 0; }
  // "cycle 17 (vectors.txt:20): port total expected 0x5 got 0x4", one line per mismatch kept.
  std::string summary(const std::string &source = "") const;
};

// Runs every row against `sim`. Throws UsageError (naming the vector file) when a column is
// not a port of the design or an input column names an output. Keeps the first
// `max_reported` mismatches and counts the rest.
VectorReport run_vectors(Simulator &sim, const VectorFile &vectors, std::size_t max_reported = 20);

} // namespace hcl::flows
