// The hardware side of `hcl flow`: from the scheduler's plain micro-architecture description to
// one configuration of the generated weight-stationary C x K accelerator, and from each layer
// of the network to the invocations that run it there.
//
// Lowering a layer (conv2d, grouped conv, FC/GEMM: every Problem with dims among
// R,S,P,Q,C,K,N,G) to the accelerator's GEMM O[k][x] = sum_c W[k][c] * I[c][x] is im2col:
// per batch image n and group g, c' = (c*R + r)*S + s ranges over C' = C*R*S, x = p*Q + q over
// X = P*Q, and I[c'][x] = In[n][g][c][p*sh + r*dh][q*sw + s*dw]. The host builds that matrix.
//
// Tiling: a GEMM too large for the buffers (configure_layer throws) is cut into chunks of at
// most c_chunk rows of C', k_chunk of K and x_chunk of X, each chunk one invocation. C' is cut
// last (only when one K tile's weights for the whole C' do not fit the weight buffer), and its
// partial sums are added ON THE HOST, wrapping at acc_width exactly like the hardware's
// accumulator: the output buffer is read between invocations anyway, and keeping it out of
// the accumulation keeps every invocation a plain configure_layer() call. Chunks are multiples
// of the array's rows (C') and cols (K) except the last, so no invocation wastes a lane the
// whole layer would use.
#pragma once

#include <generators/accelerator.h>
#include <scheduler/microarch.h>
#include <scheduler/problem.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hcl::flows {

// A conv-family layer read back from its Problem.
struct ConvLayer {
  std::string name;
  std::int64_t N = 1, G = 1, C = 1, K = 1, P = 1, Q = 1, R = 1, S = 1; // C, K per group
  std::int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  std::int64_t H() const { return (P - 1) * stride_h + (R - 1) * dil_h + 1; }
  std::int64_t W() const { return (Q - 1) * stride_w + (S - 1) * dil_w + 1; }
  std::int64_t gemm_c() const { return C * R * S; } // C'
  std::int64_t gemm_x() const { return P * Q; }     // X per image
  std::int64_t macs() const { return N * G * K * C * P * Q * R * S; }
};

// Throws std::invalid_argument naming the layer and the dimension when the Problem has a
// dimension outside R,S,P,Q,C,K,N,G with a bound > 1 or tensors not named Weights, Inputs,
// Outputs (only the conv family lowers to the accelerator's GEMM).
ConvLayer conv_layer(const sched::Problem &problem);

// Where the derived configuration's values come from, key -> sentence, for the report.
using Provenance = std::map<std::string, std::string>;

// The accelerator the schedules need: rows x cols from the PE mesh, data/weight/accumulator
// widths from the word bits of the innermost levels keeping Inputs / Weights / Outputs, buffer
// depths from the on-chip level just above the mesh that keeps each tensor (its words over the
// banks the accelerator gives it, halved for the ping-pong input and weight buffers, within
// [2, 65536]). The accumulator is widened to data + weight bits when the arch's output words
// are narrower (the generator's rule). Then `sets` are applied in order and the result is
// validated (ConfigError names the key).
gen::AcceleratorConfig accelerator_config(const sched::MicroArch &micro, const sched::Arch &arch,
                                          const std::vector<std::pair<std::string, std::string>> &sets,
                                          Provenance *why = nullptr);

// One invocation shape of a layer and how many invocations have it.
struct InvocationShape {
  gen::LayerConfig config;
  std::int64_t count = 0;
};

struct LayerPlan {
  ConvLayer conv;
  std::int64_t c_chunk = 1, k_chunk = 1, x_chunk = 1; // chunk sizes of C', K, X
  std::int64_t c_chunks = 1, k_chunks = 1, x_chunks = 1;
  std::int64_t invocations = 0; // N * G * c_chunks * k_chunks * x_chunks
  std::vector<InvocationShape> shapes; // distinct (C, K, X) chunk shapes, at most 8
  std::uint64_t array_cycles = 0;      // sum of LayerConfig::cycles over every invocation
  // The configuration of the chunk starting at (c0, k0, x0) of one image and group.
  const gen::LayerConfig &chunk(std::int64_t c0, std::int64_t k0, std::int64_t x0) const;
};

// Throws ConfigError when not even one array tile fits the buffers (a buffer shallower than
// the array needs for one row / column).
LayerPlan plan_layer(const gen::AcceleratorConfig &cfg, const ConvLayer &conv);

// config/<layer>.json: the im2col GEMM, the tiling, the host-side accumulation, each distinct
// invocation's register writes and buffer layouts (LayerConfig::to_json) and the loop order
// of invocations.
nlohmann::json layer_plan_json(const LayerPlan &plan);

} // namespace hcl::flows
