"""`make bench`: measure the app under gunicorn as in production, write BENCHMARKS.md.

For each size N (default 1,000 and 1,000,000 succeeded donations) it makes a
fresh SQLite database, seeds it with `flask --app wsgi fundraiser bench-seed N`,
starts `gunicorn -c gunicorn.conf.py` for the app and for bench/bare_app.py (a
Flask endpoint returning a constant), and drives each with wrk: GET of the bare
endpoint, GET /api/progress, GET /, and POSTs of pre-signed
payment_intent.succeeded webhooks, each for a different pending donation.

The GET endpoints are measured in interleaved rounds (bare, progress, page,
bare, ...) and reported as medians, and each ratio is the median of the
per-round ratios, so that other load on the machine weighs on all alike.
Then webhooks on a fresh PostgreSQL database, and the write path
(bench/write_path.py: a donation burst with Stripe 250 ms slow, Stripe hanging,
slow clients, the shipped nginx config). Every target is printed with its
measured figure and written to BENCHMARKS.md. On 2 cores the whole takes about
8 minutes, most of it seeding the 1,000,000 donations.

Settings (environment): BENCH_SIZES (default "1000,1000000"), BENCH_SECONDS
(5 per run), BENCH_ROUNDS (5, webhooks too), BENCH_CONNECTIONS (16),
BENCH_PENDING (webhook events ready per size, 30000), BENCH_OUT (BENCHMARKS.md),
BENCH_KEEP=1 (keep the databases and logs), BENCH_WRITE_SECONDS (8, each run of
the write path, bench/write_path.py), BENCH_PG_ADMIN_URL (where PostgreSQL's
webhook run makes its database; unreachable: not measured);
gunicorn's own come from gunicorn.conf.py (GUNICORN_WORKERS, GUNICORN_THREADS).
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import harness, report, write_path
from bench.harness import Load

WARM_UP_SECONDS = 2


@dataclass
class SizeResult:
    size: int
    seed_seconds: float
    bare: Load
    progress: Load
    page: Load
    progress_ratio: float
    page_ratio: float
    webhook: Load
    webhook_answered: int
    webhook_counted: int
    events_ready: int
    totals_consistent: bool


@dataclass
class Settings:
    sizes: list[int]
    seconds: int
    rounds: int
    connections: int
    pending: int
    out: Path
    write_seconds: int


def settings_from_env() -> Settings:
    env = os.environ
    return Settings(
        sizes=[int(s) for s in env.get("BENCH_SIZES", "1000,1000000").split(",") if s.strip()],
        seconds=int(env.get("BENCH_SECONDS", "5")),
        rounds=int(env.get("BENCH_ROUNDS", "5")),
        connections=int(env.get("BENCH_CONNECTIONS", "16")),
        pending=int(env.get("BENCH_PENDING", "30000")),
        out=Path(env.get("BENCH_OUT", str(harness.ROOT / "BENCHMARKS.md"))),
        write_seconds=int(env.get("BENCH_WRITE_SECONDS", "8")),
    )


def app_env(database_url: str, webhook_secret: str) -> dict[str, str]:
    """The production configuration, with stand-in keys (the bench never calls Stripe)."""
    return dict(
        os.environ,
        FUNDRAISER_ENV="production",
        SECRET_KEY=secrets.token_hex(16),
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET=webhook_secret,
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000",
    )


def interleaved(urls: dict[str, str], s: Settings) -> dict[str, list[Load]]:
    """Each URL in turn, round after round, so background load hits all alike."""
    for url in urls.values():
        harness.wrk(url, seconds=WARM_UP_SECONDS, connections=s.connections)
    loads: dict[str, list[Load]] = {name: [] for name in urls}
    for _ in range(s.rounds):
        for name, url in urls.items():
            loads[name].append(harness.wrk(url, seconds=s.seconds, connections=s.connections))
    return loads


def ratio(loads: list[Load], bare: list[Load]) -> float:
    """The median over rounds of this URL's throughput over the bare endpoint's."""
    return statistics.median(a.rps / b.rps for a, b in zip(loads, bare, strict=True) if b.rps)


def webhook_rounds(
    url: str, database_url: str, secret: str, s: Settings, folder: Path
) -> tuple[Load, int, int]:
    """Rounds of never-seen signed webhooks against `url` (the first a warm-up):
    their median, how many wrk had answered, and how many events were ready."""
    rows = harness.pending_donations(database_url)
    share = len(rows) // (s.rounds + 1)
    hooks = []
    for i in range(s.rounds + 1):  # each round posts its own, never-seen events
        events = folder / f"events-{i}.tsv"
        harness.write_signed_events(rows[i * share : (i + 1) * share], secret, events)
        hooks.append(
            harness.wrk(
                url + "/stripe/webhook",
                seconds=WARM_UP_SECONDS if i == 0 else s.seconds,
                connections=s.connections,
                events_file=events,
            )
        )
    return harness.median_load(hooks[1:]), sum(h.requests for h in hooks), len(rows)


def run_size(size: int, s: Settings, workdir: Path) -> SizeResult:
    folder = workdir / f"n{size}"
    folder.mkdir()
    database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    secret = "whsec_bench_" + secrets.token_hex(12)
    env = app_env(database_url, secret)
    log = folder / "gunicorn.log"
    harness.flask(env, "db", "upgrade")
    started = time.perf_counter()
    print(harness.flask(env, "fundraiser", "bench-seed", str(size), "--pending", str(s.pending)))
    seed_seconds = time.perf_counter() - started

    with (
        harness.gunicorn("bench.bare_app:app", env, log, "/") as bare_server,
        harness.gunicorn("wsgi:app", env, log, "/healthz") as server,
    ):
        urls = {
            "bare": bare_server.url + "/",
            "progress": server.url + "/api/progress",
            "page": server.url + "/",
        }
        loads = interleaved(urls, s)
        before, _ = harness.count_succeeded(database_url)
        webhook, webhook_answered, events_ready = webhook_rounds(
            server.url, database_url, secret, s, folder
        )
    after, counted = harness.count_succeeded(database_url)
    result = SizeResult(
        size=size,
        seed_seconds=seed_seconds,
        bare=harness.median_load(loads["bare"]),
        progress=harness.median_load(loads["progress"]),
        page=harness.median_load(loads["page"]),
        progress_ratio=ratio(loads["progress"], loads["bare"]),
        page_ratio=ratio(loads["page"], loads["bare"]),
        webhook=webhook,
        webhook_answered=webhook_answered,
        webhook_counted=after - before,
        events_ready=events_ready,
        totals_consistent=after == counted,
    )
    print(
        f"  bare {result.bare.rps:.0f}/s, progress {result.progress.rps:.0f}/s"
        f" ({result.progress_ratio:.2f}), page {result.page.rps:.0f}/s"
        f" ({result.page_ratio:.2f}), webhooks {webhook.rps:.0f}/s"
    )
    return result


@dataclass
class PostgresWebhooks:
    webhook: Load | None
    counted: int = 0
    consistent: bool = True
    note: str = ""


def run_postgres_webhooks(s: Settings, workdir: Path) -> PostgresWebhooks:
    """Webhook ingestion at 1,000 donations on a fresh PostgreSQL database
    (BENCH_PG_ADMIN_URL, default the local `test` one), dropped afterwards."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin_url = os.environ.get(
        "BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    name = "fundraiser_bench_" + secrets.token_hex(6)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        return PostgresWebhooks(None, note=f"PostgreSQL not reachable ({type(exc).__name__})")
    database_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    folder = workdir / "postgres"
    folder.mkdir()
    try:
        secret = "whsec_bench_" + secrets.token_hex(12)
        env = app_env(database_url, secret)
        harness.flask(env, "db", "upgrade")
        pending = min(s.pending, 20_000)
        print(harness.flask(env, "fundraiser", "bench-seed", "1000", "--pending", str(pending)))
        before, _ = harness.count_succeeded(database_url)
        with harness.gunicorn("wsgi:app", env, folder / "gunicorn.log", "/healthz") as server:
            webhook, _, _ = webhook_rounds(server.url, database_url, secret, s, folder)
        after, counted = harness.count_succeeded(database_url)
        print(f"  webhooks on PostgreSQL {webhook.rps:.0f}/s")
        return PostgresWebhooks(webhook, after - before, after == counted)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    s = settings_from_env()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run bench/install-wrk.sh (or apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="fundraiser-bench-"))
    load_before = os.getloadavg()
    began = time.perf_counter()
    try:
        results = []
        for size in s.sizes:
            print(f"* {size:,} donations")
            results.append(run_size(size, s, workdir))
        print("* webhooks on PostgreSQL, 1,000 donations")
        postgres = run_postgres_webhooks(s, workdir)
        print("* the write path: donors, a Stripe stall, slow clients, nginx")
        writes = write_path.run(workdir, s.write_seconds)
        weight_env = app_env(f"sqlite:///{workdir / 'weight.sqlite3'}", "whsec_weight")
        harness.flask(weight_env, "db", "upgrade")
        harness.flask(weight_env, "fundraiser", "demo")
        with harness.gunicorn("wsgi:app", weight_env, workdir / "weight.log", "/healthz") as srv:
            weight = harness.page_weight(srv.url)
        text = report.render(
            results=results,
            weight=weight,
            postgres=postgres,
            writes=writes,
            settings=s,
            machine=harness.machine(load_before, os.getloadavg()),
            when=datetime.now(UTC),
        )
        s.out.write_text(text)
        for target in report.targets(results, weight, postgres, writes):
            mark = "met " if target.met else "MISSED"
            print(f"  [{mark}] {target.name}: {target.measured} (goal {target.goal})")
        print(f"* wrote {s.out} in {time.perf_counter() - began:.0f} s")
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"* kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
