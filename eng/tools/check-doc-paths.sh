#!/usr/bin/env bash
# Checks that every repository path a document names exists, so that a doc drawn from the code fails loudly once the
# code moves (docs/architecture.md names the file of each step).
#
#   bash eng/tools/check-doc-paths.sh [doc.md ...]      default: docs/architecture.md
#
# What counts as a path:
#   - a word starting with src/, tests/, eng/, samples/, docs/ or benchmarks/ (globs such as FaissIndex*.cs allowed);
#   - a word ending in .cs .csproj .cpp .h .sh .props .targets .py .mjs (a relative one such as
#     Indexing/IndexingPipeline.cs may lie under the repository root or under any src/<package>/);
#   - the target of a relative Markdown link, resolved from the document's folder (#anchors ignored).
# Words ending in a separator are folders. Exits 1 and lists every path that is missing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
docs=("$@")
[ ${#docs[@]} -gt 0 ] || docs=(docs/architecture.md)

exists() { # a path or glob relative to the repository root
  compgen -G "$1" > /dev/null
}

missing=0; checked=0
set -f # words are checked as written: a glob is matched by compgen -G, not expanded by the loop
for doc in "${docs[@]}"; do
  [ -f "$doc" ] || { echo "check-doc-paths: no such document: $doc" >&2; exit 2; }
  dir="$(dirname "$doc")"
  # Repository paths and source-like file names, trailing punctuation stripped.
  words="$(grep -oE '[A-Za-z0-9_.*/+-]+' "$doc" \
    | sed -E 's/[.,:;]+$//' \
    | grep -E '^(src|tests|eng|samples|docs|benchmarks)/|\.(cs|csproj|cpp|h|sh|props|targets|py|mjs)$' \
    | sort -u || true)"
  for w in $words; do
    checked=$((checked + 1))
    if exists "$w"; then continue; fi
    found=0
    if [[ "$w" != /* && ! "$w" =~ ^(src|tests|eng|samples|docs|benchmarks)/ ]]; then
      for base in src/*/; do
        if exists "$base$w"; then found=1; break; fi
      done
    fi
    if [ $found -eq 0 ]; then echo "$doc: missing path: $w"; missing=$((missing + 1)); fi
  done
  # Relative Markdown links.
  links="$(grep -oE '\]\([^)]+\)' "$doc" | sed -E 's/^\]\(//; s/\)$//; s/#.*$//' | grep -vE '^(https?:|mailto:|$)' | sort -u || true)"
  for l in $links; do
    checked=$((checked + 1))
    [ -e "$dir/$l" ] || { echo "$doc: broken link: $l"; missing=$((missing + 1)); }
  done
done
if [ $missing -gt 0 ]; then
  echo "check-doc-paths: $missing of $checked paths missing" >&2
  exit 1
fi
echo "check-doc-paths: all $checked paths exist"
