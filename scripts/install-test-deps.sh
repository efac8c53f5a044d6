#!/usr/bin/env bash
# What the browser tests need beyond Python packages: Debian's chromium
# (CHROMIUM_PATH overrides where it is), never a browser Playwright downloads.
set -euo pipefail
exec bash "$(dirname "$0")/debian-package.sh" "${CHROMIUM_PATH:-/usr/bin/chromium}" chromium "the browser tests"
