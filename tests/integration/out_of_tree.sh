#!/usr/bin/env bash
# out_of_tree.sh BUILD WORK: installs the build to WORK/prefix, builds examples/out_of_tree
# against it with find_package(hcl) alone (no path into hcl's source or build tree), runs its
# generator and lints the Verilog it wrote. The installed hcl executable must run too.
set -eu
build=$1 work=$2
src=$(cd "$(dirname "$0")/../../examples/out_of_tree" && pwd)
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
test -x "$work/prefix/bin/hcl" || { echo "out_of_tree: no bin/hcl installed"; exit 1; }
"$work/prefix/bin/hcl" --version
test -f "$work/prefix/include/hcl/hcl.h" || { echo "out_of_tree: no include/hcl/hcl.h"; exit 1; }
grep -q "complete -o filenames -F _hcl hcl" "$work/prefix/share/bash-completion/completions/hcl" ||
  { echo "out_of_tree: no share/bash-completion/completions/hcl"; exit 1; }
# The Python module, when the build has one, imports from the prefix alone.
if ls "$build"/python/hcl.*.so >/dev/null 2>&1; then
  site="$work/prefix/lib/python3/dist-packages"
  ls "$site"/hcl.*.so >/dev/null 2>&1 || { echo "out_of_tree: no hcl module in $site"; exit 1; }
  (cd "$work" && PYTHONPATH="$site" /usr/bin/python3 -c "import hcl; assert hcl.__file__.startswith('$site')") ||
    { echo "out_of_tree: the installed hcl module does not import"; exit 1; }
fi
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
top=$("$work/build/row_of_macs" "$work/rtl" 3)
verilator --lint-only -Wall --top-module "$top" "$work"/rtl/*.v
echo "out_of_tree: $top built on the installed hcl, lint clean"
