#!/usr/bin/env bash
# check_tidy.sh SOURCE_DIR BUILD_DIR: clang-tidy, with the repository's .clang-tidy and every
# warning an error, on the library sources a change touches, so new code meets the check list
# from its first commit and old code when it is next edited.
#
# The change is what differs from BASE, plus uncommitted and untracked files: BASE is
# $HCL_TIDY_BASE when set, else the fork point from origin/main, else (on main itself, or
# without a remote) the previous commit. A changed header is checked through its source of the
# same name (X/include/X/dir/foo.h -> X/src/dir/foo.cpp), whose diagnostics include the header's.
# Sources of the four libraries and their headers only: tests, benchmarks and examples follow
# clang-format but not this list. HCL_TIDY_ALL=1 checks every library source instead.
set -u
src=$1
build=$2
cd "$src" || exit 98
tidy=""
for t in clang-tidy-14 clang-tidy; do
  command -v "$t" >/dev/null && { tidy=$t; break; }
done
[ -n "$tidy" ] ||
  { echo "check_tidy: clang-tidy is not installed (Debian package clang-tidy; scripts/install-deps.sh installs it)"; exit 1; }
[ -f "$build/compile_commands.json" ] ||
  { echo "check_tidy: $build/compile_commands.json is missing; configure the build first"; exit 1; }
command -v git >/dev/null || { echo "check_tidy: git is not installed"; exit 1; }

lib_re='^(hcl|generators|scheduler|flows|support)/'
if [ "${HCL_TIDY_ALL:-0}" = 1 ]; then
  what="every library source (HCL_TIDY_ALL=1)"
  mapfile -t changed < <(git ls-files | grep -E "$lib_re")
else
  base=${HCL_TIDY_BASE:-}
  if [ -z "$base" ] && git rev-parse -q --verify origin/main >/dev/null; then
    base=$(git merge-base HEAD origin/main)
  fi
  if [ -z "$base" ] || [ "$base" = "$(git rev-parse HEAD)" ]; then
    base=$(git rev-parse -q --verify HEAD~1 || true)
  fi
  if [ -n "$base" ]; then
    what="the library files changed since $(git rev-parse --short "$base")"
    mapfile -t changed < <({ git diff --name-only "$base" --; git ls-files --others --exclude-standard; } |
      grep -E "$lib_re" | sort -u)
  else
    what="the library files of the only commit"
    mapfile -t changed < <(git ls-files | grep -E "$lib_re")
  fi
fi

# The translation units to run: changed sources, and the same-named source of a changed header.
units=()
for f in "${changed[@]}"; do
  [ -f "$f" ] || continue # deleted by the change
  case "$f" in
  *.cpp) units+=("$f") ;;
  */include/*.h)
    lib=${f%%/*}
    rel=${f#*/include/*/} # include/scheduler/model/model.h -> model/model.h
    stem=${rel%.h}
    for cand in "$lib/src/$stem.cpp" "$lib/cli/$stem.cpp"; do
      [ -f "$cand" ] && units+=("$cand")
    done
    ;;
  esac
done
mapfile -t units < <(printf '%s\n' "${units[@]}" | grep -v '^$' | sort -u)
if [ "${#units[@]}" -eq 0 ]; then
  echo "check_tidy: no library sources among $what; nothing to check"
  exit 0
fi

# clang 14 with libstdc++ 12 lacks std::source_location; the fuzz build's shim provides it.
major=$("$tidy" --version | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)
TIDY_SHIM=""
[ "${major:-0}" -lt 15 ] && TIDY_SHIM="$PWD/tests/fuzz/source_location_compat.h"
jobs=$(nproc 2>/dev/null || echo 2)
echo "check_tidy: $tidy on ${#units[@]} sources from $what ($jobs at a time)"
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT
# check_one REPORT SOURCE: one report file per source, so parallel runs never interleave.
# GCC's LTO flags (the Python module) mean nothing to clang's front end.
check_one() {
  local args=(--extra-arg=-Wno-ignored-optimization-argument)
  [ -n "$TIDY_SHIM" ] && args+=(--extra-arg=-include"$TIDY_SHIM")
  "$TIDY" -p "$TIDY_BUILD" --quiet --warnings-as-errors='*' "${args[@]}" "$2" >"$1" 2>&1 ||
    touch "$1.failed"
}
export -f check_one
export TIDY=$tidy TIDY_BUILD=$build TIDY_SHIM
for i in "${!units[@]}"; do printf '%s\0%s\0' "$report/$i" "${units[$i]}"; done |
  xargs -0 -n 2 -P "$jobs" bash -c 'check_one "$@"' _
failed=()
for i in "${!units[@]}"; do
  if [ -f "$report/$i.failed" ]; then
    failed+=("${units[$i]}")
    grep -E '(error|warning):' "$report/$i" | head -20
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "check_tidy: ${#failed[@]} of ${#units[@]} sources have clang-tidy findings: ${failed[*]}"
  echo "check one: $tidy -p $build${TIDY_SHIM:+ --extra-arg=-include$TIDY_SHIM} FILE   (add --fix to fix)"
  exit 1
fi
echo "check_tidy: all ${#units[@]} sources clean"
