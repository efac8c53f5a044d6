#!/usr/bin/env bash
# Installs the benchmark's load generator, Debian's wrk, if it is missing.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's wrk for the benchmark..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
else
  echo "wrk is missing: install it (sudo apt-get install wrk)." >&2
  exit 1
fi
