#!/usr/bin/env bash
# Comparison (a) of run.sh (our FAISS binding vs Python faiss, same index files and queries) with a third side: our binding
# with the FAISS shim as it was before a given commit (default 699445c, the single-query HNSW work of issue 12), so
# "before" and "after" are measured in the same rounds, alternating, under the same load:
#   benchmarks/compare/faiss-before-after.sh [--commit C] [--rounds R] [--kinds K] [--out DIR] [--before-shim FILE]
# "before" is today's shim sources with that commit's change to native/ reverted, built against the same FAISS and
# loaded through VECTORIMAGESEARCH_FAISS_DIR; everything else (managed code, FAISS, index files) is shared.
# Summarise with: python3 benchmarks/compare/summarise_before_after.py DIR/results.jsonl (ours / ours-before / Python);
# benchmarks/compare/summarise.py DIR/results.jsonl gives the usual ours-vs-Python table of run.sh from the same file.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
commit=699445c; rounds=3; kinds="flat,ivfflat,ivfpq,ivfpqr,hnsw"; faiss_n=100000; faiss_d=512; queries=1000; singles=200; reps=3
threads="$(nproc)"; before_shim=""
out="${TMPDIR:-/tmp}/vis-faiss-before-after-$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --kinds) kinds="$2"; shift ;;
    --out) out="$2"; shift ;;
    --before-shim) before_shim="$2"; shift ;;   # a "before" libvis_faiss.so built already (skips the build)
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
py=/usr/bin/python3
"$py" -c 'import faiss, numpy' 2>/dev/null || { echo "Run benchmarks/compare/setup.sh first (python3-faiss)." >&2; exit 1; }
mkdir -p "$out"
results="$out/results.jsonl"; : > "$results"

if [ -z "$before_shim" ]; then
  log "building the shim before $commit"
  before="$out/before"; rm -rf "$before"; mkdir -p "$before"
  cp -r "$root/src/VectorImageSearch.Faiss/native" "$before/native"
  change="$(git -C "$root" show "$commit" -- src/VectorImageSearch.Faiss/native/)"
  if printf '%s\n' "$change" | (cd "$before/native" && patch -s -R -p4 --batch --dry-run) >/dev/null 2>&1; then
    printf '%s\n' "$change" | (cd "$before/native" && patch -s -R -p4 --batch)
  elif [ "$(git -C "$root" rev-parse --short=7 "$commit")" = 699445c ]; then
    # 699445c changed only the HNSW search, which vis_search.cpp held then and vis_search_hnsw.cpp holds since the
    # shim was split by concept: keep today's sources and put that file's search back as it was before the commit.
    hnsw="$before/native/vis_search_hnsw.cpp"
    {
      sed -n '1,/^namespace vis {$/p' "$hnsw" | sed 's|^#include <memory>$|#include <memory>\n#include <queue>|'
      echo
      git -C "$root" show "$commit^:src/VectorImageSearch.Faiss/native/vis_search.cpp" |
        sed -n '/^\/\/ HNSW search with a per-call efSearch/,/^}$/p'
      echo
      echo '}  // namespace vis'
    } > "$hnsw.before"
    mv "$hnsw.before" "$hnsw"
  else
    echo "The shim change of $commit does not revert cleanly on today's sources." >&2; exit 1
  fi
  faiss_cache="${VECTORIMAGESEARCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectorimagesearch}/faiss-1.7.3-avx2"
  bash "$root/eng/native/build-shim.sh" "$before/native" "$before/build" "$before/libvis_faiss.so" "-DFAISS_DIR=$faiss_cache/"
  before_shim="$before/libvis_faiss.so"
fi

# The resolver loads the "before" shim from a folder that also holds the FAISS libraries it links (VECTORIMAGESEARCH_FAISS_DIR).
faiss_lib="${VECTORIMAGESEARCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectorimagesearch}/faiss-1.7.3-avx2/lib"
before_dir="$out/before-dir"; rm -rf "$before_dir"; mkdir -p "$before_dir"
cp "$faiss_lib/libfaiss_c.so" "$faiss_lib/libfaiss_avx2.so" "$before_dir/"
cp "$before_shim" "$before_dir/libvis_faiss.so"

log "building benchmarks/VectorImageSearch.Benchmarks (Release)"
dotnet build -c Release "$root/benchmarks/VectorImageSearch.Benchmarks" -nologo -v q >&2
dll="${VIS_ARTIFACTS_PATH:-$root/artifacts}/bin/VectorImageSearch.Benchmarks/release/VectorImageSearch.Benchmarks.dll"

export OPENBLAS_NUM_THREADS="$threads"
faiss_dir="${VIS_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectorimagesearch/bench}/faiss-${faiss_n}x${faiss_d}-q${queries}"
mkdir -p "$faiss_dir"
if [ ! -f "$faiss_dir/.complete" ]; then
  log "building the index files once (as run.sh does): $faiss_dir"
  dotnet "$dll" compare faiss-prepare --dir "$faiss_dir" --n "$faiss_n" --d "$faiss_d" --queries "$queries" > "$faiss_dir.build.jsonl"
  touch "$faiss_dir/.complete"
fi
echo "{\"what\":\"machine\",\"cpu\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\",\"cores\":$(nproc),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\",\"rounds\":$rounds,\"threads\":$threads,\"before_commit\":\"$commit\"}" >> "$results"
cat "$faiss_dir.build.jsonl" >> "$results"
args=(--dir "$faiss_dir" --kinds "$kinds" --threads "$threads" --single "$singles" --single-threads 1 --reps "$reps")
sides=(ours ours-before python)
for r in $(seq 1 "$rounds"); do
  # Rotate the order each round so no side always runs first or last.
  order=("${sides[@]:$(( (r - 1) % 3 ))}" "${sides[@]:0:$(( (r - 1) % 3 ))}")
  log "round $r/$rounds: ${order[*]} (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for side in "${order[@]}"; do
    case "$side" in
      ours) dotnet "$dll" compare faiss-search "${args[@]}" >> "$results" ;;
      ours-before) VECTORIMAGESEARCH_FAISS_DIR="$before_dir" dotnet "$dll" compare faiss-search "${args[@]}" \
                     | sed 's/"side":"ours"/"side":"ours-before"/' >> "$results" ;;
      python) "$py" "$here/faiss_search.py" "${args[@]}" >> "$results" ;;
    esac
  done
done
echo "{\"what\":\"end\",\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\"}" >> "$results"
log "results: $results"
