#!/usr/bin/env bash
# Fetches the official ONNX Runtime native library from the npm package onnxruntime-node (its install script,
# which downloads CUDA binaries, is never run). Prints the folder holding libonnxruntime.so.1 on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ORT_VERSION=1.30.0
OUT="$VIS_CACHE/onnxruntime-$ORT_VERSION"
STAMP="$OUT/.complete"
[ -f "$STAMP" ] && { echo "$OUT/lib"; exit 0; }

vis_lock onnxruntime
[ -f "$STAMP" ] && { echo "$OUT/lib"; exit 0; }

rm -rf "$OUT"; tmp="$(mktemp -d)"
vis_npm_extract "onnxruntime-node@$ORT_VERSION" "$tmp"
mkdir -p "$OUT/lib"
cp "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$OUT/lib/" \
  || vis_die "onnxruntime-node@$ORT_VERSION has no bin/napi-v6/linux/x64/libonnxruntime.so.1"
cp "$tmp/package/LICENSE" "$OUT/LICENSE" 2>/dev/null || true
rm -rf "$tmp"
touch "$STAMP"
echo "$OUT/lib"
