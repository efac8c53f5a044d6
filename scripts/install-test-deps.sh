#!/usr/bin/env bash
# What the tests need beyond Python packages: Debian's chromium for the browser
# tests (CHROMIUM_PATH overrides where it is), never a browser Playwright downloads,
# and Debian's nginx for the proxy test (NGINX_PATH overrides; without it, that
# test is skipped and says so).
set -euo pipefail
here="$(dirname "$0")"
bash "$here/debian-package.sh" "${CHROMIUM_PATH:-/usr/bin/chromium}" chromium "the browser tests"
bash "$here/debian-package.sh" "${NGINX_PATH:-/usr/sbin/nginx}" nginx "the nginx proxy test" \
  || echo "nginx could not be installed: tests/integration/test_nginx.py will be skipped."
