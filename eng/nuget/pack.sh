#!/usr/bin/env bash
# Packs the four NuGet packages (docs/packaging.md) into one folder: VectorImageSearch.Abstractions, .Onnx, .Faiss and
# the facade VectorImageSearch, each with its .snupkg. Usage: eng/nuget/pack.sh <output-folder>
# Builds Release once (the facade pulls in the other three), then packs each project without building again.
# VIS_ARTIFACTS_PATH moves the build tree, as for every build of this repository.
set -euo pipefail
out="${1:?usage: eng/nuget/pack.sh <output-folder>}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
cd "$repo"

projects=(
  src/VectorImageSearch.Abstractions/VectorImageSearch.Abstractions.csproj
  src/VectorImageSearch.Onnx/VectorImageSearch.Onnx.csproj
  src/VectorImageSearch.Faiss/VectorImageSearch.Faiss.csproj
  src/VectorImageSearch/VectorImageSearch.csproj
)
# Until the facade compiles, VIS_PACK_PROJECTS can name fewer (used while the packages were being developed).
[ -n "${VIS_PACK_PROJECTS:-}" ] && read -r -a projects <<< "$VIS_PACK_PROJECTS"

for p in "${projects[@]}"; do
  dotnet build "$p" -c Release -nologo -v quiet -clp:NoSummary
done
for p in "${projects[@]}"; do
  dotnet pack "$p" -c Release --no-build --no-restore -nologo -v quiet -o "$out"
done
ls -l "$out"
