#!/usr/bin/env bash
# Runs the whole suite on SQLite, then again on PostgreSQL when one is reachable
# (TEST_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test;
# the PostgreSQL pass runs in a fresh database of its own, dropped afterwards).
# Called by `make test` (and so by .ci/run). Arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/ruff check .
$BIN/ruff format --check .
echo "== Test suite on SQLite"
$BIN/python -m pytest "$@"
echo "== Test suite on PostgreSQL"
status=0
$BIN/python scripts/with_pg_database.py -- $BIN/python -m pytest "$@" || status=$?
if [ "$status" = 3 ]; then
  echo "PostgreSQL is not reachable: the PostgreSQL pass was skipped."
  exit 0
fi
exit "$status"
