#!/usr/bin/env bash
# check_format.sh SOURCE_DIR: every C++ source of the project is formatted as .clang-format says
# (clang-format --dry-run -Werror), so a change that is not formatted fails the suite. Fix
# with: clang-format -i FILE (or every file this test names).
set -u
cd "$1" || exit 98
command -v clang-format >/dev/null ||
  { echo "check_format: clang-format is not installed (Debian package clang-format; scripts/install-deps.sh installs it)"; exit 1; }
mapfile -t files < <(find hcl generators scheduler flows support tests bench examples \
  \( -name '*.cpp' -o -name '*.h' \) -type f | sort)
[ "${#files[@]}" -gt 100 ] || { echo "check_format: found only ${#files[@]} sources; wrong folder?"; exit 1; }
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ "${#bad[@]}" -gt 0 ]; then
  echo "check_format: ${#bad[@]} of ${#files[@]} sources are not formatted as .clang-format says:"
  printf '  %s\n' "${bad[@]}"
  echo "fix: clang-format -i ${bad[*]}"
  exit 1
fi
echo "check_format: all ${#files[@]} sources formatted"
