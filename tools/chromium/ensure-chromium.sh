#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's `chromium` package first
# when none is on the machine (apt-get, non-interactive; needs root, as on CI and the dev
# machines). Used by the console's browser test (e2e/src/console.spec.ts).
set -euo pipefail

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

found="$(find_chromium)"
if [[ -z "$found" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "KF_CHROMIUM_MISSING: no chromium on this machine and not root to install it; run: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  echo "Installing Debian's chromium package (once per machine)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq >&2 && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends chromium >&2; }; then
    echo "KF_CHROMIUM_MISSING: apt-get could not install chromium; check that Debian's package mirror is reachable, then run: apt-get install -y chromium" >&2
    exit 1
  fi
  found="$(find_chromium)"
fi
echo "$found"
