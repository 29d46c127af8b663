#!/usr/bin/env bash
# build-shim.sh SOURCE_DIR BUILD_DIR OUTPUT_FILE -DVAR=VALUE...: builds one of our CMake shim projects and copies the
# library to OUTPUT_FILE. Called by MSBuild (eng/Native.targets) when the shim's sources change.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -ge 3 ] || vis_die "usage: build-shim.sh SOURCE_DIR BUILD_DIR OUTPUT_FILE [-DVAR=VALUE...]"
src="$1" build="$2" output="$3"; shift 3
vis_need_cmd cmake cmake
vis_need_cmd g++ g++
name="$(basename "$output")"
mkdir -p "$build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >"$build.cmake.log" 2>&1 \
  || { cat "$build.cmake.log" >&2; vis_die "configuring $name failed"; }
cmake --build "$build" -j"$(nproc)" >"$build.build.log" 2>&1 \
  || { cat "$build.build.log" >&2; vis_die "building $name failed"; }
mkdir -p "$(dirname "$output")"
cp "$build/$name" "$output"
