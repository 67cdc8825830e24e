#include <flows/reference_conv.h>

namespace hcl::flows {

std::int64_t wrap_bits(std::int64_t v, int bits, bool is_signed) {
  if (bits >= 64) {
    return v;
  }
  const std::uint64_t m = (std::uint64_t{1} << bits) - 1;
  std::uint64_t u = static_cast<std::uint64_t>(v) & m;
  if (is_signed && (u >> (bits - 1)) & 1) {
    u |= ~m;
  }
  return static_cast<std::int64_t>(u);
}

std::vector<std::int64_t> reference_conv(const ConvLayer &c, const std::vector<std::int64_t> &in,
                                         const std::vector<std::int64_t> &w, int acc_width,
                                         bool is_signed, std::int64_t n_end, std::int64_t g_end,
                                         std::int64_t k_begin, std::int64_t k_end) {
  const std::int64_t H = c.H(), W = c.W();
  n_end = n_end < 0 ? c.N : n_end;
  g_end = g_end < 0 ? c.G : g_end;
  k_end = k_end < 0 ? c.K : k_end;
  std::vector<std::int64_t> out(static_cast<std::size_t>(c.N * c.G * c.K * c.P * c.Q), 0);
  for (std::int64_t n = 0; n < n_end; ++n) {
    for (std::int64_t g = 0; g < g_end; ++g) {
      for (std::int64_t k = k_begin; k < k_end; ++k) {
        for (std::int64_t p = 0; p < c.P; ++p) {
          for (std::int64_t q = 0; q < c.Q; ++q) {
            std::int64_t sum = 0;
            for (std::int64_t ch = 0; ch < c.C; ++ch) {
              for (std::int64_t r = 0; r < c.R; ++r) {
                for (std::int64_t s = 0; s < c.S; ++s) {
                  const std::int64_t h = p * c.stride_h + r * c.dil_h,
                                     x = q * c.stride_w + s * c.dil_w;
                  sum +=
                      in[static_cast<std::size_t>((((n * c.G + g) * c.C + ch) * H + h) * W + x)] *
                      w[static_cast<std::size_t>((((g * c.K + k) * c.C + ch) * c.R + r) * c.S + s)];
                }
              }
            }
            out[static_cast<std::size_t>((((n * c.G + g) * c.K + k) * c.P + p) * c.Q + q)] =
                wrap_bits(sum, acc_width, is_signed);
          }
        }
      }
    }
  }
  return out;
}

} // namespace hcl::flows
