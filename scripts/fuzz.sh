#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS JOBS: builds the libFuzzer targets of tests/fuzz with clang in
# BUILD_DIR and runs each for SECONDS on its corpus (`make fuzz`, FUZZ_TIME=seconds). New
# inputs go to BUILD_DIR/corpus/<format>; the seeds in tests/fuzz/corpus/<format> are only read.
# A finding is written to BUILD_DIR/findings/ and fails the run.
set -uo pipefail
build=$1; seconds=$2; jobs=$3
root=$(cd "$(dirname "$0")/.." && pwd)
cxx=${FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  for c in clang++-14 clang++-15 clang++-16 clang++; do
    command -v "$c" >/dev/null && { cxx=$c; break; }
  done
fi
if [ -z "$cxx" ]; then
  echo "make fuzz: error: no clang++ found; install it with: apt-get install clang-14 libclang-rt-14-dev" >&2
  exit 2
fi
# clang without its runtime libraries compiles but cannot link -fsanitize=fuzzer.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }\n' >"$probe/p.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>"$probe/log"; then
  ver=$("$cxx" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
  echo "make fuzz: error: $cxx cannot link -fsanitize=fuzzer,address,undefined (libFuzzer missing);" \
       "install it with: apt-get install libclang-rt-${ver:-14}-dev" >&2
  sed 's/^/  /' "$probe/log" | tail -3 >&2
  exit 2
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      -DHCL_FUZZ=ON -DHCL_WERROR=OFF >/dev/null || exit 2
cmake --build "$build" -j "$jobs" || exit 2

status=0
mkdir -p "$build/findings"
for format in ours timeloop interstellar; do
  mkdir -p "$build/corpus/$format"
  log="$build/fuzz_$format.log"
  echo "== fuzz_$format for ${seconds} s (log: $log)"
  # -timeout: one input that takes 10 s is a hang; -rss_limit_mb: a YAML bomb is a finding.
  "$build/bin/fuzz_$format" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$format-" \
      "$build/corpus/$format" "$root/tests/fuzz/corpus/$format" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  corpus=$(ls "$build/corpus/$format" | wc -l)
  if [ "$rc" -ne 0 ]; then
    echo "   FINDING (exit $rc): $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$log")"
    ls "$build/findings/$format-"* 2>/dev/null | sed 's/^/   input: /'
    status=1
  else
    echo "   ${runs:-?} executions in ${time:-$seconds} s, no finding; corpus $corpus inputs"
  fi
done
exit $status
