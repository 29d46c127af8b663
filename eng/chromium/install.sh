#!/usr/bin/env bash
# Installs Debian's chromium for the web sample's browser tests (Microsoft.Playwright drives it headless; no browser
# download). Does nothing when /usr/bin/chromium is there. Needs root (the CI machine and the dev container run as root).
# Takes about a minute and 479 MB. A lock keeps parallel test runs from running apt-get twice.
set -euo pipefail

target=/usr/bin/chromium
if [[ -x "$target" ]]; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "chromium is missing ($target) and this user is not root: install it with 'sudo apt-get install -y chromium'." >&2
  exit 2
fi
if ! command -v apt-get >/dev/null; then
  echo "chromium is missing ($target) and there is no apt-get here: install Chromium (or Chrome) at $target." >&2
  exit 2
fi

exec 9>/tmp/vectorimagesearch-chromium-install.lock
flock 9
if [[ -x "$target" ]]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "Installing Debian's chromium for the browser tests (about a minute) ..." >&2
if ! apt-get install -y --no-install-recommends chromium >&2; then
  echo "apt-get install failed; refreshing the package lists and trying again ..." >&2
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
fi
if [[ ! -x "$target" ]]; then
  echo "apt-get installed chromium but $target is not there." >&2
  exit 3
fi
"$target" --version >&2 || true
