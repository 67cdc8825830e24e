#!/usr/bin/env bash
# Installs the Debian packages hcl needs, only those that are missing, so that both README
# commands work on a fresh Debian 12 machine and are cheap to re-run.
set -euo pipefail

packages=(
  g++ cmake ninja-build make git
  libfmt-dev catch2 libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  verilator yosys
  # The report test opens report.html in a real browser and reads its screenshot.
  python3 chromium
  # The Python module (pybind11) and its tests, and the plot of examples/python/memory_sweep.py.
  pybind11-dev python3-dev python3-pytest python3-matplotlib
  # The style tests: every C++ source against .clang-format, changed library sources against
  # .clang-tidy.
  clang-format clang-tidy
)

# Installing needs root; without it, sudo, and without that a clear error naming what is missing.
SUDO=""
need_sudo() {
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: $1" >&2; exit 2; }
    SUDO="sudo"
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  need_sudo "${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The OSU 0.18 um liberty ships inside qflow-tech-osu018; we only need its .lib, so unpack the
# .deb into a cache folder instead of pulling in all of qflow.
osu_dir="${HCL_OSU018_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/third_party/osu018}"
if [ ! -f "$osu_dir/.done" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download qflow-tech-osu018 >/dev/null 2>&1) || {
    need_sudo qflow-tech-osu018
    $SUDO apt-get update -qq && (cd "$tmp" && apt-get download qflow-tech-osu018 >/dev/null)
  }
  mkdir -p "$osu_dir.tmp"
  dpkg -x "$tmp"/qflow-tech-osu018_*.deb "$osu_dir.tmp"
  rm -rf "$osu_dir"; mv "$osu_dir.tmp" "$osu_dir"; touch "$osu_dir/.done"
  rm -rf "$tmp"
  echo "install-deps: OSU 0.18 um liberty unpacked to $osu_dir"
fi
