#!/usr/bin/env bash
# The project's main job on bundled inputs. It grows with the pipeline: today it runs the most
# complete flow that exists and prints where its results went.
set -euo pipefail
hcl=$1; out=$2
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
"$hcl" --version > "$out.tmp/version.txt"
"$hcl" --help > "$out.tmp/help.txt"
rm -rf "$out"; mv "$out.tmp" "$out"
echo "demo: results in $out/"
