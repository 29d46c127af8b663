#!/usr/bin/env bash
# Minimises a fuzzing run's queue with afl-cmin (the smallest set of inputs with the same coverage) and keeps it in
# tests/fixtures/fuzz-corpus, which DecoderCorpusTests replays in every test run. Files named crash-* there (inputs that
# once failed wrongly, each with its fix's test) are kept; the rest is replaced.
# Usage: eng/fuzz/keep-corpus.sh [findings folder (default artifacts/fuzz/findings)]   (after eng/fuzz/run.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
findings="${1:-$root/artifacts/fuzz/findings}"
bin="$root/artifacts/fuzz/bin"
corpus="$root/tests/fixtures/fuzz-corpus"
work="$root/artifacts/fuzz/cmin"   # not under /tmp: afl-cmin refuses to work there
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# afl-cmin wants a folder of plain files: the queue without AFL's .state and hidden entries.
mkdir -p "$work/queue"
find "$findings/default/queue" -maxdepth 1 -type f -name 'id:*' -exec cp {} "$work/queue/" \;
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
afl-cmin -i "$work/queue" -o "$work/min" -t 10000 -m none -- "$(command -v dotnet)" "$bin/VectorImageSearch.DecodeFuzzer.dll"

find "$corpus" -maxdepth 1 -type f ! -name 'crash-*' -delete
for file in "$work/min"/*; do
  name="$(basename "$file")"
  id="${name#id:}"; id="${id%%,*}"
  if [[ "$name" == *orig:* ]]; then
    cp "$file" "$corpus/seed-${name##*orig:}"          # a seed that still adds coverage, under its own name
  else
    cp "$file" "$corpus/queue-$id"
  fi
done
echo "kept $(find "$corpus" -maxdepth 1 -type f | wc -l) files, $(du -sh "$corpus" | cut -f1), in $corpus"
