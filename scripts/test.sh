#!/usr/bin/env bash
# Runs the whole suite on SQLite and, at the same time, every test but the browser
# tests on PostgreSQL when one is reachable (TEST_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test;
# the PostgreSQL pass runs in a fresh database of its own, dropped afterwards).
# The two passes share nothing (their own databases, emulator, servers and ports),
# and each spends much of its time waiting on a browser or a server, so side by side
# they finish in about the time of one and a half. Its output is printed after the
# SQLite pass's. TEST_SERIAL=1 runs them one after the other instead.
# Called by `make test` (and so by .ci/run). Arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/ruff check .
$BIN/ruff format --check .

# The browser tests (-m browser) run once, in the SQLite pass: they drive the same
# views as the integration tests, which run on both databases; the whole suite
# twice would not fit CI's time. `-m ...` given to make test replaces this choice.
postgres_pass() {
  $BIN/python scripts/with_pg_database.py -- $BIN/python -m pytest -m "not browser" "$@"
}

if [ "${TEST_SERIAL:-}" = 1 ]; then
  echo "== Test suite on SQLite"
  sqlite_status=0
  $BIN/python -m pytest "$@" || sqlite_status=$?
  echo "== Test suite on PostgreSQL"
  pg_status=0
  postgres_pass "$@" || pg_status=$?
else
  pg_log=$(mktemp -t fundraiser-pg-XXXXXX.log)
  trap 'rm -f "$pg_log"' EXIT
  pg_status=0
  postgres_pass "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
  echo "== Test suite on SQLite (the PostgreSQL pass runs beside it; its output follows)"
  sqlite_status=0
  $BIN/python -m pytest "$@" || sqlite_status=$?
  wait "$pg_pid" || pg_status=$?
  echo "== Test suite on PostgreSQL"
  cat "$pg_log"
fi
if [ "$pg_status" = 3 ]; then
  echo "PostgreSQL is not reachable: the PostgreSQL pass was skipped."
  pg_status=0
fi
echo "== SQLite pass: exit $sqlite_status; PostgreSQL pass: exit $pg_status"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
