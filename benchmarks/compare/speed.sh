#!/usr/bin/env bash
# The measurements behind docs/benchmarks.md "Speed: decode stages, inference efficiency, end-to-end split" (issue 20),
# each A/B measured alternately in one go so that both sides see the same machine load:
#   1. the cores' fp32 FMA peak (compare peak) and the JPEG floor (djpeg from Debian's libjpeg-turbo-progs, if present);
#   2. pure vision-tower inference of the ViT-B/32- and ViT-B/16-cost models under ONNX Runtime settings and batch sizes
#      (compare inference);
#   3. decode + CLIP preprocessing of 4000 x 3000 JPEGs stage by stage, ours (compare stages) vs PIL + draft (pil_stages.py);
#   4. end-to-end indexing at real CLIP cost (compare index) with given settings, and the serial split (compare split)
#      that gives the I / (I + D) bound.
# Usage: benchmarks/compare/speed.sh [--only peak,stages,inference,index] [--rounds R] [--out DIR]
# Needs benchmarks/compare/setup.sh once; the ViT-B models are written by benchmarks/models/make_clip_model.py (cached).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
only="peak,stages,inference,index"; rounds=2
out="${TMPDIR:-/tmp}/vis-speed-$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
has() { [[ ",$only," == *",$1,"* ]]; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
mark() { echo "{\"what\":\"mark\",\"step\":\"$1\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\"}" >> "$results"; }
py=/usr/bin/python3
mkdir -p "$out"; results="$out/results.jsonl"; : > "$results"
log "results: $results"
dotnet build -c Release "$root/benchmarks/VectorImageSearch.Benchmarks" -nologo -v q >&2
dll="${VIS_ARTIFACTS_PATH:-$root/artifacts}/bin/VectorImageSearch.Benchmarks/release/VectorImageSearch.Benchmarks.dll"
ours() { dotnet "$dll" compare "$@"; }
echo "{\"what\":\"machine\",\"cpu\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\",\"family_model\":\"$(lscpu | sed -n 's/^CPU family: *//p' | head -1)/$(lscpu | sed -n 's/^Model: *//p' | head -1)\",\"mhz\":\"$(sed -n 's/^cpu MHz\s*: //p' /proc/cpuinfo | head -1)\",\"cores\":$(nproc),\"utc\":\"$(date -u '+%Y-%m-%d %H:%M:%SZ')\"}" >> "$results"

list="$out/jpegs-4000x3000.txt"
folder="$(ours corpus --count 1000 --list-4000x3000 "$list" --list-count 12)"
b32="$("$py" "$root/benchmarks/models/make_clip_model.py" --preset vit-b32)"
b16="$("$py" "$root/benchmarks/models/make_clip_model.py" --preset vit-b16)"

if has peak; then
  log "1. peak FMA throughput; JPEG floor"
  mark peak; ours peak >> "$results"
  if command -v djpeg > /dev/null; then
    for scale in 1/1 1/4 1/8; do
      for r in $(seq 1 3); do
        t=$( { /usr/bin/time -f "%U %S" bash -c "while read f; do djpeg -scale $scale -outfile /dev/null \"\$f\"; done < $list"; } 2>&1 | tail -1)
        echo "{\"what\":\"djpeg\",\"scale\":\"$scale\",\"cpu_ms\":$(echo "$t" | awk -v n="$(wc -l < "$list")" '{printf "%.2f", ($1+$2)*1000/n}'),\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$results"
      done
    done
  fi
  for f in "$b32" "$b16"; do "$py" "$root/benchmarks/models/count_flops.py" "$f/onnx/vision_model.onnx" | sed 's/^{/{"what":"flops",/' >> "$results"; done
fi
if has inference; then
  log "2. inference, ViT-B/32 cost"
  mark inference-b32
  ours inference --model "$b32" --images 48 --rounds 3 --variants spin-b16,default-b16,dbb-b16,t1-b16,extended-b16,noarena-b16,spin-b1,default-b1,default-b8,default-b32 >> "$results"
  log "2. inference, ViT-B/16 cost"
  mark inference-b16
  ours inference --model "$b16" --images 16 --rounds 2 --variants spin-b16,default-b16,default-b8 >> "$results"
fi
if has stages; then
  for r in $(seq 1 "$rounds"); do
    log "3. decode stages, round $r/$rounds"
    mark "stages-$r"
    ours stages --list "$list" --reps 3 --variants current,concurrency-1,one-open,margin-1 >> "$results"
    "$py" "$here/pil_stages.py" --list "$list" --reps 3 >> "$results"
  done
fi
if has index; then
  log "4. end-to-end, ViT-B/32 cost, 240 images: split, then settings alternately"
  mark split-b32
  ours split --folder "$folder" --model "$b32" --batch 16 --count 240 >> "$results"
  for r in $(seq 1 "$rounds"); do
    mark "index-b32-$r"
    ours index --folder "$folder" --model "$b32" --batch 16 --count 240 --spin >> "$results"
    ours index --folder "$folder" --model "$b32" --batch 16 --count 240 >> "$results"
    ours index --folder "$folder" --model "$b32" --batch 16 --count 240 --no-spin --ort-config session.dynamic_block_base=4 >> "$results"
    ours index --folder "$folder" --model "$b32" --batch 16 --count 240 --decode-parallelism 1 >> "$results"
  done
  log "4. end-to-end, ViT-B/16 cost, 96 images"
  mark index-b16
  ours index --folder "$folder" --model "$b16" --batch 16 --count 96 --spin >> "$results"
  ours index --folder "$folder" --model "$b16" --batch 16 --count 96 >> "$results"
fi
mark end
log "done: $results"
