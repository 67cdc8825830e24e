#!/usr/bin/env bash
# kill_children.sh HCL DIR: kills `hcl synth` while its Yosys (a fake one that sleeps and starts
# a child of its own) runs, and checks that the tools are gone within seconds: SIGTERM and
# SIGINT end the tool's whole process group, SIGKILL of hcl ends the tool through
# PR_SET_PDEATHSIG. Then checks that the next run removes the scratch folder a killed run left.
set -u
hcl=$1 dir=$2
src=$(cd "$(dirname "$0")/../flows/data" && pwd)/adder8.v
rm -rf "$dir" && mkdir -p "$dir/tmp" || exit 98
cat >"$dir/fake-yosys" <<'EOF'
#!/bin/sh
# The version (part of the report cache's key) is asked for first.
[ "$1" = -V ] && { echo "Yosys fake for kill_children.sh"; exit 0; }
sleep 30 &
echo "$$ $!" >"$HCL_TEST_PIDS.tmp" && mv "$HCL_TEST_PIDS.tmp" "$HCL_TEST_PIDS"
wait
EOF
chmod +x "$dir/fake-yosys"

fail() { echo "kill_children: $*"; exit 1; }
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
# gone_within TENTHS PID...: true once none of the PIDs is running (zombies count as gone).
gone_within() {
  local n=$1 p any
  shift
  for _ in $(seq "$n"); do
    any=0
    for p in "$@"; do alive "$p" && any=1; done
    [ "$any" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# kill_synth SIGNAL: starts hcl synth, waits for the fake yosys, sends SIGNAL to hcl; sets
# tool, grandchild and hcl_pid.
kill_synth() {
  local pids="$dir/pids.$1"
  # Job control, so that the background hcl does not start with SIGINT ignored.
  set -m
  HCL_YOSYS="$dir/fake-yosys" HCL_TEST_PIDS="$pids" TMPDIR="$dir/tmp" HCL_CACHE_DIR="$dir/cache" \
    "$hcl" synth "$src" --top adder8 >"$dir/out.$1" 2>&1 &
  hcl_pid=$!
  set +m
  for _ in $(seq 100); do [ -s "$pids" ] && break; sleep 0.1; done
  [ -s "$pids" ] || fail "the fake yosys did not start under SIG$1: $(cat "$dir/out.$1")"
  read -r tool grandchild <"$pids"
  kill -s "$1" "$hcl_pid"
  wait "$hcl_pid" 2>/dev/null
}

for sig in TERM INT; do
  kill_synth $sig
  gone_within 30 "$tool" "$grandchild" || {
    kill "$tool" "$grandchild" 2>/dev/null
    fail "after SIG$sig to hcl, yosys ($tool) or its child ($grandchild) still runs"
  }
done
echo "SIGTERM and SIGINT: the tool and its children are gone"

kill_synth KILL
gone_within 30 "$tool" || { kill "$tool" "$grandchild" 2>/dev/null; fail "after SIGKILL to hcl, yosys ($tool) still runs"; }
kill "$grandchild" 2>/dev/null # beyond PDEATHSIG's reach: it covers the direct child only
echo "SIGKILL: the tool is gone"

ls "$dir/tmp" | grep -q "^hcl-synth-$hcl_pid-" || fail "no scratch folder left by the killed run"
# A cache of its own: a report cached by an earlier test would skip Yosys and the scratch folder.
TMPDIR="$dir/tmp" HCL_CACHE_DIR="$dir/cache" "$hcl" synth "$src" --top adder8 >/dev/null ||
  fail "the next synth failed"
if ls "$dir/tmp" | grep -q '^hcl-synth-'; then
  fail "the next run left $(ls "$dir/tmp")"
fi
echo "the next run removed the killed run's scratch folder"
