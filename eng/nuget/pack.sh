#!/usr/bin/env bash
# Packs the five NuGet packages (docs/packaging.md) into one folder: VectorImageSearch.Abstractions, .Onnx, .Faiss,
# .Postgres and the facade VectorImageSearch, each with its .snupkg. Usage: eng/nuget/pack.sh <output-folder>
# One `dotnet pack` of eng/nuget/Packages.slnf (the five src projects of VectorImageSearch.sln, nothing else), in
# Release. VIS_ARTIFACTS_PATH moves the build tree, as for every build of this repository.
set -euo pipefail
out="${1:?usage: eng/nuget/pack.sh <output-folder>}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
cd "$repo"
# Build first, then pack what was built: packing a solution filter with builds in parallel once left a package
# without its own assembly (VectorImageSearch.Postgres, whose reference VectorData another pack was building).
dotnet build eng/nuget/Packages.slnf -c Release -nologo -v quiet -clp:NoSummary
dotnet pack eng/nuget/Packages.slnf -c Release --no-build -nologo -v quiet -clp:NoSummary -o "$out"
n="$(ls "$out"/VectorImageSearch*.nupkg 2>/dev/null | wc -l)"
[ "$n" -ge 5 ] || { echo "pack.sh: expected 5 packages in $out, found $n" >&2; exit 1; }
ls -l "$out"
