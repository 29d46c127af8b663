#!/usr/bin/env bash
# Runs every command in the README's ```bash blocks, as written, from the repository root (except the test command,
# which .ci/run has just run), and checks what the quick start prints: the top hit for "a red circle" is a red circle,
# and the gallery is written. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

mapfile -t commands < <(awk '/^```bash/ { inside = 1; next } /^```/ { inside = 0 } inside && NF { print }' README.md)
[ "${#commands[@]}" -gt 0 ] || { echo "readme-check: no bash commands found in README.md" >&2; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
ran=0

# The web sample is a server: start it on a free loopback port, wait for it to index the shapes, ask it for
# "a red circle", stop it.
check_web() {
  local port=5199 pid top status=""
  ASPNETCORE_URLS="http://127.0.0.1:$port" setsid bash -c "$1" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    status="$(curl -fsS "http://127.0.0.1:$port/api/status" 2>/dev/null || true)"
    [[ -n "$status" && "$status" != *'"state":"running"'* ]] && break
    sleep 1
  done
  top="$(curl -fsS "http://127.0.0.1:$port/api/search?q=a%20red%20circle&k=1" 2>/dev/null | grep -o '"fileName":"[^"]*"' || true)"
  kill -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ "$top" != *red_circle* ]]; then
    cat "$log" >&2
    echo "readme-check: the web sample's top hit for 'a red circle' is '$top' (status: $status)" >&2
    exit 1
  fi
  echo "readme-check: the web sample answered 'a red circle' with $top"
}
for command in "${commands[@]}"; do
  case "$command" in
    "dotnet test"*) echo "readme-check: skipping '$command' (run by .ci/run itself)"; continue ;;
  esac
  echo "readme-check: \$ $command"
  if [[ "$command" == *"samples/ImageSearch.Web"* ]]; then
    check_web "$command"
    ran=$((ran + 1))
    continue
  fi
  if ! bash -c "$command" >"$log" 2>&1; then
    cat "$log" >&2
    echo "readme-check: FAILED: $command" >&2
    exit 1
  fi
  tail -n 5 "$log"
  if [[ "$command" == *"samples/QuickStart"* ]]; then
    top="$(awk '/^Query: "a red circle"/ { getline; getline; print $3; exit }' "$log")"
    [[ "$top" == *red_circle* ]] || { cat "$log" >&2; echo "readme-check: the quick start's top hit for 'a red circle' is '$top'" >&2; exit 1; }
    [ -s out/quickstart/gallery.html ] || { echo "readme-check: the quick start wrote no out/quickstart/gallery.html" >&2; exit 1; }
  fi
  ran=$((ran + 1))
done
echo "readme-check: all $ran README commands ran"
