#!/usr/bin/env bash
# Regenerates the public API baselines of the packable projects (docs/packaging.md#public-api-baselines) after an
# intended change of the public surface, so that `git diff -- 'src/*/PublicAPI.*.txt'` shows the change for review.
#
#   bash eng/update-public-api.sh            rewrite every PublicAPI.Unshipped.txt from the code as it is
#   bash eng/update-public-api.sh --ship     at a release: move what Unshipped lists into PublicAPI.Shipped.txt
#   bash eng/update-public-api.sh --check    change nothing; fail if a baseline differs from the code (what the build
#                                            enforces too, through RS0016/RS0017)
#   ... [src/X/X.csproj ...]                 only those projects (default: every packable project under src/)
#
# Unshipped is rebuilt from nothing: Microsoft.CodeAnalysis.PublicApiAnalyzers' own fix for RS0016 (through
# `dotnet format analyzers`) adds every public symbol that Shipped does not list, then a build reports the Shipped
# symbols that are gone (RS0017), which are written as `*REMOVED*` lines, the analyzer's notation for a removal.
# Each project is then built once more; the script fails if the baselines still disagree with the code.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
mode=update; projects=()
for a in "$@"; do
  case "$a" in
    --ship|--check) mode="$a" ;;
    -*) echo "usage: eng/update-public-api.sh [--ship|--check] [src/X/X.csproj ...]" >&2; exit 2 ;;
    *) [ -f "$a" ] || { echo "update-public-api.sh: no project file $a" >&2; exit 2; }; projects+=("$a") ;;
  esac
done

header='#nullable enable'
# The packable projects, leaves first (a project's baseline does not depend on the projects that reference it).
[ "${#projects[@]}" -gt 0 ] || mapfile -t projects < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj | sort)
[ "${#projects[@]}" -gt 0 ] || { echo "update-public-api.sh: no packable project under src/" >&2; exit 1; }

# Writes the header, then the given lines sorted ordinally without duplicates (stable diffs).
write_sorted() { # file, lines on stdin
  local body; body="$(grep -v -x -F "$header" | grep -v '^[[:space:]]*$' | LC_ALL=C sort -u || true)"
  { echo "$header"; [ -z "$body" ] || printf '%s\n' "$body"; } > "$1"
}

# Builds one project; prints its own RS0016/RS0017 diagnostics (not those of the projects it references) as
# "RS00xx<TAB>symbol", one per symbol.
api_diagnostics() { # project
  dotnet build "$1" -nologo -v q -clp:NoSummary 2>&1 | grep -F "[$repo/$1]" \
    | sed -n -E "s/.*(RS001[67]): Symbol '(.*)' (is not part of the declared public API|is part of the declared API).*/\1\t\2/p" \
    | LC_ALL=C sort -u || true
}

if [ "$mode" = "--ship" ]; then
  for p in "${projects[@]}"; do
    d="$(dirname "$p")"; shipped="$d/PublicAPI.Shipped.txt"; unshipped="$d/PublicAPI.Unshipped.txt"
    removed="$(sed -n 's/^\*REMOVED\*//p' "$unshipped")"
    { if [ -n "$removed" ]; then grep -v -x -F -f <(printf '%s\n' "$removed") "$shipped" || true; else cat "$shipped"; fi
      grep -v '^\*REMOVED\*' "$unshipped" || true; } | write_sorted "$shipped.new"
    mv "$shipped.new" "$shipped"; echo "$header" > "$unshipped"
    echo "$d: shipped $(grep -c -v -x -F "$header" "$shipped" || true) lines"
  done
  exit 0
fi

if [ "$mode" = "--check" ]; then
  status=0
  for p in "${projects[@]}"; do
    diags="$(api_diagnostics "$p")"
    if [ -n "$diags" ]; then
      echo "$p: the public API baseline differs from the code (run: bash eng/update-public-api.sh):" >&2
      printf '%s\n' "$diags" | head -n 20 >&2; status=1
    fi
  done
  exit "$status"
fi

for p in "${projects[@]}"; do
  d="$(dirname "$p")"; shipped="$d/PublicAPI.Shipped.txt"; unshipped="$d/PublicAPI.Unshipped.txt"
  [ -f "$shipped" ] || echo "$header" > "$shipped"
  echo "$header" > "$unshipped"
  # The analyzer's code fix adds each missing public symbol to Unshipped.
  dotnet format analyzers "$p" --diagnostics RS0016 --severity info --verbosity quiet
  # Shipped symbols that are gone become *REMOVED* lines.
  gone="$(api_diagnostics "$p" | sed -n 's/^RS0017\t//p')"
  { cat "$unshipped"; [ -z "$gone" ] || printf '*REMOVED*%s\n' "$gone"; } | write_sorted "$unshipped.new"
  mv "$unshipped.new" "$unshipped"
  left="$(api_diagnostics "$p")"
  if [ -n "$left" ]; then
    echo "update-public-api.sh: $p still disagrees with its baseline:" >&2; printf '%s\n' "$left" >&2; exit 1
  fi
  echo "$d: $(grep -c -v -x -F "$header" "$unshipped" || true) unshipped lines"
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' || true
