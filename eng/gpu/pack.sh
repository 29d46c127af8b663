#!/usr/bin/env bash
# Packs the GPU check (tests/VectorImageSearch.GpuCheck) for a Linux x86-64 machine with an NVIDIA GPU and no .NET:
# a self-contained publish with ONNX Runtime's GPU package (its CUDA provider library alone is 284 MB), plus the
# OpenBLAS/gfortran/gomp libraries the FAISS build links, as one zstd-compressed tar cut into parts small enough to
# travel one at a time. eng/gpu/run.sh reassembles and runs it there (docs/gpu.md).
#
#   bash eng/gpu/pack.sh [OUT_DIR]     (default .gpu/; VIS_GPU_PART_MB sets the part size, default 42)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$root/.gpu}" && cd "${1:-$root/.gpu}" && pwd)
part_mb=${VIS_GPU_PART_MB:-42}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

[ "$(uname -m)" = x86_64 ] || { echo "eng/gpu/pack.sh: builds for linux-x64 only (this machine is $(uname -m))" >&2; exit 1; }
command -v zstd > /dev/null || { echo "eng/gpu/pack.sh: needs zstd (apt-get install zstd)" >&2; exit 1; }

dotnet publish "$root/tests/VectorImageSearch.GpuCheck" -c Release -r linux-x64 --self-contained \
  -p:VisOnnxRuntimePackage=Microsoft.ML.OnnxRuntime.Gpu.Linux -o "$work/app" > "$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }
[ -f "$work/app/libonnxruntime_providers_cuda.so" ] || { echo "eng/gpu/pack.sh: the publish carries no CUDA provider library" >&2; exit 1; }

for lib in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libgomp.so.1; do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ && !found { print $NF; found = 1 }')
  [ -n "$path" ] || { echo "eng/gpu/pack.sh: $lib not found (bash eng/native/faiss.sh installs it)" >&2; exit 1; }
  cp -L "$path" "$work/app/"
done

rm -f "$out"/part-*
tar -C "$work" -cf - app | zstd -q -12 -T0 --long=27 | split -b "${part_mb}M" - "$out/part-"
# The GPU machine may lack zstd (the workplace's did): its binary travels with the last part.
cp -L "$(command -v zstd)" "$out/zstd"
ls -l "$out"/part-* | awk '{ s += $5; print $NF, $5 } END { print "total", s }'
