#!/usr/bin/env bash
# expect.sh RC REGEX -- COMMAND...: runs COMMAND, fails unless it exits with RC and its combined
# stdout+stderr matches the extended regex REGEX. Used by ctest to check the CLI's contract.
set -u
want_rc=$1; regex=$2; shift 2
[ "$1" = "--" ] && shift
out=$("$@" 2>&1); rc=$?
if [ "$rc" -ne "$want_rc" ]; then
  printf 'expected exit %s, got %s from: %s\n--- output ---\n%s\n' "$want_rc" "$rc" "$*" "$out"
  exit 1
fi
if ! printf "%s" "$out" | tr "\n" " " | grep -Eq -- "$regex"; then
  printf 'output of %s does not match /%s/\n--- output ---\n%s\n' "$*" "$regex" "$out"
  exit 1
fi
exit 0
