// A convolution-family layer (conv, grouped conv, FC/GEMM: every Problem with dims among
// R,S,P,Q,C,K,N,G and the tensors Weights, Inputs, Outputs) read back from the scheduler's
// Problem as the shape the hardware and the reference convolution work with.
#pragma once

#include <scheduler/problem.h>

#include <cstdint>
#include <string>

namespace hcl::flows {

// A conv-family layer read back from its Problem.
struct ConvLayer {
  std::string name;
  std::int64_t N = 1, G = 1, C = 1, K = 1, P = 1, Q = 1, R = 1, S = 1; // C, K per group
  std::int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  std::int64_t H() const { return (P - 1) * stride_h + (R - 1) * dil_h + 1; }
  std::int64_t W() const { return (Q - 1) * stride_w + (S - 1) * dil_w + 1; }
  std::int64_t macs() const { return N * G * K * C * P * Q * R * S; }
};

// Throws std::invalid_argument naming the layer and the dimension when the Problem has a
// dimension outside R,S,P,Q,C,K,N,G with a bound > 1 or tensors not named Weights, Inputs,
// Outputs (only the conv family runs on the accelerator).
ConvLayer conv_layer(const sched::Problem &problem);

} // namespace hcl::flows
