// A workload is a perfectly nested loop over named dimensions, and a few tensors whose indices
// are affine functions of those dimensions (Timeloop's "problem shape"). Conv2d, depthwise and
// grouped conv, GEMM/FC and Timeloop's conv1d tutorials are all instances of this one form, so
// the cost model and the search never special-case a layer type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hcl::sched {

// Hard limits that let the cost model keep per-evaluation state in fixed arrays.
inline constexpr int kMaxDims = 8;
inline constexpr int kMaxTensors = 3;

// coef * dimension; an index expression is a sum of terms (e.g. P*stride + R*dilation).
struct Term {
  int dim = 0;
  std::int64_t coef = 1;
  bool operator==(const Term &) const = default;
};

struct TensorSpec {
  std::string name;                          // "Weights", "Inputs", "Outputs" for the conv family
  bool read_write = false;                   // partial sums (outputs) are read-modify-write
  std::vector<std::vector<Term>> projection; // one index expression per tensor rank
};

struct Problem {
  std::string name;
  std::vector<std::string> dim_names; // e.g. {"R","S","P","Q","C","K","N"}
  std::vector<std::int64_t> bounds;   // extent of each dimension, same order
  std::vector<TensorSpec> tensors;

  int dim_index(const std::string &name) const; // -1 when absent
  std::int64_t macs() const;                    // product of bounds
  bool relevant(int tensor, int dim) const;     // dim appears in tensor's projection
  // Number of distinct elements of `tensor` touched by a tile whose extent along each
  // dimension is tile[d] (halo-aware: an index P*s + R over extents e_P, e_R spans
  // s*(e_P-1) + e_R values, not e_P*e_R).
  // Like Timeloop, a strided index is counted as its bounding span (an axis-aligned box).
  // tile.size() must equal dim_names.size().
  std::int64_t footprint(int tensor, const std::vector<std::int64_t> &tile) const;
  // Allocation-free form for the cost model: `tile` points at dim_names.size() extents.
  std::int64_t footprint(int tensor, const std::int64_t *tile) const;
  std::int64_t tensor_size(int tensor) const; // footprint of the whole problem
};

struct ConvShape {
  std::string name;
  std::int64_t N = 1, K = 1, C = 1, P = 1, Q = 1, R = 1, S = 1;
  std::int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int64_t pad_h = 0, pad_w = 0; // documentation only: P and Q are already the outputs
  std::int64_t groups = 1;           // groups == C == K is depthwise
};

// Conv2d (grouped when groups > 1) as a Problem with dims R,S,P,Q,C,K,N (and G appended for
// groups > 1, in which case C and K are per-group: C/groups, K/groups, and every tensor gets a
// G rank). Tensors: 0 Weights[(G),K,C,R,S], 1 Inputs[N,(G),C,H,W] with H = P*stride + R*dil,
// 2 Outputs[N,(G),K,P,Q] (read-write). Throws std::invalid_argument when groups does not
// divide C and K or an extent is < 1.
Problem make_conv2d(const ConvShape &shape);
// GEMM/FC: Outputs[M,N] += Inputs[M,K] * Weights[K,N], expressed with conv dims
// (P=M, C=K, K=N) so every architecture and mapping for convs applies unchanged.
Problem make_gemm(const std::string &name, std::int64_t M, std::int64_t N, std::int64_t K);

// Same loop nest: dimensions (names and bounds) and tensors (names, projections, read_write).
// The layer name does not matter.
bool same_shape(const Problem &a, const Problem &b);

} // namespace hcl::sched
