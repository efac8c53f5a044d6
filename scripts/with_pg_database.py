"""Run a command against a fresh PostgreSQL database of its own, then drop it.

    python scripts/with_pg_database.py -- python -m pytest

The server comes from TEST_DATABASE_URL (default: the local server,
postgresql+psycopg://postgres@127.0.0.1:5432/test); that database is only used
to connect. A uniquely named database is created beside it, the command runs
with TEST_DATABASE_URL pointing at the new one, and it is dropped afterwards,
so runs in parallel never share or empty each other's data.
Exits 3 without running anything when the server can't be reached.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import psycopg
from sqlalchemy.engine import URL, make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNREACHABLE = 3


def _conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    base = make_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL)
    try:
        admin = psycopg.connect(_conninfo(base), autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable at {base.render_as_string()}: {exc}", file=sys.stderr)
        return UNREACHABLE
    name = f"fundraiser_test_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        print(f"* Created PostgreSQL database {name}", flush=True)
        try:
            env = {
                **os.environ,
                "TEST_DATABASE_URL": base.set(database=name).render_as_string(hide_password=False),
            }
            return subprocess.call(command, env=env)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"* Dropped PostgreSQL database {name}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
