#!/usr/bin/env bash
# The benchmark's load generator: Debian's wrk.
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/debian-package.sh" wrk wrk "the benchmark"
