"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting comes from the environment, so one file serves every machine:

  GUNICORN_BIND     address to listen on (default 127.0.0.1:8000: behind a proxy)
  GUNICORN_WORKERS  worker processes (default: WEB_CONCURRENCY, else 2 x cores + 1)
  GUNICORN_THREADS  threads per worker (default 1: sync workers; >1 uses gthread)
  GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 30)
  FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-Proto (gunicorn's default 127.0.0.1)
  PROMETHEUS_MULTIPROC_DIR  where workers keep their metrics (default: a fresh temp dir)

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
threads = int(_env.get("GUNICORN_THREADS", "1"))
timeout = int(_env.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# The app writes its own JSON request log with the request id; gunicorn's would repeat it.
accesslog = None
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
