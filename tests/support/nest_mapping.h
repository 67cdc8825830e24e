// A hand-written mapping of a 3x3 conv (C 4, K 8, P Q 4) on tests/flows/data/
// flow_tpu_4x4.arch.yaml, shared by the nest accelerator's lowering and co-simulation tests.
// Levels, innermost first: WeightReg (Q 4), Accumulators = the mesh (C 4 on X, K 4 on Y, S 3),
// UnifiedBuffer (R 3), DRAM (P 4 inner, K 2 outer): the buffers hold one K tile of outputs and
// one P tile of inputs, whose rows overlap from one P step to the next.
#pragma once

#include <scheduler/mapping.h>
#include <scheduler/problem.h>

namespace hcl::test {

inline sched::Mapping p_then_k(const sched::Problem &p) {
  const int K = p.dim_index("K"), P = p.dim_index("P"), C = p.dim_index("C"), Q = p.dim_index("Q"),
            R = p.dim_index("R"), S = p.dim_index("S");
  sched::Mapping m;
  m.levels.resize(4);
  m.levels[0].temporal = {{Q, 4}};
  m.levels[1].spatial_x = {{C, 4}};
  m.levels[1].spatial_y = {{K, 4}};
  m.levels[1].temporal = {{S, 3}};
  m.levels[2].temporal = {{R, 3}};
  m.levels[3].temporal = {{P, 4}, {K, 2}};
  return m;
}

} // namespace hcl::test
