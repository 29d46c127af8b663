#!/usr/bin/env bash
# Builds pgvector from Debian 13's source package (Debian 12 has no pgvector package) against PostgreSQL once into the
# cache, then installs the extension where the machine's PostgreSQL server finds it (its sharedir and pkglibdir;
# PostgreSQL 15 has no extension search path). The versions (pgvector 0.8.0, PostgreSQL 15 today) are eng/Versions.props'
# VisPgvectorVersion and VisPostgresMajorVersion. Installs postgresql-<major> and postgresql-server-dev-<major> when
# missing (as root; otherwise it stops and prints the command). Prints the PostgreSQL bin folder on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/../native/common.sh"

PG_MAJOR="$(vis_version VisPostgresMajorVersion)"
PGVECTOR_VERSION="$(vis_version VisPgvectorVersion)"
PGVECTOR_DEBIAN_REVISION="$(vis_version VisPgvectorDebianRevision)"
OUT="$VIS_CACHE/pgvector-$PGVECTOR_VERSION-pg$PG_MAJOR"
STAMP="$OUT/.complete"
PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"

# The extension is installed once the built files sit in the server's folders, byte for byte.
installed() {
  [ -x "$PG_CONFIG" ] || return 1
  local share lib
  share="$("$PG_CONFIG" --sharedir)/extension"; lib="$("$PG_CONFIG" --pkglibdir)"
  cmp -s "$OUT/lib/vector.so" "$lib/vector.so" && cmp -s "$OUT/extension/vector.control" "$share/vector.control" \
    && cmp -s "$OUT/extension/vector--$PGVECTOR_VERSION.sql" "$share/vector--$PGVECTOR_VERSION.sql"
}

if [ -f "$STAMP" ] && installed; then dirname "$PG_CONFIG"; exit 0; fi

vis_lock pgvector
if [ -f "$STAMP" ] && installed; then dirname "$PG_CONFIG"; exit 0; fi

vis_apt_install "postgresql-$PG_MAJOR"

if [ ! -f "$STAMP" ]; then
  vis_apt_install "postgresql-server-dev-$PG_MAJOR" make gcc dpkg-dev
  start=$(date +%s)
  work="$VIS_CACHE/pgvector-$PGVECTOR_VERSION-build"
  rm -rf "$work" "$OUT"; mkdir -p "$work/apt/lists/partial"

  # Debian 13's source package through a private source list, leaving the machine's apt configuration untouched.
  vis_private_source_list "$work" trixie
  vis_log "fetching Debian source package pgvector ($debian_uri trixie)"
  apt-get "${apt_opts[@]}" update -qq >/dev/null || vis_die "apt-get update of the trixie source index failed"
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only "pgvector=$PGVECTOR_VERSION-$PGVECTOR_DEBIAN_REVISION" >/dev/null 2>&1) \
    || (cd "$work" && apt-get "${apt_opts[@]}" source --download-only pgvector >/dev/null 2>&1) \
    || vis_die "apt-get source pgvector failed"

  src="$work/src"; mkdir -p "$src"
  orig="$(ls "$work"/pgvector_"$PGVECTOR_VERSION".orig.tar.* 2>/dev/null | head -n1)"
  [ -n "$orig" ] || vis_die "no pgvector_$PGVECTOR_VERSION.orig.tar.* in $work (another version served?): $(ls "$work")"
  tar -xf "$orig" -C "$src" --strip-components=1
  deb="$(ls "$work"/pgvector_"$PGVECTOR_VERSION"-*.debian.tar.* 2>/dev/null | head -n1)"
  if [ -n "$deb" ]; then
    tar -xf "$deb" -C "$src"
    if [ -f "$src/debian/patches/series" ]; then
      while read -r p; do
        [ -z "$p" ] || [[ "$p" == \#* ]] && continue
        patch -d "$src" -p1 -s < "$src/debian/patches/$p"
      done < "$src/debian/patches/series"
    fi
  fi

  vis_log "building pgvector $PGVECTOR_VERSION for PostgreSQL $PG_MAJOR (about 20 s)"
  # OPTFLAGS="" keeps the build portable (no -march=native), as Debian builds it.
  make -C "$src" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >"$work/make.log" 2>&1 \
    || { tail -n 30 "$work/make.log" >&2; vis_die "pgvector build failed (log: $work/make.log)"; }
  make -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" DESTDIR="$work/stage" install >>"$work/make.log" 2>&1 \
    || { tail -n 30 "$work/make.log" >&2; vis_die "pgvector staging install failed (log: $work/make.log)"; }

  mkdir -p "$OUT/lib" "$OUT/extension"
  cp "$work/stage$("$PG_CONFIG" --pkglibdir)/vector.so" "$OUT/lib/"
  cp "$work/stage$("$PG_CONFIG" --sharedir)"/extension/vector* "$OUT/extension/"
  cp "$src/LICENSE" "$OUT/LICENSE" 2>/dev/null || true
  end=$(date +%s)
  echo "pgvector $PGVECTOR_VERSION for PostgreSQL $PG_MAJOR built in $((end - start)) s on $(nproc) cores, $(date -u +%F)" > "$OUT/BUILD_INFO"
  vis_log "$(cat "$OUT/BUILD_INFO")"
  rm -rf "$work"
  touch "$STAMP"
fi

if ! installed; then
  share="$("$PG_CONFIG" --sharedir)/extension"; lib="$("$PG_CONFIG" --pkglibdir)"
  [ "$(id -u)" -eq 0 ] || vis_die "pgvector is built in $OUT but not installed for PostgreSQL $PG_MAJOR. Run: sudo install -m 644 $OUT/extension/* $share/ && sudo install -m 755 $OUT/lib/vector.so $lib/"
  vis_log "installing pgvector $PGVECTOR_VERSION into $share and $lib"
  install -m 644 "$OUT"/extension/* "$share/"
  install -m 755 "$OUT/lib/vector.so" "$lib/"
  installed || vis_die "pgvector files differ from the build after installing them"
fi
dirname "$PG_CONFIG"
