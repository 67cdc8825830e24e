#!/usr/bin/env bash
# flow_rerun.sh HCL WORK: `hcl flow` run twice with the same inputs searches and co-simulates
# nothing the second time, says so, and writes the same schedules; then a network with one
# layer changed searches only that layer again. The search and co-simulation entries live in a
# cache of this test's own (Verilator models and Yosys reports are linked from the shared one,
# so no build is repeated), so the first run always starts cold.
set -u
hcl=$1 work=$2
fail() { echo "flow_rerun: $*"; exit 1; }
rm -rf "$work" || exit 98
. "$(dirname "$0")/private_cache.sh"
private_cache "$work/cache"
args=(--arch tests/flows/data/flow_tpu_4x4.arch.yaml --cosim conv2 --set out_depth=48)
"$hcl" flow --network examples/networks/tiny.yaml "${args[@]}" -o "$work/run" >"$work/first.log" 2>&1 ||
  fail "first run failed: $(tail -5 "$work/first.log")"
! grep -q "skipped, cached" "$work/first.log" || fail "a cold run reused something: $(grep cached "$work/first.log")"
cp "$work/run/schedules.json" "$work/first.schedules.json"
"$hcl" flow --network examples/networks/tiny.yaml "${args[@]}" -o "$work/run" >"$work/second.log" 2>&1 ||
  fail "second run failed: $(tail -5 "$work/second.log")"
for l in conv1 conv2 fc3; do
  grep -Eq "^ +$l .*optimal \(skipped, cached\)" "$work/second.log" || fail "$l was searched again"
done
grep -q "20 of 20 layer searches skipped, cached" "$work/second.log" || fail "the dataflow study searched again"
grep -q "PASS.*(simulation skipped, cached" "$work/second.log" || fail "conv2 was simulated again"
python3 - "$work/first.schedules.json" "$work/run/schedules.json" <<'PY' || exit 1
import json, sys
def strip(j):
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if k not in ("seconds", "cached")}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j
a, b = (strip(json.load(open(f))) for f in sys.argv[1:])
if a != b:
    print("flow_rerun: the cached run's schedules.json differs from the searched one's")
    sys.exit(1)
PY
sed 's/{name: fc3, type: fc, C: 144, K: 32}/{name: fc3, type: fc, C: 128, K: 32}/' \
  examples/networks/tiny.yaml >"$work/tiny_fc3_c128.yaml"
grep -q "C: 128" "$work/tiny_fc3_c128.yaml" || fail "could not change fc3 in the network copy"
"$hcl" flow --network "$work/tiny_fc3_c128.yaml" "${args[@]}" -o "$work/run" >"$work/third.log" 2>&1 ||
  fail "third run failed: $(tail -5 "$work/third.log")"
for l in conv1 conv2; do
  grep -Eq "^ +$l .*optimal \(skipped, cached\)" "$work/third.log" || fail "unchanged $l was searched again"
done
grep -Eq "^ +fc3 .*optimal$" "$work/third.log" || fail "the changed fc3 was not searched: $(grep fc3 "$work/third.log")"
echo "flow_rerun: the second run searched and simulated nothing, the same schedules; a changed layer alone searched again"
