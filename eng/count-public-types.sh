#!/usr/bin/env bash
# Counts the public types of each package from its public API baseline (PublicAPI.Shipped.txt + PublicAPI.Unshipped.txt,
# less the *REMOVED* lines); the build keeps those files equal to the code (RS0016/RS0017), so after a green build the
# count is the code's. A type is a baseline line that declares no member (no " -> "); nested types count.
#
#   bash eng/count-public-types.sh          one line per package, then the total of the four core packages
#   bash eng/count-public-types.sh --list   the types themselves, per package
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
list=0; [ "${1:-}" = "--list" ] && list=1

types_of() { # project folder
  local d="$1" removed
  removed="$(sed -n 's/^\*REMOVED\*//p' "$d/PublicAPI.Unshipped.txt")"
  cat "$d/PublicAPI.Shipped.txt" "$d/PublicAPI.Unshipped.txt" \
    | grep -v -e '^#' -e '^\*REMOVED\*' -e ' -> ' -e '^[[:space:]]*$' \
    | { if [ -n "$removed" ]; then grep -v -x -F -f <(printf '%s\n' "$removed"); else cat; fi; } \
    | LC_ALL=C sort -u || true
}

# The issue's target counts the four packages of the original design together; newer packages are counted apart.
core=" VectorImageSearch VectorImageSearch.Abstractions VectorImageSearch.Onnx VectorImageSearch.Faiss "
total=0
for p in $(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj | sort); do
  d="$(dirname "$p")"; name="$(basename "$d")"
  [ -f "$d/PublicAPI.Shipped.txt" ] && [ -f "$d/PublicAPI.Unshipped.txt" ] \
    || { echo "count-public-types.sh: $d has no public API baseline" >&2; exit 1; }
  t="$(types_of "$d")"; n=0; [ -z "$t" ] || n="$(printf '%s\n' "$t" | wc -l)"
  printf '%-32s %4d public types\n' "$name" "$n"
  [ "$list" = 0 ] || { printf '%s\n' "$t" | sed 's/^/    /'; }
  case "$core" in *" $name "*) total=$((total + n)) ;; esac
done
printf '%-32s %4d public types (Abstractions, Onnx, Faiss and the facade)\n' "four core packages" "$total"
