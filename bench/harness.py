"""The moving parts of the benchmark: servers, seeding, wrk, signed events, page weight."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from tests.support import stripe_events

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app wsgi ARGS` and return what it printed."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, ready_path: str) -> Iterator[Server]:
    """gunicorn with the production config file, on a free loopback port."""
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # the config file makes a fresh one
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + ready_path, process)
        yield Server(url=url, process=process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {url}")
        time.sleep(0.2)


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


@dataclass(frozen=True)
class Load:
    """What wrk measured for one URL (or the median of several runs)."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def median_load(loads: list[Load]) -> Load:
    """The median of each figure over several runs of the same URL."""
    return Load(
        requests=sum(x.requests for x in loads),
        rps=statistics.median(x.rps for x in loads),
        p50_ms=statistics.median(x.p50_ms for x in loads),
        p99_ms=statistics.median(x.p99_ms for x in loads),
        errors=sum(x.errors for x in loads),
    )


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    events_file: Path | None = None,
    script: Path = WRK_SCRIPT,
    script_args: list[str] | None = None,
) -> Load:
    """Run wrk against `url` and read the JSON line its script (bench/wrk.lua) prints."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    if events_file is not None:
        command += ["--", str(events_file), str(threads)]
    elif script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        # wrk's own words (a refused connection, a script error) say what went wrong.
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip() or done.stdout}")
    out = done.stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("{"))
    data = json.loads(line)
    errors = sum(
        data[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return Load(
        requests=data["requests"],
        rps=data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )


def cpu_seconds(pid: int, *, with_children: bool = False) -> float:
    """CPU seconds (user + system) the process `pid` has used so far, plus, with
    `with_children`, those of its live child processes (gunicorn's workers)."""
    pids = [pid]
    if with_children:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    pids.append(int(stat.parent.name))
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for one in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def pending_donations(database_url: str) -> list[tuple[int, str, int, str]]:
    """(id, intent id, amount, currency) of every pending donation, oldest first."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT id, stripe_payment_intent_id, amount_minor, currency"
                    " FROM donation WHERE status = 'pending' ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    return [(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]


def count_succeeded(database_url: str) -> tuple[int, int]:
    """(succeeded donations, campaign donations_count): equal when totals are consistent."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT count(*) FROM donation WHERE status = 'succeeded'"))
            succeeded = int(rows.scalar_one())
            counted = int(
                conn.execute(sa.text("SELECT donations_count FROM campaign")).scalar_one()
            )
    finally:
        engine.dispose()
    return succeeded, counted


def write_signed_events(rows: list[tuple[int, str, int, str]], secret: str, path: Path) -> None:
    """One signed payment_intent.succeeded delivery per pending donation, for wrk.lua."""
    now = int(time.time())
    with path.open("w") as out:
        for donation_id, intent_id, amount, currency in rows:
            intent = stripe_events.payment_intent(
                intent_id, amount=amount, currency=currency, donation_id=donation_id
            )
            event = stripe_events.event(
                "payment_intent.succeeded", intent, event_id="evt_bench_" + secrets.token_hex(8)
            )
            body, headers = stripe_events.signed(event, secret, timestamp=now)
            out.write(headers["Stripe-Signature"] + "\t" + body.decode() + "\n")


@dataclass(frozen=True)
class PageWeight:
    html: int
    own_assets: dict[str, int]
    third_party: list[str]
    render_blocking_third_party: list[str]

    @property
    def total(self) -> int:
        return self.html + sum(self.own_assets.values())


_TAG = re.compile(r"<(script|link)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z-]+)(?:="([^"]*)")?')


def page_weight(base: str) -> PageWeight:
    """Bytes of the campaign page's own HTML, stylesheets and scripts, uncompressed."""
    html = get(base + "/")
    own: dict[str, int] = {}
    third: list[str] = []
    blocking: list[str] = []
    for tag, attr_text in _TAG.findall(html.decode()):
        attrs = {k.lower(): v for k, v in _ATTR.findall(attr_text)}
        if tag.lower() == "link" and attrs.get("rel") != "stylesheet":
            continue  # icons and the like are not the page's CSS or JS
        src = attrs.get("src") or attrs.get("href")
        if not src:
            continue
        absolute = urllib.parse.urljoin(base + "/", src)
        if absolute.startswith(base + "/"):
            own[src] = len(get(absolute))
            continue
        third.append(src)
        deferred = tag.lower() == "script" and ("defer" in attrs or "async" in attrs)
        if not deferred:
            blocking.append(src)
    return PageWeight(len(html), own, third, blocking)


def machine(load_before: tuple[float, ...], load_after: tuple[float, ...]) -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, IndexError, ValueError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    import sqlite3

    import gunicorn as gunicorn_pkg

    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": memory,
        "OS": " ".join(os.uname()[i] for i in (0, 2)),
        "Python": sys.version.split()[0],
        "gunicorn": gunicorn_pkg.__version__,
        "SQLite": sqlite3.sqlite_version,
        "wrk": wrk_version.split("[")[0].strip() or "wrk",
        "load average (1 min) before / after": f"{load_before[0]:.2f} / {load_after[0]:.2f}",
    }
