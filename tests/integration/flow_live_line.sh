#!/usr/bin/env bash
# flow_live_line.sh HCL WORK: `hcl flow` on a terminal (a pseudo-terminal from script(1)) draws
# a live status line (the Yosys pass, the Verilator build, the simulated cycles), and the same
# run into a pipe writes plain lines with no control character. The terminal run has no Yosys
# report cached, so Yosys runs and names its passes; Verilator models are linked
# from the shared cache, so no build is repeated.
set -u
hcl=$1 work=$2
fail() { echo "flow_live_line: $*"; exit 1; }
command -v script >/dev/null || fail "needs script(1) (Debian package bsdutils) for a pseudo-terminal"
rm -rf "$work" || exit 98
. "$(dirname "$0")/private_cache.sh"
private_cache "$work/cache"
run=("$hcl" flow --network examples/networks/tiny.yaml --arch tests/flows/data/flow_tpu_4x4.arch.yaml
  --cosim conv2 --set out_depth=48 --no-cache)
"${run[@]}" -o "$work/piped" >"$work/piped.log" 2>&1 || fail "piped run failed: $(tail -5 "$work/piped.log")"
! grep -q $'[\r\033]' "$work/piped.log" || fail "the piped output holds control characters"
grep -q "PASS" "$work/piped.log" || fail "the piped run printed no result line"
rm -rf "$work/cache"/synth-*
# script -c takes one shell command: every word quoted for that shell.
script -qefc "$(printf '%q ' "${run[@]}" -o "$work/tty")" "$work/tty.log" >/dev/null 2>&1 ||
  fail "terminal run failed: $(tail -c 600 "$work/tty.log")"
grep -q $'\r\033\[K' "$work/tty.log" || fail "no status line was drawn on the terminal"
for s in "Yosys: [0-9.]* Executing ABC pass" "Verilator: building the model" "simulating: cycle 0 of about"; do
  grep -aq "$s" "$work/tty.log" || fail "the terminal never showed '$s'"
done
# The step lines are the same on both.
# What a line shows is what follows its last clear; the terminal ends lines with \r\n.
sed 's/\r$//; s/.*\r\x1b\[K//' "$work/tty.log" | grep -a '^\[[0-9]/8\]' >"$work/tty.steps"
grep '^\[[0-9]/8\]' "$work/piped.log" | sed "s|$work/piped|OUT|g" >"$work/piped.steps"
sed -i "s|$work/tty|OUT|g" "$work/tty.steps"
cmp -s "$work/tty.steps" "$work/piped.steps" || fail "the step lines differ: $(diff "$work/piped.steps" "$work/tty.steps" | head -5)"
echo "flow_live_line: a live status line on a terminal, plain lines on a pipe"
