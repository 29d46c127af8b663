#!/usr/bin/env bash
# Builds FAISS (eng/Versions.props: VisFaissVersion) from Debian's source package: shared libfaiss_avx2.so (OpenBLAS, OpenMP) and libfaiss_c.so
# (the official C API) linked to it, with RPATH=$ORIGIN so the pair loads from any one folder.
# Prints the install folder (lib/ and include/) on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

FAISS_VERSION="$(vis_version VisFaissVersion)"
FAISS_DEBIAN_REVISION="$(vis_version VisFaissDebianRevision)"
OUT="$VIS_CACHE/faiss-$FAISS_VERSION-avx2"
STAMP="$OUT/.complete"
[ -f "$STAMP" ] && { echo "$OUT"; exit 0; }

# This script serves Debian-like x86-64 machines only (Debian's source package through apt, an AVX2 build). Elsewhere
# it stops here, before installing or fetching anything, and says how to bring a FAISS built elsewhere.
vis_faiss_platform_help="Build FAISS $FAISS_VERSION elsewhere (CMake: -DFAISS_ENABLE_C_API=ON -DBUILD_SHARED_LIBS=ON; for x86-64 \
-DFAISS_OPT_LEVEL=avx2) and either copy its install (lib/libfaiss_avx2.so, lib/libfaiss_c.so, include/faiss/ with \
include/faiss/c_api/) to $OUT and create $STAMP, so builds use it, or, at run time, set VECTORIMAGESEARCH_FAISS_DIR to \
a folder holding libfaiss_c.so, its libfaiss library and libvis_faiss.so (see docs/indexes.md, 'FAISS built elsewhere')."
arch="$(uname -m)"
[ "$arch" = "x86_64" ] || vis_die "eng/native/faiss.sh builds FAISS for x86-64 (AVX2) only; this machine is $arch. $vis_faiss_platform_help"
{ [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; } \
  || vis_die "eng/native/faiss.sh needs a Debian-like system (apt-get, dpkg, Debian's faiss source package); this one is $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown). $vis_faiss_platform_help"
grep -q avx2 /proc/cpuinfo 2>/dev/null || vis_die "this CPU has no AVX2, which the FAISS build here targets. $vis_faiss_platform_help"

vis_lock faiss
[ -f "$STAMP" ] && { echo "$OUT"; exit 0; }

vis_apt_install libopenblas-dev cmake g++ make patch dpkg-dev
start=$(date +%s)
work="$VIS_CACHE/faiss-$FAISS_VERSION-build"
rm -rf "$work" "$OUT"; mkdir -p "$work/apt/lists/partial"

# Debian's source package through a private source list, leaving the machine's apt configuration untouched.
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
vis_private_source_list "$work" "$suite"
vis_log "fetching Debian source package faiss ($debian_uri $suite)"
apt-get "${apt_opts[@]}" update -qq >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only "faiss=$FAISS_VERSION-$FAISS_DEBIAN_REVISION" >/dev/null 2>&1) \
  || (cd "$work" && apt-get "${apt_opts[@]}" source --download-only faiss >/dev/null 2>&1) \
  || vis_die "apt-get source faiss failed"

src="$work/src"; mkdir -p "$src"
tar -xzf "$work/faiss_$FAISS_VERSION.orig.tar.gz" -C "$src" --strip-components=1
tar -xJf "$work"/faiss_"$FAISS_VERSION"-*.debian.tar.xz -C "$src"
if [ -f "$src/debian/patches/series" ]; then
  while read -r p; do
    [ -z "$p" ] || [[ "$p" == \#* ]] && continue
    patch -d "$src" -p1 -s < "$src/debian/patches/$p"
  done < "$src/debian/patches/series"
fi
# The C API links the generic libfaiss by default; ship it against the AVX2 build instead.
sed -i 's/target_link_libraries(faiss_c PRIVATE faiss)/target_link_libraries(faiss_c PRIVATE faiss_avx2)/' "$src/c_api/CMakeLists.txt"
grep -q 'faiss_c PRIVATE faiss_avx2' "$src/c_api/CMakeLists.txt" || vis_die "could not relink faiss_c to faiss_avx2 (CMakeLists changed?)"

vis_log "building FAISS $FAISS_VERSION (AVX2, OpenBLAS, OpenMP, C API); about 2-3 minutes on 2 cores"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DFAISS_ENABLE_GPU="${VECTORIMAGESEARCH_FAISS_GPU:-OFF}" -DFAISS_ENABLE_PYTHON=OFF -DBUILD_TESTING=OFF \
  -DFAISS_ENABLE_C_API=ON -DFAISS_OPT_LEVEL=avx2 -DBUILD_SHARED_LIBS=ON -DBLA_VENDOR=OpenBLAS \
  -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON -DCMAKE_INSTALL_RPATH='$ORIGIN' >"$work/cmake.log" 2>&1 \
  || { tail -n 30 "$work/cmake.log" >&2; vis_die "cmake configure of FAISS failed (log: $work/cmake.log)"; }
make -C "$work/build" -j"$(nproc)" faiss_avx2 faiss_c >"$work/make.log" 2>&1 \
  || { tail -n 30 "$work/make.log" >&2; vis_die "FAISS build failed (log: $work/make.log)"; }

mkdir -p "$OUT/lib" "$OUT/include/faiss"
cp "$work/build/faiss/libfaiss_avx2.so" "$work/build/c_api/libfaiss_c.so" "$OUT/lib/"
(cd "$src/faiss" && find . -name '*.h' -exec cp --parents {} "$OUT/include/faiss/" \;)
mkdir -p "$OUT/include/faiss/c_api"
(cd "$src/c_api" && find . -name '*.h' -exec cp --parents {} "$OUT/include/faiss/c_api/" \;)
end=$(date +%s)
echo "FAISS $FAISS_VERSION built in $((end - start)) s on $(nproc) cores, $(date -u +%F)" > "$OUT/BUILD_INFO"
vis_log "$(cat "$OUT/BUILD_INFO")"
rm -rf "$work"
touch "$STAMP"
echo "$OUT"
