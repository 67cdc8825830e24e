#!/usr/bin/env bash
# flow_lock.sh HCL OUT FLOW-ARGS...: a second `hcl flow` into the -o of a running one exits 2
# naming the first one's pid; once the first is killed, the folder is free again.
set -u
hcl=$1 out=$2
shift 2
fail() { echo "flow_lock: $*"; exit 1; }
# The log too: the background run truncates it only once it has started, so a previous run's
# log could be read as this one's.
rm -rf "$out" "$out.first.log" "$(dirname "$out")/.$(basename "$out")".* &&
  mkdir -p "$(dirname "$out")" || exit 98
"$hcl" flow "$@" -o "$out" >"$out.first.log" 2>&1 &
first=$!
for _ in $(seq 100); do grep -q '\[1/8\]' "$out.first.log" && break; sleep 0.1; done
grep -q '\[1/8\]' "$out.first.log" || fail "the first run did not start: $(cat "$out.first.log")"
second=$("$hcl" flow "$@" -o "$out" 2>&1)
rc=$?
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
echo "$second"
[ "$rc" = 2 ] || fail "the second run exited $rc, not 2"
echo "$second" | grep -q "(pid $first)" || fail "the second run did not name pid $first"
# SIGTERM ran no destructor, so the lock file may stay; the lock itself went with the process.
third=$("$hcl" flow "$@" --set rows=0 -o "$out" 2>&1)
echo "$third" | grep -q "rows: must be" || fail "after the first run died, the folder is still locked: $third"
echo "the lock went with the first run"
