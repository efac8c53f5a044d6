"""One writer at a time on SQLite, queued by the kernel rather than by sleeping.

SQLite allows one writer. A second one waits in SQLite's busy handler, which
sleeps 1, 2, 5, 10 ... 100 ms between tries however soon the lock comes free,
so with several gunicorn workers taking webhooks, writers spend most of their
time asleep (measured: 5 workers counted 60-90 events/s, 2 workers 300).
Here each connection first takes an exclusive `flock` on a file beside the
database before its first write, and drops it when the transaction ends: the
kernel wakes the next writer the moment the lock is free. Reads never wait.

No writer waits for ever: the gate and SQLite's own busy handler share one
deadline, sqlite3's `timeout` (SQLITE_LOCK_TIMEOUT, 10 s, well under gunicorn's
30 s worker timeout), after which the write fails with "database is locked"
and the request gets a clean 503 (fundraiser/errors.py) instead of a killed
worker. Threads of one process queue on a `threading.Lock` (woken by the
kernel, with that timeout); only the thread at its head asks for the `flock`,
without blocking, so it can give up in time (the other processes' writers are
few: one per worker at most).

Only for SQLite files; PostgreSQL has real row locks and needs none of this.
Every process writing the database through this app (gunicorn workers, the
`flask` commands) queues on the same file, because it sits beside the database.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import make_url

# Statements that may write: anything but a plain read or a PRAGMA.
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)
# sqlite3.connect's own default for `timeout`.
_SQLITE_DEFAULT_TIMEOUT = 5.0
# Between tries for another process's flock: short, since the holder's
# transaction is usually a few milliseconds.
_FIRST_PAUSE, _LONGEST_PAUSE = 0.0005, 0.005

_process_gates: dict[str, threading.Lock] = {}
_process_gates_lock = threading.Lock()


def _process_gate(path: str) -> threading.Lock:
    """This process's queue for the gate file at `path` (one lock per file)."""
    with _process_gates_lock:
        return _process_gates.setdefault(path, threading.Lock())


class GateTimeout(sqlite3.OperationalError):
    """The write gate stayed shut for the whole timeout (as SQLite says it: locked)."""


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that holds the write gate from its first write to commit or rollback."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        path = os.fspath(database) if not isinstance(database, bytes) else database.decode()
        in_memory = path in ("", ":memory:") or path.startswith("file::memory:")
        self._gate_path = None if in_memory else path + ".write-gate"
        self._gate_fd: int | None = None
        self._gate_held = False
        timeout = kwargs.get("timeout", args[0] if args else _SQLITE_DEFAULT_TIMEOUT)
        self._gate_timeout = float(timeout)
        self._thread_gate = None if self._gate_path is None else _process_gate(self._gate_path)

    def cursor(self, factory: Any = None) -> Any:  # type: ignore[override]
        return super().cursor(factory or GatedCursor)

    # sqlite3's own shortcuts make a plain cursor in C; route them through ours.
    def execute(self, sql: str, parameters: Any = (), /) -> Any:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Any:  # type: ignore[override]
        return self.cursor().executemany(sql, seq_of_parameters)

    def enter_gate(self) -> None:
        """Hold the gate until commit or rollback; GateTimeout after `timeout` seconds."""
        if self._gate_held or self._gate_path is None or self._thread_gate is None:
            return
        deadline = time.monotonic() + self._gate_timeout
        if not self._thread_gate.acquire(timeout=self._gate_timeout):
            raise GateTimeout("database is locked (write gate, this process)")
        try:
            if self._gate_fd is None:
                self._gate_fd = os.open(self._gate_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._flock_until(self._gate_fd, deadline)
        except BaseException:
            self._thread_gate.release()
            raise
        self._gate_held = True

    @staticmethod
    def _flock_until(fd: int, deadline: float) -> None:
        pause = _FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GateTimeout("database is locked (write gate)") from None
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE)

    def leave_gate(self) -> None:
        if self._gate_held:
            try:
                if self._gate_fd is not None:
                    fcntl.flock(self._gate_fd, fcntl.LOCK_UN)
            finally:
                self._gate_held = False
                if self._thread_gate is not None:
                    self._thread_gate.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()
            if self._gate_fd is not None:
                os.close(self._gate_fd)
                self._gate_fd = None


class GatedCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> Any:  # type: ignore[override]
        if not _READ_ONLY.match(sql):
            self.connection.enter_gate()  # type: ignore[attr-defined]
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Any:  # type: ignore[override]
        if not _READ_ONLY.match(sql):
            self.connection.enter_gate()  # type: ignore[attr-defined]
        return super().executemany(sql, seq_of_parameters)


def engine_options(
    database_uri: str,
    options: dict[str, Any],
    *,
    lock_timeout: float = _SQLITE_DEFAULT_TIMEOUT,
    pool_size: int | None = None,
    pool_timeout: float | None = None,
) -> dict[str, Any]:
    """`options` with the pool sized for the worker's threads (`pool_size`
    connections, `pool_timeout` seconds to wait for one) and, when the database is
    a SQLite file, the gated connection class and its `lock_timeout`."""
    url = make_url(database_uri)
    options = dict(options)
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if not in_memory:  # in-memory SQLite uses a pool of its own, without sizes
        if pool_size is not None:
            # A hard ceiling: what PostgreSQL's max_connections is shared out by.
            options.setdefault("pool_size", pool_size)
            options.setdefault("max_overflow", 0)
        if pool_timeout is not None:
            options.setdefault("pool_timeout", pool_timeout)
    if url.get_backend_name() != "sqlite" or url.get_driver_name() not in ("", "pysqlite"):
        return options
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("factory", GatedConnection)
    connect_args.setdefault("timeout", lock_timeout)
    return {**options, "connect_args": connect_args}
