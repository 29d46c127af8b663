#!/usr/bin/env bash
# Shared helpers for the native bootstrap scripts. Sourced, never run.
# Every script is idempotent: it builds into a versioned folder of the cache and writes a stamp file last,
# so an interrupted run starts over and a finished one returns at once.
set -euo pipefail
# vis_version NAME: the engine and driver versions of eng/Versions.props.
source "$(dirname "${BASH_SOURCE[0]}")/../versions.sh"

VIS_CACHE="${VECTORIMAGESEARCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vectorimagesearch}"
mkdir -p "$VIS_CACHE"

vis_log() { printf '[vis-native] %s\n' "$*" >&2; }
vis_die() { printf '[vis-native] ERROR: %s\n' "$*" >&2; exit 1; }

# vis_lock NAME: serialise concurrent bootstraps of one component (parallel MSBuild nodes, several clones).
vis_lock() {
  exec {VIS_LOCK_FD}>"$VIS_CACHE/.$1.lock"
  flock "$VIS_LOCK_FD"
}

# vis_need_cmd CMD DEBIAN_PACKAGE: fail with the exact command to run when a tool is missing.
vis_need_cmd() {
  command -v "$1" >/dev/null 2>&1 && return 0
  vis_apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || vis_die "'$1' is still missing after installing $2"
}

# vis_apt_install PKG...: install Debian packages when missing; without root, stop and print the command.
vis_apt_install() {
  local missing=()
  for p in "$@"; do [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    vis_die "Debian packages missing: ${missing[*]}. Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  vis_log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# vis_private_source_list WORK SUITE: writes a deb-src list for SUITE on the machine's own Debian mirror under WORK/apt and
# sets apt_opts to use it, leaving the machine's apt configuration untouched.
vis_private_source_list() {
  local work="$1" suite="$2" uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -v '^[[:space:]]*#' | grep -o -E 'https?://[^ ]*/debian/?( |$)' | head -n1 | tr -d ' ' || true)"
  debian_uri="${uri:-http://deb.debian.org/debian}"
  mkdir -p "$work/apt/lists/partial"
  echo "deb-src $debian_uri $suite main" > "$work/apt/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/apt/lists")
}
