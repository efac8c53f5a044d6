"""The SQLite write gate: writers queue on a file lock; readers never take it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from fundraiser.sqlite_gate import GatedConnection, GateTimeout, engine_options


def gate_is_free(db_path: Path) -> bool:
    fd = os.open(str(db_path) + ".write-gate", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "gate.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (n INTEGER)")
        conn.execute("INSERT INTO t VALUES (0)")
    return path


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, factory=GatedConnection, timeout=30, check_same_thread=False)


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_gate_is_held_from_the_first_write_until_the_transaction_ends(
    db_path: Path, end: str
) -> None:
    conn = connect(db_path)
    cursor = conn.cursor()
    cursor.execute("SELECT n FROM t").fetchall()
    assert gate_is_free(db_path)  # reading takes nothing
    cursor.execute("UPDATE t SET n = n + 1")
    assert not gate_is_free(db_path)
    cursor.execute("SELECT n FROM t").fetchall()
    assert not gate_is_free(db_path)
    getattr(conn, end)()
    assert gate_is_free(db_path)
    if end != "close":
        conn.execute("DELETE FROM t WHERE n < 0")  # the connection's shortcut is gated too
        assert not gate_is_free(db_path)
        conn.close()
        assert gate_is_free(db_path)


def test_concurrent_writers_all_land(db_path: Path) -> None:
    def add(times: int) -> None:
        conn = connect(db_path)
        for _ in range(times):
            conn.execute("PRAGMA busy_timeout=30000")
            conn.cursor().execute("UPDATE t SET n = n + 1")
            conn.commit()
        conn.close()

    threads = [threading.Thread(target=add, args=(50,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT n FROM t").fetchone() == (300,)
    assert gate_is_free(db_path)


def test_only_sqlite_files_get_the_gate() -> None:
    gated = engine_options("sqlite:////tmp/x.db", {"pool_pre_ping": True})
    assert gated["connect_args"]["factory"] is GatedConnection
    assert gated["pool_pre_ping"] is True
    plain = {"pool_pre_ping": True}
    assert engine_options("postgresql+psycopg://u@h/db", plain) == plain
    memory = sqlite3.connect(":memory:", factory=GatedConnection)
    memory.execute("CREATE TABLE t (n INTEGER)")
    memory.cursor().execute("INSERT INTO t VALUES (1)")  # no gate file, no error
    memory.close()


def test_the_pool_is_sized_for_the_threads_and_sqlite_gets_the_lock_timeout() -> None:
    options = engine_options(
        "sqlite:////tmp/x.db", {}, lock_timeout=7.5, pool_size=10, pool_timeout=3
    )
    assert (options["pool_size"], options["pool_timeout"]) == (10, 3)
    assert options["connect_args"]["timeout"] == 7.5
    pg = engine_options("postgresql+psycopg://u@h/db", {}, pool_size=12, pool_timeout=4)
    assert (pg["pool_size"], pg["pool_timeout"]) == (12, 4)
    assert "connect_args" not in pg
    # In-memory SQLite keeps one connection per thread: no sizes to give it.
    memory = engine_options("sqlite://", {}, pool_size=10, pool_timeout=3)
    assert "pool_size" not in memory and "pool_timeout" not in memory


def test_a_writer_gives_up_when_another_process_holds_the_gate(db_path: Path) -> None:
    holder = os.open(str(db_path) + ".write-gate", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as another process's open transaction would
    try:
        conn = sqlite3.connect(db_path, factory=GatedConnection, timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            conn.execute("UPDATE t SET n = n + 1")
        conn.close()
    finally:
        os.close(holder)
    conn = sqlite3.connect(db_path, factory=GatedConnection, timeout=0.2)
    conn.execute("UPDATE t SET n = n + 1")  # free again: the same write lands
    conn.commit()
    conn.close()
    with sqlite3.connect(db_path) as check:
        assert check.execute("SELECT n FROM t").fetchone() == (1,)


def test_a_thread_gives_up_when_another_thread_of_the_process_holds_it(db_path: Path) -> None:
    first = connect(db_path)
    first.execute("UPDATE t SET n = n + 1")  # holds the gate until commit
    outcome: list[BaseException | None] = []

    def second_writer() -> None:
        conn = sqlite3.connect(db_path, factory=GatedConnection, timeout=0.2)
        try:
            conn.execute("UPDATE t SET n = n + 10")
            outcome.append(None)
        except GateTimeout as exc:
            outcome.append(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join()
    first.commit()
    first.close()
    [error] = outcome
    assert isinstance(error, GateTimeout)
    assert gate_is_free(db_path)
    with sqlite3.connect(db_path) as check:
        assert check.execute("SELECT n FROM t").fetchone() == (1,)
