"""The write path under load: donors paying at once while viewers poll.

One fresh SQLite database, localstripe behind bench/latency_proxy.py (each
Stripe call made 250 ms slower, as real Stripe is), and the app under
`gunicorn -c gunicorn.conf.py`. In one run, side by side:

- viewers alone, in rounds between the others (each ratio divides by their
  median): viewers two ways, a saturating `wrk -c16` (as fast as the server
  answers: what the throughput targets compare) and 32 paced viewers polling
  every 50 ms on average (bench/viewers.lua: a fixed offered rate, ~640/s,
  what the latency target compares, free of a saturating client's own queue);
- a donation burst: wrk POSTing /donate from 32 connections, each request a new
  donor (bench/donate.lua), once with each kind of viewers running at the same
  time; the one with paced viewers also counts the CPU seconds each process
  spent (the app's workers, localstripe, this process's proxy, wrk);
- Stripe hanging: the proxy holds every call; 6 donors wait for their answer
  (status, JSON or not, seconds) while the viewers' wrk runs;
- slow clients: 480 webhook bodies trickling in at a byte a second, straight at
  gunicorn and then through nginx, while the viewers poll gunicorn directly;
- the full stack: deploy/nginx/fundraiser.conf (Debian's nginx, TLS) serving
  /api/progress against the same nginx serving a static file, how long a new
  donation takes to show through it, and the paced burst again as deployed:
  donors and viewers both through nginx (gunicorn runs with TRUSTED_PROXIES=1
  throughout, as docs/deploy.md sets it).

BENCH_WRITE_SECONDS (default 8) is each wrk run's length; the whole takes
about two and a half minutes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.cookiejar
import json
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from bench import harness
from bench.harness import Load
from bench.latency_proxy import LatencyProxy
from tests.support import nginx

STRIPE_LATENCY = 0.25
DONORS = 32
STALLED_DONORS = 6
SLOW_CLIENTS = 480  # 3 x gunicorn's 5 x 32 threads, so every worker is full of them
VIEWERS = 16
# Paced viewers: a page polls every 3 s, so this is the polling of ~1,900 open
# pages. Few connections, so their first requests (sent at once, unpaced) are
# well under 1% of the samples and don't make the p99.
PACED_VIEWERS, PACE_MS = 32, 50
IDLE_ROUNDS = 3
SESSIONS = 64
DONATE_SCRIPT = harness.ROOT / "bench" / "donate.lua"
VIEWERS_SCRIPT = harness.ROOT / "bench" / "viewers.lua"
T = TypeVar("T")


@dataclass
class StalledDonor:
    seconds: float
    status: int
    json: bool


@dataclass
class Cpu:
    """CPU seconds each part used during one burst (all on the same cores)."""

    app: float
    localstripe: float
    proxy: float  # this process: the latency proxy's thread, mostly
    wrk: float  # both wrk runs (donors and viewers)

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.app - other.app,
            self.localstripe - other.localstripe,
            self.proxy - other.proxy,
            self.wrk - other.wrk,
        )


@dataclass
class WritePathResult:
    seconds: int
    idle: Load  # median of the saturating viewers' idle rounds
    idle_paced: Load  # median of the paced viewers' idle rounds
    idle_rounds: list[Load]
    idle_paced_rounds: list[Load]
    burst_viewers: Load  # saturating viewers, during the first burst
    burst_donate: Load
    started: int  # donations started in the burst with paced viewers (the target)
    burst_paced_viewers: Load
    burst_paced_donate: Load
    started_saturated: int  # ... and in the burst with saturating viewers
    cpu: Cpu  # during the burst beside paced viewers
    viewers_cpu: Cpu  # during the idle round of paced viewers just before it
    cores: int
    stall_viewers: Load
    stall_idle: Load  # the idle round run just before the stall, as long
    stalled: list[StalledDonor]
    slow_direct_viewers: Load
    slow_nginx_viewers: Load | None = None
    # The paced burst as deployed: donors and viewers through nginx.
    nginx_idle_paced: Load | None = None
    nginx_burst_paced_viewers: Load | None = None
    nginx_burst_donate: Load | None = None
    nginx_started: int = 0
    nginx_static: Load | None = None
    nginx_progress: Load | None = None
    freshness_seconds: float | None = None
    # Seconds from each gift's webhook being answered to the alerts overlay's poll seeing it.
    alert_delays: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def started_per_second(self) -> float:
        return self.started / self.seconds

    @property
    def deployed_burst(self) -> bool:
        """True when the burst was also measured through nginx."""
        return bool(
            self.nginx_idle_paced and self.nginx_burst_paced_viewers and self.nginx_burst_donate
        )

    @property
    def nginx_started_per_second(self) -> float:
        return self.nginx_started / self.seconds

    @property
    def ideal_per_second(self) -> float:
        return DONORS / STRIPE_LATENCY

    @property
    def donors_cpu(self) -> Cpu:
        """What the donors cost: the burst's CPU less the same viewers' CPU alone."""
        return self.cpu - self.viewers_cpu

    def cpu_ms_per_donation(self, seconds: float) -> float:
        return 1000 * seconds / self.started if self.started else 0.0

    @property
    def cpu_ceiling_per_second(self) -> float:
        """Donations a second all the cores could start doing nothing else (no
        viewers, no wrk): the app's, localstripe's and the proxy's CPU per donation."""
        d = self.donors_cpu
        per = d.app + d.localstripe + d.proxy
        return self.cores * self.started / per if per > 0 else 0.0


def _in_parallel(*jobs: Callable[[], T]) -> list[T]:
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        return [f.result() for f in [pool.submit(job) for job in jobs]]


@contextlib.contextmanager
def _localstripe() -> Iterator[tuple[int, int]]:
    port = harness.free_port()
    process = subprocess.Popen(
        [sys.executable, str(harness.ROOT / "scripts" / "localstripe_loopback.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/js.stripe.com/v3/", timeout=2)
                break
            if time.monotonic() > deadline:
                raise SystemExit("localstripe did not start")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _session(base: str) -> tuple[str, str, urllib.request.OpenerDirector]:
    """A new visitor's session cookie and CSRF token (and its opener)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar),
        urllib.request.HTTPSHandler(context=nginx.client_context()),  # nginx's test certificate
    )
    with opener.open(base + "/api/csrf-token", timeout=10) as response:
        token = json.loads(response.read())["csrf_token"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, token, opener


def _write_sessions(base: str, path: Path) -> Path:
    """SESSIONS new donors' "cookie<TAB>token" lines at `base`, for bench/donate.lua."""
    path.write_text("".join(f"{c}\t{t}\n" for c, t, _ in (_session(base) for _ in range(SESSIONS))))
    return path


def _donate_once(base: str) -> StalledDonor:
    _, token, opener = _session(base)
    request = urllib.request.Request(
        base + "/donate",
        data=b'{"amount": "5"}',
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            status, kind, body = response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        status, kind, body = exc.code, exc.headers.get("Content-Type", ""), exc.read()
    except OSError:
        status, kind, body = 0, "", b""
    seconds = time.perf_counter() - started
    is_json = kind.startswith("application/json")
    if is_json:
        try:
            json.loads(body)
        except ValueError:
            is_json = False
    return StalledDonor(seconds, status, is_json)


def _count_started(database_url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(sa.text("SELECT count(*) FROM donation WHERE status = 'pending'")) or 0
            )
    finally:
        engine.dispose()


class SlowClients:
    """Connections that each send a webhook's headers, then its body a byte a second."""

    def __init__(self, host: str, port: int, count: int, tls: bool = False) -> None:
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._one, args=(host, port, tls), daemon=True)
            for _ in range(count)
        ]

    def __enter__(self) -> SlowClients:
        for thread in self.threads:
            thread.start()
        # Let every one get its headers in; gunicorn gives up on a body after about
        # 10 s, so the viewers' run must fit in what is left of that.
        time.sleep(1)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)

    def _one(self, host: str, port: int, tls: bool) -> None:
        with contextlib.suppress(OSError):
            sock: socket.socket = socket.create_connection((host, port), timeout=30)
            if tls:
                sock = nginx.client_context().wrap_socket(sock, server_hostname="give.example.org")
            sock.sendall(
                b"POST /stripe/webhook HTTP/1.1\r\nHost: give.example.org\r\n"
                b"Stripe-Signature: t=1,v1=00\r\nContent-Type: application/json\r\n"
                # Under the app's 64 KiB limit, or it would refuse it unread.
                b"Content-Length: 60000\r\n\r\n"
            )
            while not self.stop.wait(1):
                sock.sendall(b" ")
            sock.close()


def run(workdir: Path, seconds: int) -> WritePathResult:
    folder = workdir / "write-path"
    folder.mkdir()
    database_url = f"sqlite:///{folder / 'write.sqlite3'}"
    secret = "whsec_write_" + secrets.token_hex(12)
    with _localstripe() as (stripe_port, stripe_pid):
        proxy = LatencyProxy("127.0.0.1", stripe_port, STRIPE_LATENCY).start()
        env = dict(
            os.environ,
            FUNDRAISER_ENV="production",
            SESSION_COOKIE_SECURE="0",  # plain http on loopback
            SECRET_KEY=secrets.token_hex(16),
            STRIPE_SECRET_KEY="sk_test_bench",
            STRIPE_PUBLISHABLE_KEY="pk_test_bench",
            STRIPE_WEBHOOK_SECRET=secret,
            STRIPE_API_BASE=proxy.base,
            DATABASE_URL=database_url,
            # Production requires it; the server's own address replaces it below.
            PUBLIC_BASE_URL="http://127.0.0.1",
            # One address makes every donor here: the card-testing limits would stop
            # the burst after ten, which is their job, not what is measured.
            DONATE_LIMITS_PER_ADDRESS="1000000/minute",
            DONATE_LIMITS_PER_SESSION="1000000/minute",
            TRUSTED_PROXIES="1",  # as deployed: the burst through nginx needs it
        )
        harness.flask(env, "db", "upgrade")
        harness.flask(env, "fundraiser", "demo")
        log = folder / "gunicorn.log"
        try:
            with harness.gunicorn("wsgi:app", env, log, "/healthz") as server:
                env["PUBLIC_BASE_URL"] = server.url
                pids = {"app": server.process.pid, "localstripe": stripe_pid}
                return _measure(server.url, database_url, secret, proxy, folder, seconds, pids)
        finally:
            proxy.stop()


def _viewers(url: str, seconds: int) -> Callable[[], Load]:
    return lambda: harness.wrk(url + "/api/progress", seconds=seconds, connections=VIEWERS)


def _paced_viewers(url: str, seconds: int) -> Callable[[], Load]:
    return lambda: harness.wrk(
        url + "/api/progress",
        seconds=seconds,
        connections=PACED_VIEWERS,
        script=VIEWERS_SCRIPT,
        script_args=[str(PACE_MS)],
    )


def _cpu_now(pids: dict[str, int]) -> Cpu:
    return Cpu(
        app=harness.cpu_seconds(pids["app"], with_children=True),
        localstripe=harness.cpu_seconds(pids["localstripe"]),
        proxy=time.process_time(),
        wrk=resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
    )


def _burst(
    base: str, database_url: str, sessions: Path, seconds: int, viewers: Callable[[], Load]
) -> tuple[Load, Load, int]:
    """32 donors at once while `viewers` poll: (donors' load, viewers' load, started)."""
    before = _count_started(database_url)
    donate, watching = _in_parallel(
        lambda: harness.wrk(
            base + "/donate",
            seconds=seconds,
            connections=DONORS,
            script=DONATE_SCRIPT,
            script_args=[str(sessions), base + "/"],
        ),
        viewers,
    )
    return donate, watching, _count_started(database_url) - before


def _measure(
    base: str,
    database_url: str,
    secret: str,
    proxy: LatencyProxy,
    folder: Path,
    seconds: int,
    pids: dict[str, int],
) -> WritePathResult:
    harness.wrk(base + "/api/progress", seconds=2, connections=VIEWERS)  # warm-up
    idle_rounds: list[Load] = []
    idle_paced_rounds: list[Load] = []

    def idle_round() -> Cpu:
        print("  viewers alone (saturating, then paced)")
        idle_rounds.append(_viewers(base, seconds)())
        before = _cpu_now(pids)
        idle_paced_rounds.append(_paced_viewers(base, seconds)())
        return _cpu_now(pids) - before

    sessions = _write_sessions(base, folder / "sessions.tsv")
    idle_round()
    print(f"  {DONORS} donors at once, Stripe {STRIPE_LATENCY * 1000:.0f} ms, saturating viewers")
    donate, burst_viewers, started_saturated = _burst(
        base, database_url, sessions, seconds, _viewers(base, seconds)
    )
    viewers_cpu = idle_round()
    print(f"  {DONORS} donors at once, Stripe {STRIPE_LATENCY * 1000:.0f} ms, paced viewers")
    cpu_before = _cpu_now(pids)
    paced_donate, paced_viewers, started = _burst(
        base, database_url, sessions, seconds, _paced_viewers(base, seconds)
    )
    cpu = _cpu_now(pids) - cpu_before
    for _ in range(IDLE_ROUNDS - 2):
        idle_round()

    stall_seconds = max(seconds, 12)
    # Its own idle round, run just before and as long: the machine's speed drifts
    # over a run, and the stall's ratio should compare like with like.
    print("  viewers alone, just before Stripe hangs")
    stall_idle = _viewers(base, stall_seconds)()
    print(f"  Stripe hanging, {STALLED_DONORS} donors, viewers polling")
    proxy.stall()
    results = _in_parallel(
        _viewers(base, stall_seconds),
        *[lambda: _donate_once(base) for _ in range(STALLED_DONORS)],
    )
    proxy.resume()
    stall_viewers = results[0]
    stalled = [r for r in results[1:] if isinstance(r, StalledDonor)]

    print(f"  {SLOW_CLIENTS} slow clients straight at gunicorn, viewers polling")
    host, port = base.removeprefix("http://").split(":")
    with SlowClients(host, int(port), SLOW_CLIENTS):
        slow_direct = _viewers(base, min(seconds, 7))()
    time.sleep(5)  # let gunicorn's threads come free again

    print(f"  {ALERT_GIFTS} gifts, each timed to the alerts overlay's poll")
    alert_delays = _alert_delays(base, database_url, secret, folder)

    result = WritePathResult(
        seconds=seconds,
        idle=harness.median_load(idle_rounds),
        idle_paced=harness.median_load(idle_paced_rounds),
        idle_rounds=idle_rounds,
        idle_paced_rounds=idle_paced_rounds,
        burst_viewers=burst_viewers,
        burst_donate=donate,
        started=started,
        burst_paced_viewers=paced_viewers,
        burst_paced_donate=paced_donate,
        started_saturated=started_saturated,
        cpu=cpu,
        viewers_cpu=viewers_cpu,
        cores=os.cpu_count() or 1,
        stall_viewers=stall_viewers,
        stall_idle=stall_idle,
        stalled=stalled,
        slow_direct_viewers=slow_direct,
        alert_delays=alert_delays,
    )
    if nginx.binary() is None:
        result.notes.append("nginx is not installed: the full-stack figures were not measured.")
        return result
    with nginx.running(f"{host}:{port}", folder / "nginx", worker_processes="auto") as proxy_:
        https = proxy_.https_url
        print(f"  {SLOW_CLIENTS} slow clients through nginx, viewers polling gunicorn")
        nginx_host, nginx_port = https.removeprefix("https://").split(":")
        with SlowClients(nginx_host, int(nginx_port), SLOW_CLIENTS, tls=True):
            result.slow_nginx_viewers = _viewers(base, min(seconds, 7))()
        print("  nginx: static file, then /api/progress through the shipped config")
        for path in ("/static/css/app.css", "/api/progress"):
            harness.wrk(https + path, seconds=2, connections=64, threads=2)
        result.nginx_static = harness.wrk(
            https + "/static/css/app.css", seconds=seconds, connections=64, threads=2
        )
        result.nginx_progress = harness.wrk(
            https + "/api/progress", seconds=seconds, connections=64, threads=2
        )
        result.freshness_seconds = _freshness(base, https, database_url, secret, folder)
        print(f"  as deployed: {DONORS} donors and paced viewers, both through nginx")
        through = _write_sessions(https, folder / "sessions-nginx.tsv")
        result.nginx_idle_paced = _paced_viewers(https, seconds)()
        (
            result.nginx_burst_donate,
            result.nginx_burst_paced_viewers,
            result.nginx_started,
        ) = _burst(https, database_url, through, seconds, _paced_viewers(https, seconds))
    return result


def _raised_through(url: str) -> int:
    request = urllib.request.Request(url + "/api/progress")
    with urllib.request.urlopen(request, timeout=10, context=nginx.client_context()) as response:
        return int(json.loads(response.read())["raised"])


def _freshness(base: str, https: str, database_url: str, secret: str, folder: Path) -> float:
    """Seconds from a donation's webhook being answered to nginx's bar showing it."""
    rows = harness.pending_donations(database_url)[:1]
    events = folder / "fresh.tsv"
    harness.write_signed_events(rows, secret, events)
    signature, body = events.read_text().rstrip("\n").split("\t", 1)
    before = _raised_through(https)
    request = urllib.request.Request(
        base + "/stripe/webhook",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": signature},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    counted = time.perf_counter()
    while _raised_through(https) == before:
        if time.perf_counter() - counted > 30:
            return float("inf")
        time.sleep(0.05)
    return time.perf_counter() - counted


# The alerts overlay polls its feed this often (static/js/overlay-alerts.js, POLL_MS).
OVERLAY_POLL_SECONDS = 1.0
ALERT_GIFTS = 12


def _overlay_token(database_url: str) -> str:
    """Give the bench's campaign an overlay token (what /dashboard/stream makes)."""
    token = secrets.token_urlsafe(24)
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE campaign SET overlay_token = :t"), {"t": token})
    finally:
        engine.dispose()
    return token


def _alert_delays(base: str, database_url: str, secret: str, folder: Path) -> list[float]:
    """Seconds from a webhook's answer to the alert in the feed an overlay polls.

    A poller does what overlay-alerts.js does (the feed every second, from the last
    id seen) while gifts arrive at moments unrelated to its rhythm; each delay is
    the poll that first returned the gift's alert, less the moment its webhook was
    answered. So it includes waiting for the next poll, as a viewer's screen does.
    """
    feed = f"{base}/overlay/{_overlay_token(database_url)}/alerts.json"
    rows = harness.pending_donations(database_url)[-ALERT_GIFTS:]
    events = folder / "alerts.tsv"
    harness.write_signed_events(rows, secret, events)
    seen: dict[int, float] = {}  # amount-tagged donation id -> first poll that showed it
    stop = threading.Event()

    def poll() -> None:
        with urllib.request.urlopen(feed, timeout=10) as response:
            last = int(json.loads(response.read())["newest"])
        while not stop.is_set():
            started = time.perf_counter()
            with urllib.request.urlopen(f"{feed}?after={last}", timeout=10) as response:
                body = json.loads(response.read())
            now = time.perf_counter()
            for alert in body["alerts"]:
                seen.setdefault(int(alert["id"]), now)
                last = max(last, int(alert["id"]))
            stop.wait(max(0.0, OVERLAY_POLL_SECONDS - (now - started)))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    answered: list[float] = []
    jitter = random.Random(11)
    for line in events.read_text().splitlines():
        time.sleep(0.4 + jitter.random() * 1.3)  # out of step with the poller
        signature, body = line.split("\t", 1)
        request = urllib.request.Request(
            base + "/stripe/webhook",
            data=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        answered.append(time.perf_counter())
    deadline = time.perf_counter() + 10
    while len(seen) < len(answered) and time.perf_counter() < deadline:
        time.sleep(0.1)
    stop.set()
    poller.join(timeout=15)
    # Alert ids follow commit order, as the webhooks were sent one after another.
    shown = [seen[i] for i in sorted(seen)]
    delays = [shown[k] - answered[k] for k in range(min(len(shown), len(answered)))]
    return delays + [float("inf")] * (len(answered) - len(delays))
