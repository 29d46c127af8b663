#!/usr/bin/env bash
# Side-by-side comparisons of VectorImageSearch with the tools its users would pick instead, each run in one go on
# this machine (both sides alternating, round by round), summarised as medians and ratios (docs/benchmarks.md):
#   (a) search: our FAISS binding vs Python faiss (Debian python3-faiss 1.7.3) on the same index files and queries,
#       batched (all queries in one call) and single queries, same thread counts;
#   (b) end-to-end CLIP indexing of one folder of real-size JPEGs with the demo model: IImageSearch.IndexDirectoryAsync
#       vs transformers.js in Node (same model folder, fp32, same batch size), plus our pure inference throughput at
#       that batch size and the serial cost of each stage (read + hash, decode, resize + crop, normalise, inference, add);
#   (c) decode + CLIP preprocessing of 4000 × 3000 JPEGs: ours vs PIL with CLIPImageProcessor's steps;
#   (d) end-to-end indexing vs pure inference with models of real CLIP cost (ViT-B/32 and ViT-B/16 architectures with
#       random weights, written once by benchmarks/models/make_clip_model.py): does decoding hide behind inference?
#
# Usage: benchmarks/compare/run.sh [--quick] [--only faiss,index,preprocess,overlap] [--rounds R] [--images N]
#                                   [--faiss-n N] [--faiss-d D] [--threads T] [--batch B] [--out DIR]
#   --quick: a smoke run (40 images, 20k x 128 vectors, one round).
# Needs: benchmarks/compare/setup.sh once (python3-faiss, python3-pil, transformers.js), the native bootstrap of the
# README (eng/native/*.sh) and the .NET SDK. Honours VIS_ARTIFACTS_PATH (where the build output goes) and
# VIS_BENCH_CACHE (where the generated JPEGs and index files are cached; default ~/.cache/vectorimagesearch/bench).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

rounds=3; images=1000; faiss_n=100000; faiss_d=512; threads="$(nproc)"; batch=16; only="faiss,index,preprocess,overlap"
overlap_models="vit-b32:240:1 vit-b16:160:0"   # (d) preset:images:whether to also run the one-inference-thread settings
queries=1000; singles=200; reps=3; pre_files=12
out="${TMPDIR:-/tmp}/vis-compare-$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1; images=40; faiss_n=20000; faiss_d=128; queries=200; singles=50; reps=1; pre_files=4; overlap_models="vit-b32:32:1" ;;
    --only) only="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --images) images="$2"; shift ;;
    --faiss-n) faiss_n="$2"; shift ;;
    --faiss-d) faiss_d="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --batch) batch="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
has() { [[ ",$only," == *",$1,"* ]]; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

py=/usr/bin/python3   # Debian's python: python3-faiss / python3-pil live in its dist-packages
"$py" -c 'import faiss, PIL, numpy' 2>/dev/null || { echo "Run benchmarks/compare/setup.sh first (python3-faiss, python3-pil)." >&2; exit 1; }
[ -d "$here/node_modules/@huggingface/transformers" ] || { echo "Run benchmarks/compare/setup.sh first (transformers.js)." >&2; exit 1; }

mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
log "results: $results"

log "building benchmarks/VectorImageSearch.Benchmarks (Release)"
dotnet build -c Release "$root/benchmarks/VectorImageSearch.Benchmarks" -nologo -v q >&2
artifacts="${VIS_ARTIFACTS_PATH:-$root/artifacts}"
dll="$artifacts/bin/VectorImageSearch.Benchmarks/release/VectorImageSearch.Benchmarks.dll"
ours() { dotnet "$dll" compare "$@"; }

model_dir="$root/samples/models"; model=clip-tiny-shapes
{
  echo "{\"what\":\"machine\",\"cpu\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\",\"cores\":$(nproc),\"mem_gib\":$(free -g | awk '/Mem:/{print $2}'),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\",\"dotnet\":\"$(dotnet --version)\",\"node\":\"$(node --version)\",\"python\":\"$("$py" -c 'import sys;print(sys.version.split()[0])')\",\"rounds\":$rounds,\"threads\":$threads,\"batch\":$batch}"
} >> "$results"

if has index || has preprocess || has overlap; then
  log "JPEG corpus: $images images (generated once, cached)"
  list="$out/jpegs-4000x3000.txt"
  folder="$(ours corpus --count "$images" --list-4000x3000 "$list" --list-count "$pre_files")"
fi

if has preprocess; then
  for r in $(seq 1 "$rounds"); do
    log "(c) decode + preprocess, round $r/$rounds"
    if [ $((r % 2)) -eq 1 ]; then order="ours pil"; else order="pil ours"; fi
    for side in $order; do
      if [ "$side" = ours ]; then
        ours preprocess --list "$list" --reps "$reps" >> "$results"
        ours preprocess --list "$list" --reps "$reps" --full-decode >> "$results"
        # Informational: the faster, less PIL-faithful settings an owner could choose.
        ours preprocess --list "$list" --reps "$reps" --shrink-margin 1.0 >> "$results"
        ours preprocess --list "$list" --reps "$reps" --resize libvips >> "$results"
      else
        "$py" "$here/pil_preprocess.py" --list "$list" --reps "$reps" >> "$results"
        "$py" "$here/pil_preprocess.py" --list "$list" --reps "$reps" --draft >> "$results"
      fi
    done
  done
fi

if has index; then
  for r in $(seq 1 "$rounds"); do
    log "(b) end-to-end indexing of $images JPEGs, batch $batch, round $r/$rounds"
    if [ $((r % 2)) -eq 1 ]; then order="ours tjs"; else order="tjs ours"; fi
    for side in $order; do
      if [ "$side" = ours ]; then
        ours index --folder "$folder" --model "$model_dir/$model" --batch "$batch" >> "$results"
      else
        (cd "$here" && node tjs-index.mjs "$model_dir" "$model" "$folder" "$batch") >> "$results"
      fi
    done
  done
  log "(b) stage split and pure inference throughput (ours, serial stages)"
  ours split --folder "$folder" --model "$model_dir/$model" --batch "$batch" >> "$results"
fi

if has overlap; then
  "$py" -c 'import onnx' 2>/dev/null || { echo "(d) needs python3-onnx: run benchmarks/compare/setup.sh." >&2; exit 1; }
  for entry in $overlap_models; do
    IFS=: read -r preset count one_thread <<< "$entry"
    log "(d) model $preset (random weights, written once)"
    heavy="$("$py" "$root/benchmarks/models/make_clip_model.py" --preset "$preset")"
    for r in $(seq 1 "$rounds"); do
      log "(d) $preset, $count JPEGs, batch $batch, round $r/$rounds: pure inference, then end-to-end per setting"
      # Pure inference with ONNX Runtime's defaults (threads = cores, spinning on): the baseline.
      ours split --folder "$folder" --model "$heavy" --batch "$batch" --count "$count" >> "$results"
      ours index --folder "$folder" --model "$heavy" --batch "$batch" --count "$count" >> "$results"
      ours index --folder "$folder" --model "$heavy" --batch "$batch" --count "$count" --no-spin >> "$results"
      if [ "$one_thread" = 1 ]; then
        # One core for inference, one for decoding: the split a GPU (or a machine with cores to spare) gives.
        ours split --folder "$folder" --model "$heavy" --batch "$batch" --count "$count" --inference-threads 1 >> "$results"
        ours index --folder "$folder" --model "$heavy" --batch "$batch" --count "$count" --inference-threads 1 --decode-parallelism 1 >> "$results"
      fi
    done
  done
fi

if has faiss; then
  export OPENBLAS_NUM_THREADS="$threads"
  faiss_dir="${VIS_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectorimagesearch/bench}/faiss-${faiss_n}x${faiss_d}-q${queries}"
  mkdir -p "$faiss_dir"
  if [ ! -f "$faiss_dir/.complete" ]; then
    log "(a) building the index files once: $faiss_dir"
    ours faiss-prepare --dir "$faiss_dir" --n "$faiss_n" --d "$faiss_d" --queries "$queries" > "$faiss_dir.build.jsonl"
    touch "$faiss_dir/.complete"
  fi
  cat "$faiss_dir.build.jsonl" >> "$results"
  for r in $(seq 1 "$rounds"); do
    log "(a) search, $faiss_n x $faiss_d, round $r/$rounds"
    if [ $((r % 2)) -eq 1 ]; then order="ours py"; else order="py ours"; fi
    for side in $order; do
      if [ "$side" = ours ]; then
        ours faiss-search --dir "$faiss_dir" --threads "$threads" --single "$singles" --single-threads 1 --reps "$reps" >> "$results"
      else
        "$py" "$here/faiss_search.py" --dir "$faiss_dir" --threads "$threads" --single "$singles" --single-threads 1 --reps "$reps" >> "$results"
      fi
    done
  done
fi

echo "{\"what\":\"end\",\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\"}" >> "$results"
"$py" "$here/summarise.py" "$results" | tee "$out/summary.md"
