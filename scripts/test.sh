#!/usr/bin/env bash
# Runs the whole suite on SQLite. Called by `make test` (and so by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/ruff check .
$BIN/python -m pytest "$@"
