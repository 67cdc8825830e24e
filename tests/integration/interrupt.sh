#!/usr/bin/env bash
# interrupt.sh HCL DIR MODE -- ARGS...: starts `hcl ARGS... --json DIR/out.json` in the
# background, sends SIGINT after 1 s, and checks the Ctrl-C contract.
#   once:  one SIGINT; exit 130 within 2 s, the total line and "interrupted" printed, and the
#          JSON written, complete and marked "interrupted": true.
#   explore: the same for `hcl explore` (its table, then a line saying interrupted).
#   flow:  `hcl flow ARGS... -o DIR/flow`; exit 130 within 10 s (the step it is in ends
#          first), and nothing written: no DIR/flow, no temporary folder left.
#   twice: a second SIGINT 0.05 s after the first; exit 130 at once (within 1 s).
set -u
hcl=$1 dir=$2 mode=$3
shift 3
[ "$1" = "--" ] && shift
rm -rf "$dir" && mkdir -p "$dir" || exit 98
fail() { echo "interrupt: $*"; echo "--- output ---"; cat "$dir/out.txt"; exit 1; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Job control, so that the background hcl does not start with SIGINT ignored.
set -m
if [ "$mode" = flow ]; then
  "$hcl" "$@" -o "$dir/flow" >"$dir/out.txt" 2>&1 &
else
  "$hcl" "$@" --json "$dir/out.json" >"$dir/out.txt" 2>&1 &
fi
pid=$!
set +m
sleep 1
kill -0 "$pid" 2>/dev/null || fail "hcl ended before the signal: pick a longer search"
sent=$(ms)
kill -INT "$pid"
if [ "$mode" = twice ]; then
  sleep 0.05
  kill -INT "$pid" 2>/dev/null
fi
wait "$pid"
rc=$? took=$(( $(ms) - sent ))
echo "exit $rc, ${took} ms after the first SIGINT"
[ "$rc" = 130 ] || fail "exit $rc, not 130"
if [ "$mode" = flow ]; then
  [ "$took" -le 10000 ] || fail "stopping took ${took} ms"
  [ ! -e "$dir/flow" ] || fail "the interrupted flow wrote $dir/flow"
  ! ls -a "$dir" | grep -q '^\.flow\.tmp-' || fail "the interrupted flow left $(ls -a "$dir")"
  echo "flow: exit 130 after the current step, nothing written"
  exit 0
fi
if [ "$mode" = twice ]; then
  [ "$took" -le 1000 ] || fail "a second SIGINT took ${took} ms to end hcl"
  echo "two SIGINTs: exit 130 at once"
  exit 0
fi
[ "$took" -le 2000 ] || fail "stopping took ${took} ms"
if [ "$mode" = explore ]; then
  grep -q '^interrupted (Ctrl-C)' "$dir/out.txt" || fail "no line saying interrupted"
else
  grep -q '^total: .*interrupted' "$dir/out.txt" || fail "no total line saying interrupted"
fi
[ -s "$dir/out.json" ] || fail "no JSON written"
if command -v python3 >/dev/null; then
  python3 - "$dir/out.json" "$mode" <<'PY' || fail "the JSON does not parse or is not marked interrupted"
import json, sys
j = json.load(open(sys.argv[1]))
if sys.argv[2] == "explore":
    assert j["interrupted"] is True
    assert any(p["interrupted"] for p in j["points"])
else:
    assert j["total"]["interrupted"] is True
    assert any(l["interrupted"] for l in j["layers"])
    assert all("gap" in l for l in j["layers"])
PY
else
  tail -c 3 "$dir/out.json" | grep -q '}' || fail "the JSON is cut short"
  grep -q '"interrupted": true' "$dir/out.json" || fail "the JSON is not marked interrupted"
fi
echo "one SIGINT: exit 130, total line and JSON with the best so far, marked interrupted"
