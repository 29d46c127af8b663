#!/usr/bin/env bash
# Runs the GPU check on a Linux x86-64 machine with an NVIDIA GPU: reassembles the parts eng/gpu/pack.sh wrote, puts
# CUDA 13 and cuDNN 9 on the library path (from the nvidia-* Python wheels when no system CUDA is found), writes the
# ViT-B/32- and ViT-B/16-cost models for the speed rows (benchmarks/models/make_clip_model.py, needs python3 with
# onnx and numpy) and runs the checks. Exit code: the check's (0 pass, 1 a check failed, 2 no usable CUDA device).
#
#   bash eng/gpu/run.sh PARTS_DIR [RESULTS_FILE]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
parts=${1:?usage: eng/gpu/run.sh PARTS_DIR [RESULTS_FILE]}
results=${2:-$PWD/gpu-check.md}
stage=${VIS_GPU_STAGE:-/var/tmp/vis-gpu}

command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
  || echo "eng/gpu/run.sh: nvidia-smi not found; the check will say whether CUDA can be used" >&2
# The device image may have no zstd: eng/gpu/pack.sh puts this machine's beside the parts.
command -v zstd > /dev/null || { [ -x "$parts/zstd" ] && PATH="$parts:$PATH"; } \
  || { echo "eng/gpu/run.sh: no zstd on this machine and none in $parts" >&2; exit 2; }
rm -rf "$stage/app"; mkdir -p "$stage"
cat "$parts"/part-* | zstd -q -d --long=27 | tar -x -C "$stage"

# CUDA and cuDNN: a system install if the loader knows one, otherwise the lib folders of the nvidia-* wheels.
if ! grep -q 'libcudnn.so.9' <<< "$(ldconfig -p)"; then
  wheels=$(python3 -c 'import nvidia, os; print(os.pathsep.join(nvidia.__path__))' 2>/dev/null || true)
  dirs=$(IFS=:; for w in $wheels; do find "$w" -maxdepth 3 -type d -name lib; done | paste -sd:)
  export LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export LD_LIBRARY_PATH="$stage/app${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

speed=()
for preset in vit-b32 vit-b16; do
  if python3 "$root/benchmarks/models/make_clip_model.py" --preset "$preset" --out "$stage/clip-$preset-random" > /dev/null; then
    speed+=(--speed-model "$stage/clip-$preset-random")
  else
    echo "eng/gpu/run.sh: could not write the $preset model (python3 with onnx and numpy?); its speed row is left out" >&2
  fi
done
"$stage/app/VectorImageSearch.GpuCheck" --out "$results" "${speed[@]}"
