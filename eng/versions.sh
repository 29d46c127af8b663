#!/usr/bin/env bash
# Sourced, never run: vis_version NAME prints the value of property NAME of eng/Versions.props, the one place for each
# engine and driver version (docs/building.md#versions), and fails naming the property when it is not there.
# Versions.props keeps one property per line, which is all this reader handles.
VIS_VERSIONS_PROPS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/Versions.props"

vis_version() {
  local value
  value="$(sed -n "s|^[[:space:]]*<$1>\([^<]*\)</$1>[[:space:]]*$|\1|p" "$VIS_VERSIONS_PROPS" | head -n1)"
  [ -n "$value" ] || { printf 'eng/versions.sh: no property %s in %s\n' "$1" "$VIS_VERSIONS_PROPS" >&2; return 1; }
  printf '%s\n' "$value"
}
