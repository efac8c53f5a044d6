#!/usr/bin/env bash
# Usage: debian-package.sh PROGRAM PACKAGE WHAT-FOR
# Installs Debian's PACKAGE when PROGRAM (a name on PATH, or a path) is missing:
# with apt-get as root, otherwise it says what to install. Only Debian's packages:
# a tool's own download of a browser or binary fails on an offline machine.
set -euo pipefail
program=$1 package=$2 purpose=$3
if command -v "$program" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's $package for $purpose..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
else
  echo "$package is missing: install it (sudo apt-get install $package)." >&2
  exit 1
fi
