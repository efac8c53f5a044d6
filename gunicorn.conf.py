"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting comes from the environment, so one file serves every machine:

  GUNICORN_BIND     address to listen on (default 127.0.0.1:8000: behind a proxy)
  GUNICORN_WORKERS  worker processes (default: WEB_CONCURRENCY, else 2 x cores + 1)
  GUNICORN_THREADS  request threads per worker (default 32: gthread workers)
  GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 30)
  FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-Proto (gunicorn's default 127.0.0.1)
  PROMETHEUS_MULTIPROC_DIR  where workers keep their metrics (default: a fresh temp dir)

Why gthread workers with 32 threads, not sync, gevent or an async stack:
a donation's request spends most of its life waiting on Stripe (a few hundred
ms to create a PaymentIntent, up to the client's deadline when Stripe stalls).
A sync worker sits idle for all of it, so 5 of them froze /api/progress for
everyone as soon as 5 donors clicked at once. In a gthread worker that wait
blocks one thread and releases the GIL; the worker's main loop keeps accepting
and the other threads keep answering polls. A worker accepts connections
whether or not a thread is free and queues their requests, so threads must
outnumber the donors a worker may be handed at once: with 8 threads a burst
of 32 donors (bench/write_path.py) left viewers' polls queued behind them
(p99 2 s); with 32 no poll waits for a thread. A waiting thread costs a
little memory, no CPU and no database connection (the donation is committed,
and not read again, before Stripe is called: a worker's pool, DB_POOL_SIZE,
is smaller than its threads); processes (not threads) still give the CPU
parallelism, since Python runs one thread per process at a time. What a poll
still shares with the donors is the CPU and its worker's GIL: BENCHMARKS.md
measures viewers' latency during the burst at a fixed polling rate. Idle
keep-alive connections wait in the worker's poller, not on a thread.

Webhooks are not bounded by threads or workers: on SQLite their write
transactions run one at a time (fundraiser/sqlite_gate.py), on PostgreSQL
one at a time from the campaign's totals UPDATE to their commit, so adding
workers beyond the cores adds nothing there.

gevent would allow thousands of waits per worker, but only if nothing blocks
outside its hub, and here things do: SQLite calls and the write gate's
`flock` (fundraiser/sqlite_gate.py) block in C, which under gevent would stall
every greenlet of the worker; psycopg needs its own green wait callback; the
monkey-patching must happen before anything imports ssl or threading. The
app's own shared state is small and already safe for threads (the micro-cache
swaps whole immutable copies, prometheus_client locks its values, the Stripe
client keeps one HTTP session per thread, SQLAlchemy's pool hands each thread
its own connection: DB_POOL_SIZE, 10 per worker, so 5 workers stay within
PostgreSQL's default 100 connections; a thread finding none free waits
DB_POOL_TIMEOUT).

A thread stuck on something slow is not what the worker timeout sees (the
main loop keeps beating), so every wait has its own deadline, all well under
GUNICORN_TIMEOUT: Stripe calls (STRIPE_CONNECT_TIMEOUT 2 s, STRIPE_READ_TIMEOUT
4 s, one retry: a donor hears within about 10 s per call), a SQLite write lock
(SQLITE_LOCK_TIMEOUT 10 s, then a 503), a database connection from the pool
(DB_POOL_TIMEOUT 10 s, then a 503). Slow clients (a body at one byte a second)
are the proxy's to absorb: nginx buffers whole requests and responses
(deploy/nginx/fundraiser.conf), so a thread only ever sees a complete request.

Workers share nothing in memory that matters: state lives in the database (and
Redis), so any number of workers on any number of machines see the same drive.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_env = os.environ

bind = _env.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(
    _env.get("GUNICORN_WORKERS")
    or _env.get("WEB_CONCURRENCY")
    or multiprocessing.cpu_count() * 2 + 1
)
threads = int(_env.get("GUNICORN_THREADS", "32"))
worker_class = "gthread"
timeout = int(_env.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The app writes its own JSON request log with the request id; gunicorn's would repeat it.
accesslog = None
# Should someone turn it on (--access-logfile), still no visitor's address (%(h)s),
# User-Agent (%(a)s), referrer (%(f)s) or path (%(r)s, %(U)s: tokens): the request id
# ties a line to the app's own log, whose paths are redacted.
access_log_format = "%(t)s %(m)s %(s)s %(B)s %(M)sms %({x-request-id}o)s"
errorlog = "-"
loglevel = _env.get("GUNICORN_LOG_LEVEL", "info")
# Each worker builds its own app after the fork: no database connection is shared.
preload_app = False
# The master forwards secure-scheme headers only from these proxies.
forwarded_allow_ips = _env.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# prometheus_client's multiprocess mode: each worker writes its metrics to files
# in this folder and /metrics adds them up. It must be set before workers import
# prometheus_client, and must be empty when the server starts.
_OWN_METRICS_DIR = not _env.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    _env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fundraiser-metrics-")


def on_starting(server: Any) -> None:
    folder = Path(_env["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(_env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
