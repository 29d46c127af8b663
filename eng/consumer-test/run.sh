#!/usr/bin/env bash
# Consumer test (issue 8, docs/packaging.md): proves that `dotnet add package VectorImageSearch` works in a new app.
#
#  1. packs the five packages into a local feed in a temporary folder (eng/nuget/pack.sh);
#  2. creates a console app there with `dotnet new console`, with a nuget.config listing the local feed and this
#     machine's own sources (package source mapping: VectorImageSearch* only from the local feed) and a private
#     package cache (NUGET_PACKAGES), so no cached or published copy of our packages can be used;
#  3. adds the facade package only (plus Microsoft.Extensions.DependencyInjection and .Logging, which the quick start
#     uses for ServiceCollection and AddLogging), never a project reference and never a native file by hand;
#  4. writes the package README's C# quick start into Program.cs, changing only its paths (the demo model
#     samples/models/clip-tiny-shapes, the images samples/images/shapes, an index in the temporary folder) and its
#     query ("a red circle"), after checking it is the same code as the repository README's;
#  5. runs it with `dotnet run` under LD_DEBUG=libs and checks that the top hit is a red circle and that every native
#     library, FAISS's bundled OpenBLAS/OpenMP runtime included, was loaded from the app's own output folder;
#  6. ONNX Runtime's natives are the app's choice (our packages depend on Microsoft.ML.OnnxRuntime.Managed only): the
#     app adds Microsoft.ML.OnnxRuntime (CPU) in step 3; `dotnet publish -r linux-x64` must carry that package's
#     libonnxruntime.so and no other runtime's natives (no runtimes/ folder, no .dll or .dylib); then a copy of the app
#     swaps it for Microsoft.ML.OnnxRuntime.Gpu.Linux, whose publish must carry the GPU build (with its CUDA provider)
#     and nothing of the CPU package; on a machine without CUDA 13 that copy, asked for the CUDA provider, must fail
#     naming the provider, the package and what ONNX Runtime could not load.
#
# Usage: eng/consumer-test/run.sh            (VIS_CONSUMER_KEEP=1 keeps the temporary folder for a look)
# Exit status 0 when the app found a red circle first; prints "consumer test: passed|FAILED (N s)" last.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo/eng/versions.sh"  # vis_version: the engine and driver versions of eng/Versions.props
start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/vis-consumer.XXXXXX")"
feed="$work/feed"; app="$work/app"
step() { echo "[consumer-test +$(( SECONDS - start ))s] $*"; }
finish() {
  local status=$?
  [ "${VIS_CONSUMER_KEEP:-0}" = 1 ] && echo "[consumer-test] kept $work" || rm -rf "$work"
  if [ "$status" = 0 ]; then echo "consumer test: passed ($(( SECONDS - start )) s)"
  else echo "consumer test: FAILED ($(( SECONDS - start )) s)"; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "[consumer-test] FAIL: $*" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The library's own overrides would let it find natives elsewhere: the app must find them from the package alone.
unset VECTORIMAGESEARCH_NATIVE_DIR VECTORIMAGESEARCH_ONNXRUNTIME_PATH VECTORIMAGESEARCH_VIPS_SHIM_PATH \
      VECTORIMAGESEARCH_FAISS_C_PATH VECTORIMAGESEARCH_FAISS_SHIM_PATH LD_LIBRARY_PATH LD_PRELOAD

models="$repo/samples/models/clip-tiny-shapes"
images="$repo/samples/images/shapes"
[ -d "$models" ] && [ -d "$images" ] || fail "demo model or sample images missing ($models, $images)"

# 1. Pack (VIS_CONSUMER_FEED=<folder> uses packages packed before instead, to iterate on this script).
if [ -n "${VIS_CONSUMER_FEED:-}" ]; then
  feed="$(cd "$VIS_CONSUMER_FEED" && pwd)"; step "using the packages in $feed"
else
  step "packing into $feed"
  bash "$repo/eng/nuget/pack.sh" "$feed" > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "packing failed"; }
fi
nupkg="$(ls "$feed"/VectorImageSearch.[0-9]*.nupkg 2>/dev/null | head -1)"
[ -n "$nupkg" ] || fail "no VectorImageSearch.<version>.nupkg in $feed"
version="$(basename "$nupkg" .nupkg)"; version="${version#VectorImageSearch.}"
for f in "$feed"/*.nupkg; do printf '  %-48s %6s KB\n' "$(basename "$f")" "$(( $(stat -c %s "$f") / 1024 ))"; done

# 2. A new app, outside the repository (no Directory.Build.props, Directory.Packages.props or global.json above it).
step "creating a console app in $app"
mkdir -p "$app"
machine_sources="$(cd "$work" && dotnet nuget list source --format detailed)"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"vis-local-feed\" value=\"$feed\" />"
  # This machine's enabled sources (the registry mirror), under their own names so their credentials still apply.
  echo "$machine_sources" | awk '/^ *[0-9]+\. .*\[Enabled\]$/ { sub(/^ *[0-9]+\. +/, ""); sub(/ \[Enabled\]$/, ""); name = $0; getline; gsub(/^ +| +$/, ""); printf "    <add key=\"%s\" value=\"%s\" />\n", name, $0 }'
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="vis-local-feed"><package pattern="VectorImageSearch" /><package pattern="VectorImageSearch.*" /></packageSource>'
  echo "$machine_sources" | awk '/^ *[0-9]+\. .*\[Enabled\]$/ { sub(/^ *[0-9]+\. +/, ""); sub(/ \[Enabled\]$/, ""); printf "    <packageSource key=\"%s\"><package pattern=\"*\" /></packageSource>\n", $0 }'
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$work/nuget.config"
grep -q '<package pattern="\*" />' "$work/nuget.config" || fail "no enabled NuGet source on this machine (dotnet nuget list source)"
export NUGET_PACKAGES="$work/packages"

(cd "$work" && dotnet new console -o app -n ConsumerApp --framework net10.0 --no-restore > "$work/new.log" 2>&1) \
  || { cat "$work/new.log"; fail "dotnet new console failed"; }
me_version="$(sed -n 's/.*PackageVersion Include="Microsoft.Extensions.DependencyInjection" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")"
cd "$app"
dotnet add package Microsoft.Extensions.DependencyInjection --version "$me_version" --no-restore > /dev/null
dotnet add package Microsoft.Extensions.Logging --version "$me_version" --no-restore > /dev/null
step "dotnet add package VectorImageSearch --version $version"
dotnet add package VectorImageSearch --version "$version" > "$work/add.log" 2>&1 || { cat "$work/add.log"; fail "dotnet add package failed"; }
ort_version="$(vis_version VisOnnxRuntimeVersion)"
ort_gpu_version="${VIS_CONSUMER_ORT_GPU_VERSION:-$(vis_version VisOnnxRuntimeGpuVersion)}"
step "dotnet add package Microsoft.ML.OnnxRuntime --version $ort_version (the app chooses ONNX Runtime's natives)"
dotnet add package Microsoft.ML.OnnxRuntime --version "$ort_version" > "$work/add-ort.log" 2>&1 || { cat "$work/add-ort.log"; fail "dotnet add package Microsoft.ML.OnnxRuntime failed"; }
[ -z "$(find "$app" -name '*.so*')" ] || fail "native files in the app folder before the build"
onnx_nupkg="$(ls "$feed"/VectorImageSearch.Onnx.[0-9]*.nupkg | head -1)"
# Listings are read whole before grep: under pipefail, `unzip -l | grep -q` fails when grep stops at its first match
# and unzip dies of SIGPIPE (it did once in CI, reporting a package that had the file as lacking it).
onnx_listing="$(unzip -l "$onnx_nupkg")"
! grep -qiE 'onnxruntime[^/]*\.(so|dll|dylib)' <<< "$onnx_listing" || fail "$(basename "$onnx_nupkg") ships an ONNX Runtime native file: it must come from the app's ONNX Runtime package"
grep -q '"Microsoft.ML.OnnxRuntime.Managed/' "$app/obj/project.assets.json" || fail "the app does not get Microsoft.ML.OnnxRuntime.Managed through VectorImageSearch"
! grep -qE ' runtimes/' <<< "$onnx_listing" || fail "$(basename "$onnx_nupkg") ships native files of its own: ONNX Runtime's come from the app's package, libvips' from NetVips.Native"
pg_nupkg="$(ls "$feed"/VectorImageSearch.Postgres.[0-9]*.nupkg 2>/dev/null | head -1)"
[ -n "$pg_nupkg" ] || fail "no VectorImageSearch.Postgres.<version>.nupkg in $feed"
grep -qF 'lib/net10.0/VectorImageSearch.Postgres.dll' <<< "$(unzip -l "$pg_nupkg")" || fail "$(basename "$pg_nupkg") has no lib/net10.0/VectorImageSearch.Postgres.dll"
npgsql_version="$(vis_version VisNpgsqlVersion)"
grep -qE "dependency id=\"Npgsql\" version=\"\\[?${npgsql_version//./\\.}[\",]" <<< "$(unzip -p "$pg_nupkg" '*.nuspec')" \
  || fail "$(basename "$pg_nupkg") does not depend on Npgsql $npgsql_version"

# 3. The quick start, from the README inside the restored package.
readme="$NUGET_PACKAGES/vectorimagesearch/$version/README.md"
[ -f "$readme" ] || fail "the package has no README.md ($readme)"
quickstart() { awk '/^## Using it in an application/ { s = 1 } s && /^```csharp/ { c = 1; next } c && /^```/ { exit } c' "$1"; }
quickstart "$readme" > "$work/quickstart.cs"
[ -s "$work/quickstart.cs" ] || fail "no C# block under '## Using it in an application' in the package README"
if [ -f "$repo/README.md" ]; then
  quickstart "$repo/README.md" | diff -u - "$work/quickstart.cs" \
    || fail "the quick start in eng/nuget/README.md (the package README) differs from README.md's: keep them the same"
fi
VIS_M="$models" VIS_I="$images" VIS_X="$work/shapes.index" perl -pe '
  s{(\.UseClip\()"[^"]*"}{$1"$ENV{VIS_M}"};
  s{(\.IndexDirectoryAsync\()"[^"]*"}{$1"$ENV{VIS_I}"};
  s{(\.IndexPath\s*=\s*)"[^"]*"}{$1"$ENV{VIS_X}"};
  s{(\.SearchAsync\()"[^"]*"}{$1"a red circle"};
' "$work/quickstart.cs" > Program.cs
for expected in "$models" "$images" "$work/shapes.index" '"a red circle"'; do
  grep -qF "$expected" Program.cs || fail "the README quick start no longer has the call this test adapts to $expected; update eng/consumer-test/run.sh"
done

# 4. Build and run it.
step "dotnet build"
dotnet build -c Release -nologo -v quiet -clp:NoSummary > "$work/build.log" 2>&1 || { cat "$work/build.log"; cat Program.cs; fail "the app does not build"; }
bin="$app/bin/Release/net10.0"
step "dotnet run (LD_DEBUG=libs)"
mkdir -p "$work/ld"
set +e
LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld/trace" dotnet run -c Release --no-build > "$work/run.log" 2>&1
run_status=$?
set -e
grep -v '^[0-9]*/[0-9]* ' "$work/run.log" | tail -n 8
[ "$run_status" = 0 ] || { cat "$work/run.log"; fail "the app exited with $run_status"; }

# 5. Checks.
top="$(grep -m1 -E '^1\. ' "$work/run.log")"
[ -n "$top" ] || fail "no '1. <score> <file>' line in the app's output"
[[ "$top" == *red_circle* ]] || fail "the top hit for \"a red circle\" is not a red circle: $top"
step "top hit: $top"

native="$bin/runtimes/linux-x64/native"
libs=(libonnxruntime.so libvips.so.42 libfaiss_c.so libfaiss_avx2.so libvis_faiss.so
      libopenblas.so.0 libgfortran.so.5 libquadmath.so.0 libgomp.so.1)
for lib in "${libs[@]}"; do
  [ -f "$native/$lib" ] || fail "$lib is not in the app's output ($native): NuGet did not copy the package's runtime assets"
  grep -qhF "calling init: $native/$lib" "$work"/ld/trace.* \
    || fail "$lib was not loaded from $native (LD_DEBUG=libs trace in $work/ld; VIS_CONSUMER_KEEP=1 keeps it)"
done
others="$(grep -hE 'calling init: .*/lib(onnxruntime|vips|faiss|openblas|gfortran|quadmath|gomp)[^/]*$' "$work"/ld/trace.* | grep -vF "$native/" | sort -u || true)"
[ -z "$others" ] || fail "native libraries loaded from outside the app: $others"
step "all ${#libs[@]} native libraries loaded from the package's copy in $native"

# 6. One-runtime publishes: the CPU variant, then the same app with ONNX Runtime's GPU package instead.
# Which libonnxruntime a publish carries, by checksum against the package's own file; nothing of another runtime.
check_publish() { # <folder> <package id> <version> <label>
  local pub="$1" id="$2" ver="$3" label="$4" pkg
  pkg="$NUGET_PACKAGES/$(echo "$id" | tr '[:upper:]' '[:lower:]')/$ver/runtimes/linux-x64/native"
  [ -f "$pub/libonnxruntime.so" ] || fail "$label publish has no libonnxruntime.so"
  cmp -s "$pub/libonnxruntime.so" "$pkg/libonnxruntime.so" || fail "$label publish's libonnxruntime.so is not $id $ver's"
  [ ! -d "$pub/runtimes" ] || fail "$label publish carries natives of other runtimes: $(find "$pub/runtimes" -type f | head -5 | tr '\n' ' ')"
  local foreign; foreign="$(find "$pub" -type f \( -name '*.dylib' -o -iname 'onnxruntime*.dll' -o -iname 'DirectML.dll' \) | head -5)"
  [ -z "$foreign" ] || fail "$label publish for linux-x64 carries natives of another platform: $foreign"
  step "$label publish: $id $ver's libonnxruntime.so; $(du -sm "$pub" | cut -f1) MB in all, ONNX Runtime natives $(du -cm "$pub"/libonnxruntime*.so | tail -1 | cut -f1) MB"
}
step "dotnet publish -r linux-x64 (CPU variant)"
dotnet publish -c Release -r linux-x64 --self-contained false -nologo -v quiet -o "$work/pub-cpu" > "$work/pub-cpu.log" 2>&1 \
  || { cat "$work/pub-cpu.log"; fail "CPU publish failed"; }
check_publish "$work/pub-cpu" Microsoft.ML.OnnxRuntime "$ort_version" CPU
[ ! -f "$work/pub-cpu/libonnxruntime_providers_cuda.so" ] || fail "the CPU publish carries the CUDA provider"
# A publish for one runtime is a fraction of the RID-less build, which carries every platform's natives.
cpu_mb="$(du -sm "$work/pub-cpu" | cut -f1)"; bin_mb="$(du -sm "$bin" | cut -f1)"
[ "$cpu_mb" -lt "$bin_mb" ] || fail "the linux-x64 publish ($cpu_mb MB) is not smaller than the RID-less build ($bin_mb MB)"
step "RID-less build: $bin_mb MB; linux-x64 publish: $cpu_mb MB"

gpu="$work/app-gpu"
step "GPU variant: a copy of the app with Microsoft.ML.OnnxRuntime.Gpu.Linux $ort_gpu_version instead of the CPU package"
mkdir -p "$gpu"; cp "$app/ConsumerApp.csproj" "$app/Program.cs" "$gpu/"
cd "$gpu"
dotnet remove package Microsoft.ML.OnnxRuntime > /dev/null
dotnet add package Microsoft.ML.OnnxRuntime.Gpu.Linux --version "$ort_gpu_version" > "$work/add-gpu.log" 2>&1 \
  || { cat "$work/add-gpu.log"; fail "dotnet add package Microsoft.ML.OnnxRuntime.Gpu.Linux failed"; }
! grep -q '"Microsoft.ML.OnnxRuntime/' obj/project.assets.json || fail "the GPU variant still restores the CPU package Microsoft.ML.OnnxRuntime"
# Asked for CUDA: the quick start with one line more.
perl -0pi -e 's/(\.UseClip\("[^"]*"\);)/$1 o.ExecutionProvider = VectorImageSearch.Onnx.OnnxExecutionProvider.Cuda;/' Program.cs
grep -q 'OnnxExecutionProvider.Cuda' Program.cs || fail "could not ask the GPU variant for CUDA (the quick start's UseClip call changed?)"
dotnet publish -c Release -r linux-x64 --self-contained false -nologo -v quiet -o "$work/pub-gpu" > "$work/pub-gpu.log" 2>&1 \
  || { cat "$work/pub-gpu.log"; fail "GPU publish failed"; }
check_publish "$work/pub-gpu" Microsoft.ML.OnnxRuntime.Gpu.Linux "$ort_gpu_version" GPU
[ -f "$work/pub-gpu/libonnxruntime_providers_cuda.so" ] || fail "the GPU publish has no libonnxruntime_providers_cuda.so"
set +e
dotnet "$work/pub-gpu/ConsumerApp.dll" > "$work/run-gpu.log" 2>&1
gpu_status=$?
set -e
if command -v nvidia-smi > /dev/null && nvidia-smi > /dev/null 2>&1; then
  [ "$gpu_status" = 0 ] && [[ "$(grep -m1 -E '^1\. ' "$work/run-gpu.log")" == *red_circle* ]] \
    || { cat "$work/run-gpu.log"; fail "on this GPU machine the CUDA variant did not find a red circle first"; }
  step "GPU variant ran on CUDA: $(grep -E '^1\. ' "$work/run-gpu.log" | head -1)"
else
  [ "$gpu_status" != 0 ] || fail "without a GPU the CUDA variant should have failed"
  for expected in "The CUDA execution provider could not be enabled" "Microsoft.ML.OnnxRuntime.Gpu.Linux" "CUDA 13" "cuDNN 9" "ONNX Runtime could not load: "; do
    grep -qF "$expected" "$work/run-gpu.log" || { cat "$work/run-gpu.log"; fail "the CUDA failure does not say '$expected'"; }
  done
  step "GPU variant without CUDA: $(grep -oE 'ONNX Runtime could not load: [A-Za-z0-9_.+-]+(, [A-Za-z0-9_.+-]+)*' "$work/run-gpu.log" | head -1 | sed 's/\.$//')"
fi
