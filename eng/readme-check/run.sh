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
for command in "${commands[@]}"; do
  case "$command" in
    "dotnet test"*) echo "readme-check: skipping '$command' (run by .ci/run itself)"; continue ;;
  esac
  echo "readme-check: \$ $command"
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
