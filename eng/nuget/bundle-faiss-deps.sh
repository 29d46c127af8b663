#!/usr/bin/env bash
# Stages FAISS's run-time dependencies that VectorImageSearch.Faiss bundles (docs/packaging.md): the libraries that
# libfaiss_avx2.so needs beyond glibc, libstdc++ and libgcc_s, copied from this (Debian) machine under their sonames,
# with their Debian copyright files. Usage: bundle-faiss-deps.sh <libfaiss_avx2.so> <out-dir>
# Fails when the dependency set differs from the expected one, so that a change of the FAISS build is noticed here.
set -euo pipefail
faiss="$1"; out="$2"

# What every supported Linux has (docs/packaging.md, "Supported platforms"), never bundled.
system_re='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2)$'
expected="libgfortran.so.5 libgomp.so.1 libopenblas.so.0 libquadmath.so.0"

[ -f "$faiss" ] || { echo "bundle-faiss-deps: $faiss not found (build VectorImageSearch.Faiss first)" >&2; exit 1; }
declare -A path_of=()
while read -r soname arrow path _; do
  [ "$arrow" = "=>" ] || continue
  [[ "$soname" =~ $system_re ]] && continue
  [ "$path" = "not" ] && { echo "bundle-faiss-deps: $soname, needed by $faiss, is not installed (apt-get install libopenblas0 libgomp1)" >&2; exit 1; }
  path_of[$soname]="$path"
done < <(ldd "$faiss")

actual="$(printf '%s\n' "${!path_of[@]}" | sort | xargs)"
if [ "$actual" != "$expected" ]; then
  echo "bundle-faiss-deps: libfaiss_avx2.so needs [$actual] beyond the system set, expected [$expected]." >&2
  echo "Update eng/nuget/bundle-faiss-deps.sh, FaissNativeLibraries.BundledDependencies and docs/packaging.md together." >&2
  exit 1
fi

mkdir -p "$out/licenses"
for soname in "${!path_of[@]}"; do
  real="$(readlink -f "${path_of[$soname]}")"
  [ "$out/$soname" -nt "$real" ] || cp -L "$real" "$out/$soname"
  # The Debian package that owns the file, and its copyright file (licence texts included).
  pkg="$(dpkg -S "$real" 2>/dev/null | head -1 | cut -d: -f1)" || true
  [ -n "$pkg" ] && [ -f "/usr/share/doc/$pkg/copyright" ] \
    || { echo "bundle-faiss-deps: no Debian copyright file for $real" >&2; exit 1; }
  cp "/usr/share/doc/$pkg/copyright" "$out/licenses/$pkg.copyright.txt"
  echo "$soname <- $real ($pkg $(dpkg-query -W -f='${Version}' "$pkg"))" >> "$out/.sources.new"
done
# The GCC runtime libraries' copyright file refers to the GPL-3 text (with the GCC Runtime Library Exception inside
# it) and, for libquadmath, the LGPL.
cp /usr/share/common-licenses/GPL-3 "$out/licenses/GPL-3.txt"
cp /usr/share/common-licenses/LGPL-2.1 "$out/licenses/LGPL-2.1.txt"
sort "$out/.sources.new" > "$out/SOURCES.txt"; rm -f "$out/.sources.new"
cat "$out/SOURCES.txt"
