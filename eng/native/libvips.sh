#!/usr/bin/env bash
# Fetches the self-contained libvips build that sharp (and NetVips.Native) ship, from npm: the shared library
# (@img/sharp-libvips-linux-x64) and its headers (@img/sharp-libvips-dev) for our fixed-argument C shim.
# Prints the install folder (lib/ and include/) on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SHARP_LIBVIPS_VERSION=1.3.4
OUT="$VIS_CACHE/sharp-libvips-$SHARP_LIBVIPS_VERSION"
STAMP="$OUT/.complete"
[ -f "$STAMP" ] && { echo "$OUT"; exit 0; }

vis_lock libvips
[ -f "$STAMP" ] && { echo "$OUT"; exit 0; }

rm -rf "$OUT"; tmp="$(mktemp -d)"
vis_npm_extract "@img/sharp-libvips-linux-x64@$SHARP_LIBVIPS_VERSION" "$tmp/lib"
vis_npm_extract "@img/sharp-libvips-dev@$SHARP_LIBVIPS_VERSION" "$tmp/dev"
mkdir -p "$OUT/lib" "$OUT/include"
cp "$tmp"/lib/package/lib/libvips-cpp.so.* "$OUT/lib/"
cp -r "$tmp/dev/package/include/." "$OUT/include/"
# glibconfig.h is architecture-specific and ships with the library package.
cp -r "$tmp/lib/package/lib/glib-2.0" "$OUT/lib/"
cp "$tmp/lib/package/versions.json" "$OUT/versions.json" 2>/dev/null || true
rm -rf "$tmp"
touch "$STAMP"
echo "$OUT"
