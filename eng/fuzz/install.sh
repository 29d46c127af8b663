#!/usr/bin/env bash
# Installs what the coverage-guided decoder fuzzing needs, idempotently:
#   - AFL++ from Debian (package afl++, 4.04c on Debian 12): afl-fuzz, afl-cmin, afl-tmin, afl-showmap;
#   - the SharpFuzz command-line tool 2.3.0 (NuGet), which instruments our assemblies for AFL's coverage map,
#     into artifacts/fuzz/tools (not a global tool, so nothing outside the clone changes).
# Usage: eng/fuzz/install.sh        (root for apt-get; prints the paths it installed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/artifacts/fuzz/tools"
sharpfuzz_version=2.3.0

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "eng/fuzz/install.sh: afl-fuzz is missing and installing it (apt-get install afl++) needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends afl++ >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends afl++ >/dev/null; }
fi
echo "afl-fuzz: $(command -v afl-fuzz) ($(dpkg-query -W -f='${Version}' afl++ 2>/dev/null || echo unknown))"

if [ ! -x "$tools/sharpfuzz" ] || ! grep -q "$sharpfuzz_version" "$tools/.sharpfuzz-version" 2>/dev/null; then
  mkdir -p "$tools"
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools" >/dev/null 2>&1 \
    || dotnet tool update SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools" >/dev/null
  echo "$sharpfuzz_version" > "$tools/.sharpfuzz-version"
fi
echo "sharpfuzz: $tools/sharpfuzz ($sharpfuzz_version)"
