// Co-simulation of one network layer on the generated accelerator (step 5 of `hcl flow`):
// random int8 activations and weights, im2col on the host, every invocation of the layer's
// plan (flow_lower.h) run on the Verilator model of the generated top through its host ports
// (buffer fills, register writes, start, output reads), C' partial sums added on the host, and
// every output compared bit-exactly with a plain C++ convolution (reference_conv). Each
// invocation's measured cycles (start to done) are also checked against LayerConfig::cycles.
//
// When simulating the whole layer would take more than `max_cycles` simulated cycles, a
// clearly labelled slice runs instead: batch image 0, group 0, the first K chunk (and, if
// that is still too long, the first X chunk), with every C' chunk, so each output of the
// slice is complete and compared.
#pragma once

#include <flows/flow_lower.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hcl::flows {

// Plain direct convolution, the co-simulation's reference. Layouts (row-major):
// in [N][G][C][H][W], w [G][K][C][R][S], result [N][G][K][P][Q]; products summed in 64 bits,
// then wrapped to acc_width (two's complement when is_signed), like the hardware accumulator.
// Only outputs with n < n_end, g < g_end and k in [k_begin, k_end) are computed (the others
// stay 0); pass -1 for "all".
std::vector<std::int64_t> reference_conv(const ConvLayer &conv, const std::vector<std::int64_t> &in,
                                         const std::vector<std::int64_t> &w, int acc_width,
                                         bool is_signed, std::int64_t n_end = -1,
                                         std::int64_t g_end = -1, std::int64_t k_begin = 0,
                                         std::int64_t k_end = -1);

// v wrapped to `bits` bits, read back as signed (is_signed) or unsigned.
std::int64_t wrap_bits(std::int64_t v, int bits, bool is_signed);

struct CosimOptions {
  std::uint64_t max_cycles = 4'000'000; // simulated cycles before a slice is taken instead
  std::uint64_t seed = 2026;
  std::function<void(const std::string &)> progress; // a line now and then
};

struct CosimResult {
  std::string layer;
  bool full_layer = true;
  std::string scope;       // "the whole layer" or the slice, in words
  std::int64_t invocations = 0, layer_invocations = 0;
  std::int64_t outputs_compared = 0, mismatches = 0;
  std::string first_mismatch; // "O[n][g][k][p][q]: expected .. got .."
  std::uint64_t array_cycles = 0;    // measured start -> done, summed
  std::uint64_t expected_cycles = 0; // LayerConfig::cycles, summed
  std::uint64_t sim_cycles = 0;      // every clock edge simulated (fills and reads included)
  bool model_cached = false;
  double seconds = 0;
  bool passed() const {
    return mismatches == 0 && outputs_compared > 0 && array_cycles == expected_cycles;
  }
};

// Runs `plan` on the Verilator model of `top` (clock "clock", reset "reset", as generated).
CosimResult cosimulate_layer(const std::vector<std::filesystem::path> &rtl, const std::string &top,
                             const gen::AcceleratorConfig &cfg, const LayerPlan &plan,
                             const CosimOptions &options = {});

} // namespace hcl::flows
