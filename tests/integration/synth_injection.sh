#!/usr/bin/env bash
# synth_injection.sh HCL DIR top|file: tries to make `hcl synth` run a shell command through its
# Yosys script, by a --top holding a newline and '!cmd', or by a Verilog file whose name does.
# Prints hcl's output and exits with hcl's exit code, or 99 if the command ran.
set -u
hcl=$1 dir=$2 how=$3
src=$(cd "$(dirname "$0")/../flows/data" && pwd)/adder8.v
rm -rf "$dir" && mkdir -p "$dir/src" && cd "$dir" || exit 98
# A file name cannot hold '/', so the command is relative: it would run in this folder.
case $how in
  top)
    "$hcl" synth "$src" --top "adder8
!touch PWNED"
    ;;
  file)
    # The name closes the quotes on an existing file (zz.txt is not collected, so it is read
    # once), then a newline starts the shell line; it still ends in .v, so the folder holds it.
    cp "$src" src/adder8.v
    sed 's/adder8/zz/' "$src" >src/zz.txt
    cp "$src" "src/zz.txt\"
!touch PWNED
\".v"
    "$hcl" synth src --top adder8
    ;;
esac
rc=$?
if [ -e PWNED ]; then
  echo "synth_injection: the injected command ran"
  exit 99
fi
exit $rc
