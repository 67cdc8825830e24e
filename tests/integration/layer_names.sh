#!/usr/bin/env bash
# layer_names.sh HCL DIR: every command that turns a layer name into a file name refuses the
# names that would leave its output folder or name no file ("../../x", "/abs/path", "", ".."),
# with exit 2, before writing anything: schedule --emit-mapping (a network and a single
# problem), flow, and generate accelerator --arch (the layer a schedule file names).
set -u
hcl=$1 dir=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=$root/examples/arch/interstellar_baseline.yaml
rm -rf "$dir" && mkdir -p "$dir/in" || exit 98
fail() { echo "layer_names: $*"; exit 1; }
# expect2 WHAT CMD...: CMD must exit 2 saying the name cannot be a file name.
expect2() {
  local what=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, not 2: $out"
  echo "$out" | grep -q "cannot be a file name" || fail "$what: $out"
}
i=0
for name in "../../x" "/abs/path" "" ".."; do
  i=$((i + 1))
  printf 'network:\n  name: n\n  layers:\n    - {name: "%s", type: fc, C: 4, K: 4}\n' "$name" \
    >"$dir/in/net$i.yaml"
  printf 'workload:\n  name: "%s"\n  type: conv2d\n  C: 4\n  K: 4\n  P: 1\n  Q: 1\n  R: 1\n  S: 1\n' \
    "$name" >"$dir/in/layer$i.workload.yaml"
  expect2 "schedule --network, layer '$name'" "$hcl" schedule --network "$dir/in/net$i.yaml" \
    --arch "$arch" --emit-mapping "$dir/o$i/a/b/maps"
  expect2 "schedule --problem, layer '$name'" "$hcl" schedule \
    --problem "$dir/in/layer$i.workload.yaml" --arch "$arch" --emit-mapping "$dir/o$i/a/b/maps"
  expect2 "flow, layer '$name'" "$hcl" flow --network "$dir/in/net$i.yaml" \
    --arch "$root/tests/flows/data/flow_tpu_4x4.arch.yaml" -o "$dir/o$i/a/b/flow"
  printf 'schedule:\n  layer: "%s"\n  arch: flow_tpu_4x4\n  levels: []\n' "$name" \
    >"$dir/in/layer$i.schedule.yaml"
  expect2 "generate accelerator --schedule naming layer '$name'" "$hcl" generate accelerator \
    --arch "$root/tests/flows/data/flow_tpu_4x4.arch.yaml" --network "$dir/in/net$i.yaml" \
    --schedule "$dir/in/layer$i.schedule.yaml" -o "$dir/o$i/a/b/gen"
done
left=$(cd "$dir" && find . -mindepth 1 -not -path './in*')
[ -z "$left" ] || fail "files were written: $left"
[ ! -e /abs/path.schedule.yaml ] || fail "wrote /abs/path.schedule.yaml"
echo "every command refused every name and wrote nothing"
