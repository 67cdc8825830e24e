#!/usr/bin/env bash
# The project's main job on bundled inputs, as far as the pipeline reaches today:
#   1. schedule every layer of AlexNet on the Eyeriss-like architecture (auto-scheduler),
#   2. generate the matching Eyeriss-style spatial array (row-stationary preset, 12 x 14),
#   3. lint the Verilog with Verilator -Wall and synthesize its area with Yosys.
# Everything is written to a temporary folder that replaces OUT only when every step passed,
# so a failed demo never leaves half a result behind.
set -euo pipefail
hcl=$(realpath "$1"); out=$2
network=examples/networks/alexnet.yaml
arch=examples/arch/eyeriss_like.yaml
# The search reports its gap when the limit stops it; the limit keeps the demo to about a minute.
time_limit=${HCL_DEMO_TIME_LIMIT:-40}

tmp="$out.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "1/4 schedule $network on $arch (time limit ${time_limit}s)"
"$hcl" schedule --network "$network" --arch "$arch" --threads "$(nproc)" \
  --time-limit "$time_limit" --json "$tmp/schedules.json" --emit-mapping "$tmp/mappings" \
  | tee "$tmp/schedules.txt"

step "2/4 generate the row-stationary (Eyeriss-like) array, 12 x 14 PEs"
"$hcl" generate array --preset eyeriss --set rows=12 --set cols=14 -o "$tmp/accelerator" \
  | tee "$tmp/generate.txt"
top=$(sed -n 's/^top: //p' "$tmp/generate.txt")

step "3/4 lint with verilator --lint-only -Wall"
"$hcl" lint "$tmp/accelerator/rtl" --top "$top" | tee "$tmp/lint.txt"

step "4/4 area with Yosys (bundled NanGate45-derived liberty)"
"$hcl" synth "$tmp/accelerator/rtl" --top "$top" --json "$tmp/area.json" | tee "$tmp/area.txt"

rm -rf "$out"; mkdir -p "$(dirname "$out")"; mv "$tmp" "$out"
trap - EXIT
cat <<MSG

demo: results in $out/
  schedules.txt / schedules.json   per-layer best schedules (proven optimal, or with their gap), energy, cycles, bounds
  mappings/                        each schedule as our YAML and as a Timeloop v0.4 mapping
  accelerator/rtl/*.v              generated Verilog (one module per file), params.json/.h
  lint.txt, area.txt / area.json   Verilator lint result and Yosys area per module
MSG
