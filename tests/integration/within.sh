#!/usr/bin/env bash
# within.sh SECONDS RCS REGEX -- COMMAND...: runs COMMAND and fails unless it ends within
# SECONDS of wall time (a time limit is a promise), with an exit code matching the extended
# regex RCS (e.g. '0|1': a time-limited search may leave a layer without a mapping) and its
# combined stdout+stderr matching REGEX.
set -u
max=$1 rcs=$2 regex=$3
shift 3
[ "$1" = "--" ] && shift
start=$(date +%s%N)
out=$("$@" 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "within: exit $rc after ${ms} ms (at most ${max} s): $*"
fail() { printf 'within: %s\n--- output ---\n%s\n' "$1" "$out"; exit 1; }
[ "$ms" -le "$(awk -v s="$max" 'BEGIN { printf "%d", s * 1000 }')" ] || fail "over ${max} s"
printf '%s' "$rc" | grep -Eqx -- "$rcs" || fail "exit $rc, expected $rcs"
printf '%s' "$out" | tr '\n' ' ' | grep -Eq -- "$regex" || fail "the output does not match /$regex/"
exit 0
