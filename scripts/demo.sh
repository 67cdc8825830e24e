#!/usr/bin/env bash
# The project's main job on bundled inputs, in one command (`hcl flow`, docs/flows.md):
# AlexNet on the TPU-like architecture -> the dataflow and the unified buffer's size chosen
# with the schedules (co-design), the optimal schedule of every layer in the space the
# generated accelerator runs (weight-stationary C|K), the micro-architecture they need, one
# generated 16 x 16 accelerator (Verilog, Verilator lint, Yosys area), a configuration per
# layer (its mapping), the layer predicted fastest co-simulated on the Verilator model (outputs
# against a C++ convolution, counters and cycles against the cost model), and an HTML report.
# `hcl flow` builds its output in a temporary folder and replaces OUT only when every step ran.
set -euo pipefail
hcl=$(realpath "$1"); out=$2
network=${HCL_DEMO_NETWORK:-examples/networks/alexnet.yaml}
arch=${HCL_DEMO_ARCH:-examples/arch/tpu_like.yaml}
# The search reports its gap when the limit stops it; the limit keeps the demo to a few minutes.
time_limit=${HCL_DEMO_TIME_LIMIT:-40}
# Co-design: the dataflow (--dataflow auto, the default) and the unified buffer's size are
# chosen with the schedules, and the generated buffers hold that size.
sizes=${HCL_DEMO_SIZES:-UnifiedBuffer=48KB,96KB,192KB}

mkdir -p "$(dirname "$out")"
"$hcl" flow --network "$network" --arch "$arch" -o "$out" --threads "$(nproc)" \
  --time-limit "$time_limit" --sizes "$sizes"

cat <<MSG

demo: results in $out/ (open $out/report.html)
  report.html, report.json       the report (charts, loop nests, bounds) / its data
  flow.json                      the run: inputs, choices, per-layer results, checks
  schedules.json, schedules/     per-layer best schedules (proven optimal, or with their gap)
  microarch.json                 the micro-architecture the schedules need
  rtl/*.v, params.json/.h        the generated accelerator
  config/<layer>.json, .hex      per-layer registers (from its mapping) and DRAM layout
  lint.txt, area.json            Verilator lint result and Yosys area per module
MSG
