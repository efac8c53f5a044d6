#!/usr/bin/env bash
# Installs what the browser tests need beyond Python packages: Debian's chromium.
# Never `playwright install`: it downloads a browser, which fails offline.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is missing: install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
