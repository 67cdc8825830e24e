// The co-simulations' outside reference: a plain direct convolution in C++, written from the
// definition and nothing else, so a bug in the generated hardware or its configuration cannot
// be shared by the reference.
#pragma once

#include <flows/conv_layer.h>

#include <cstdint>
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

} // namespace hcl::flows
