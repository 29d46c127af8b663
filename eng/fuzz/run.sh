#!/usr/bin/env bash
# Coverage-guided fuzzing of decode + preprocess (docs/reliability.md): SharpFuzz-instrumented assemblies under Debian's
# AFL++, one instance on one core.
# Usage: eng/fuzz/run.sh [minutes (default 60)] [findings folder (default artifacts/fuzz/findings)]
#   Installs AFL++ and the SharpFuzz tool (eng/fuzz/install.sh), publishes tests/VectorImageSearch.DecodeFuzzer to
#   artifacts/fuzz/bin, instruments our managed assemblies there (VectorImageSearch.Onnx, .Abstractions, NetVips's
#   managed wrapper) and runs afl-fuzz from the seeds in eng/fuzz/seeds for the given time. Results: the findings folder
#   (default/fuzzer_stats, default/queue, default/crashes, default/hangs). Coverage is of managed code only: libvips
#   itself (native) is not instrumented, so AFL is guided by the paths our code and NetVips take, not libvips' own.
#   Then eng/fuzz/keep-corpus.sh minimises the queue into tests/fixtures/fuzz-corpus (replayed by DecoderCorpusTests).
#   Regenerate the seeds with: dotnet run --project tests/VectorImageSearch.DecodeFuzzer -- seeds tests/fixtures/preprocess eng/fuzz/seeds
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes="${1:-60}"
findings="${2:-$root/artifacts/fuzz/findings}"
bin="$root/artifacts/fuzz/bin"
seeds="$root/eng/fuzz/seeds"

"$root/eng/fuzz/install.sh"
sharpfuzz="$root/artifacts/fuzz/tools/sharpfuzz"

rm -rf "$bin"
dotnet publish "$root/tests/VectorImageSearch.DecodeFuzzer" -c Release -r linux-x64 --self-contained false -o "$bin" -nologo -v quiet
for assembly in VectorImageSearch.Onnx.dll VectorImageSearch.Abstractions.dll NetVips.dll; do
  "$sharpfuzz" "$bin/$assembly"
done

if [ -e "$findings" ]; then
  echo "eng/fuzz/run.sh: $findings exists; move it away or name another folder (AFL would refuse to overwrite it)" >&2
  exit 1
fi
mkdir -p "$(dirname "$findings")"
# AFL_SKIP_BIN_CHECK: the target is `dotnet`, whose coverage map SharpFuzz fills, not an afl-cc binary.
# AFL_NO_AFFINITY: do not pin a core (the machine is shared). AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: containers pipe
# core dumps elsewhere. -t 10000: .NET's start and libvips' first load take seconds; an input that runs 10 s is a hang.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_AUTORESUME=0 DOTNET_TieredPGO=0 VIPS_WARNING=0
exec afl-fuzz -i "$seeds" -o "$findings" -t 10000 -m none -V "$((minutes * 60))" -- dotnet "$bin/VectorImageSearch.DecodeFuzzer.dll"
