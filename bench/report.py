"""Turn the benchmark's figures into BENCHMARKS.md, with each target checked."""

from __future__ import annotations

import os
import runpy
import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bench.harness import ROOT, Load, PageWeight

if TYPE_CHECKING:
    from bench.run import PostgresWebhooks, Settings, SizeResult
    from bench.write_path import WritePathResult

PAGE_BUDGET_BYTES = 60_000
SLOW = 480  # bench/write_path.py's SLOW_CLIENTS
PACED, PACE_MS = 32, 50  # bench/write_path.py's PACED_VIEWERS, PACE_MS
PACED_RATE = PACED * 1000 // PACE_MS
WEBHOOK_TARGET = 500.0


@dataclass(frozen=True)
class Target:
    name: str
    measured: str
    goal: str
    met: bool


def gunicorn_settings() -> dict[str, Any]:
    """What gunicorn.conf.py resolves to in this environment."""
    preset = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    if preset is None:  # the file made itself a metrics folder: put it back
        shutil.rmtree(os.environ.pop("PROMETHEUS_MULTIPROC_DIR"), ignore_errors=True)
    threads = int(conf["threads"])
    return {
        "workers": conf["workers"],
        "threads": threads,
        "class": conf.get("worker_class") or ("gthread" if threads > 1 else "sync"),
    }


def _ms(value: float) -> str:
    return f"{value:.2f}"


def _row(name: str, size: int, load: Load, ratio: float) -> str:
    return (
        f"| {name} | {size:,} | {load.rps:,.0f} | {_ms(load.p50_ms)} | {_ms(load.p99_ms)} "
        f"| {load.errors} | {ratio:.2f} |"
    )


def write_targets(w: WritePathResult) -> list[Target]:
    """The write path's targets (issue 11), each a ratio measured in the same run."""
    found = [
        Target(
            "donations started, 32 donors, Stripe 250 ms, viewers polling",
            f"{w.started_per_second:.1f}/s = {w.started_per_second / w.ideal_per_second:.2f}"
            f" of ideal {w.ideal_per_second:.0f}/s",
            ">= 0.8 of ideal",
            w.started_per_second >= 0.8 * w.ideal_per_second,
        )
    ]
    idle, paced = w.idle, w.idle_paced
    share = w.burst_viewers.rps / idle.rps if idle.rps else 0.0
    p99 = w.burst_paced_viewers.p99_ms / paced.p99_ms if paced.p99_ms else 0.0
    found += [
        Target(
            "viewers' throughput during the burst (saturating wrk -c16)",
            f"{w.burst_viewers.rps:,.0f}/s = {share:.2f} of idle {idle.rps:,.0f}/s",
            ">= 0.5 of idle",
            share >= 0.5,
        ),
        Target(
            f"viewers' p99 during the burst ({PACED} viewers paced, ~{PACED_RATE}/s offered)",
            f"{w.burst_paced_viewers.p99_ms:.1f} ms = {p99:.2f}x idle {paced.p99_ms:.1f} ms",
            "<= 3x idle",
            p99 <= 3 and w.burst_paced_viewers.errors == 0,
        ),
    ]
    before = w.stall_idle
    stall_share = w.stall_viewers.rps / before.rps if before.rps else 0.0
    of_median = w.stall_viewers.rps / idle.rps if idle.rps else 0.0
    found.append(
        Target(
            "viewers' throughput while Stripe hangs",
            f"{w.stall_viewers.rps:,.0f}/s = {stall_share:.2f} of idle {before.rps:,.0f}/s"
            f" just before ({of_median:.2f} of the median idle round)",
            ">= 0.5 of idle",
            stall_share >= 0.5,
        )
    )
    slowest = max((d.seconds for d in w.stalled), default=0.0)
    all_json = bool(w.stalled) and all(d.json and d.status for d in w.stalled)
    found.append(
        Target(
            f"{len(w.stalled)} donors while Stripe hangs: plain JSON answer",
            f"slowest {slowest:.1f} s, statuses "
            + ", ".join(str(d.status) for d in w.stalled)
            + ("" if all_json else " (not all JSON)"),
            "every one JSON, <= 20 s",
            all_json and slowest <= 20,
        )
    )
    if w.nginx_static and w.nginx_progress:
        ratio = w.nginx_progress.rps / w.nginx_static.rps if w.nginx_static.rps else 0.0
        found.append(
            Target(
                "/api/progress through the shipped nginx config vs nginx's static file",
                f"{w.nginx_progress.rps:,.0f}/s = {ratio:.2f} of {w.nginx_static.rps:,.0f}/s",
                ">= 0.5",
                ratio >= 0.5,
            )
        )
    if w.alert_delays:
        ordered = sorted(w.alert_delays)
        slowest = ordered[-1]
        found.append(
            Target(
                "a counted gift reaches the alerts overlay (webhook answered -> its poll shows it)",
                f"{len(ordered)} gifts: median {ordered[len(ordered) // 2]:.2f} s,"
                f" slowest {slowest:.2f} s (the overlay polls every second)",
                "<= 3 s, each",
                slowest <= 3,
            )
        )
    if w.deployed_burst:
        # The same two burst targets as deployed (docs/deploy.md): nginx in front, so
        # the viewers' polls mostly come from its cache. Beside the rows above, which
        # measure gunicorn alone, not instead of them.
        base, deployed = w.nginx_idle_paced, w.nginx_burst_paced_viewers
        assert base is not None and deployed is not None  # deployed_burst
        ratio = deployed.p99_ms / base.p99_ms if base.p99_ms else 0.0
        per_second = w.nginx_started_per_second
        found += [
            Target(
                "as deployed (through nginx): donations started, 32 donors, Stripe 250 ms",
                f"{per_second:.1f}/s = {per_second / w.ideal_per_second:.2f}"
                f" of ideal {w.ideal_per_second:.0f}/s",
                ">= 0.8 of ideal",
                per_second >= 0.8 * w.ideal_per_second,
            ),
            Target(
                f"as deployed (through nginx): viewers' p99 during the burst ({PACED} paced)",
                f"{deployed.p99_ms:.1f} ms = {ratio:.2f}x idle {base.p99_ms:.1f} ms",
                "<= 3x idle",
                ratio <= 3 and deployed.errors == 0,
            ),
        ]
    if w.freshness_seconds is not None:
        found.append(
            Target(
                "a new donation shows on the bar through nginx",
                f"after {w.freshness_seconds:.2f} s",
                "<= 5 s",
                w.freshness_seconds <= 5,
            )
        )
    return found


def targets(
    results: list[SizeResult],
    weight: PageWeight,
    postgres: PostgresWebhooks | None = None,
    writes: WritePathResult | None = None,
) -> list[Target]:
    found: list[Target] = []
    for r in results:
        for name, ratio, share in (
            ("/api/progress", r.progress_ratio, 0.8),
            ("/", r.page_ratio, 0.5),
        ):
            found.append(
                Target(
                    f"{name} throughput at {r.size:,}",
                    f"{ratio:.2f} of bare",
                    f">= {share}",
                    ratio >= share,
                )
            )
        found.append(
            Target(
                f"webhook ingestion at {r.size:,}",
                f"{r.webhook.rps:,.0f} events/s ({r.webhook_counted:,} counted)",
                f">= {WEBHOOK_TARGET:.0f}/s",
                r.webhook.rps >= WEBHOOK_TARGET and r.webhook.errors == 0,
            )
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        for name, a, b in (
            ("/api/progress", small.progress, large.progress),
            ("/", small.page, large.page),
        ):
            ratio = b.p50_ms / a.p50_ms if a.p50_ms else 0.0
            found.append(
                Target(
                    f"{name} p50 latency flat in N ({large.size:,} vs {small.size:,})",
                    f"{ratio:.2f}x (p99 {b.p99_ms / a.p99_ms if a.p99_ms else 0:.2f}x)",
                    "<= 1.2x",
                    ratio <= 1.2,
                )
            )
    if postgres is not None:
        hook = postgres.webhook
        found.append(
            Target(
                "webhook ingestion on PostgreSQL at 1,000",
                f"{hook.rps:,.0f} events/s ({postgres.counted:,} counted)"
                if hook
                else "not measured: " + postgres.note,
                f">= {WEBHOOK_TARGET:.0f}/s",
                hook is not None and hook.rps >= WEBHOOK_TARGET and hook.errors == 0,
            )
        )
    if writes is not None:
        found += write_targets(writes)
    found.append(
        Target(
            "campaign page's own HTML+CSS+JS, uncompressed",
            f"{weight.total:,} bytes",
            f"< {PAGE_BUDGET_BYTES:,} bytes",
            weight.total < PAGE_BUDGET_BYTES,
        )
    )
    found.append(
        Target(
            "render-blocking third-party requests",
            ", ".join(weight.render_blocking_third_party) or "none",
            "none",
            not weight.render_blocking_third_party,
        )
    )
    return found


def render(
    *,
    results: list[SizeResult],
    weight: PageWeight,
    postgres: PostgresWebhooks,
    writes: WritePathResult,
    settings: Settings,
    machine: dict[str, str],
    when: datetime,
) -> str:
    g = gunicorn_settings()
    wrk_line = f"wrk -t1 -c{settings.connections} -d{settings.seconds}s -s bench/wrk.lua URL"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/run.py) on {when:%Y-%m-%d %H:%M} UTC. Run it again to",
        "refresh every figure here; nothing below is edited by hand.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine.items()),
        f"| gunicorn settings | {g['workers']} workers x {g['threads']} threads ({g['class']}), from gunicorn.conf.py |",
        "",
        "wrk runs on the same machine and takes part of the same cores, and so does any",
        "other work on it (the load average row): figures move between runs by a fair",
        "margin, which is why each is a median of rounds and each ratio compares rounds",
        "run side by side.",
        "",
        "## Commands",
        "",
        "```sh",
        "make bench   # = bench/install-wrk.sh && .venv/bin/python -m bench.run",
        "# for each N, on a fresh SQLite database with FUNDRAISER_ENV=production:",
        "flask --app wsgi db upgrade",
        f"flask --app wsgi fundraiser bench-seed N --pending {settings.pending}",
        "gunicorn -c gunicorn.conf.py bench.bare_app:app   # the bare endpoint",
        "gunicorn -c gunicorn.conf.py wsgi:app             # the app",
        f"{wrk_line}   # x {settings.rounds} rounds per GET URL, after a 2 s warm-up",
        f"{wrk_line} -- events-i.tsv 1   # webhooks: {settings.rounds} rounds, new events each",
        "```",
        "",
        "Webhook load: wrk's Lua script (bench/wrk.lua) posts pre-signed",
        "`payment_intent.succeeded` events, one per pending donation, each once; the",
        "signatures are made just before the run with the server's webhook secret.",
        "",
        "## Figures",
        "",
        f"Figures are medians of {settings.rounds} rounds (the GETs interleaved); 'x bare' is",
        "the median of the per-round ratios to the bare endpoint. 'errors' adds up every",
        "round's socket errors, timeouts and non-2xx/3xx answers.",
        "",
        "| endpoint | donations | requests/s | p50 ms | p99 ms | errors | x bare |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines += [
            _row("bare Flask constant", r.size, r.bare, 1.0),
            _row("GET /api/progress", r.size, r.progress, r.progress_ratio),
            _row("GET /", r.size, r.page, r.page_ratio),
            _row("POST /stripe/webhook", r.size, r.webhook, r.webhook.rps / r.bare.rps),
        ]
    lines += [
        "",
        "| donations | seeded in | webhook events ready | answered (wrk) | counted | totals consistent |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.size:,} | {r.seed_seconds:.1f} s | {r.events_ready:,} | {r.webhook_answered:,} "
            f"| {r.webhook_counted:,} | {'yes' if r.totals_consistent else 'NO'} |"
        )
    lines += [
        "",
        "Webhooks answered and counted include the warm-up round; 'counted' can exceed",
        "'answered' by the requests still in flight when wrk stops.",
    ]
    lines += ["", "Page weight (uncompressed, Stripe.js aside):", ""]
    lines.append(f"- HTML: {weight.html:,} bytes")
    lines += [f"- {path}: {size:,} bytes" for path, size in weight.own_assets.items()]
    lines.append(f"- third-party: {', '.join(weight.third_party) or 'none'}")
    lines += ["", *write_path_section(writes, postgres)]
    found = targets(results, weight, postgres, writes)
    lines += ["", "## Targets", "", "| target | measured | goal | met |", "|---|---|---|---|"]
    lines += [
        f"| {t.name} | {t.measured} | {t.goal} | {'yes' if t.met else '**no**'} |" for t in found
    ]
    missed = [t for t in found if not t.met]
    lines += ["", "## Missed", ""]
    lines += (
        [f"- {t.name}: {t.measured}, goal {t.goal}." for t in missed]
        if missed
        else ["Every target was met in this run."]
    )
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


def _load_row(name: str, load: Load, base: Load | None) -> str:
    share = f"{load.rps / base.rps:.2f}" if base and base.rps else "-"
    return (
        f"| {name} | {load.rps:,.0f} | {_ms(load.p50_ms)} | {_ms(load.p99_ms)} "
        f"| {load.errors} | {share} |"
    )


def write_path_section(w: WritePathResult, postgres: PostgresWebhooks) -> list[str]:
    """The write path's figures (bench/write_path.py), all from one run."""
    lines = [
        "## Write path (bench/write_path.py)",
        "",
        f"One SQLite database; localstripe behind a proxy adding {250} ms to every Stripe",
        f"call; each run lasts {w.seconds} s (Stripe hanging: 12 s). Viewers poll /api/progress",
        "two ways: saturating (`wrk -c16`, as fast as answers come: the throughput",
        f"targets) and paced ({PACED} connections, each polling again a random 0.5-1.5 x",
        f"{PACE_MS} ms after its answer, bench/viewers.lua: a fixed ~{PACED_RATE}/s offered, the",
        "polling of ~1,900 pages that poll every 3 s; the latency target). A saturating",
        "client keeps every connection busy, so its latencies are mostly its own queue",
        "(coordinated omission): they grow with any extra load whether or not a viewer",
        "would notice. 'x idle' divides by the median of this run's idle rounds of the",
        f"same kind ({len(w.idle_rounds)}, interleaved with the bursts); the Stripe stall's,",
        "by the idle round of the same length run just before it.",
        "",
        "| load | requests/s | p50 ms | p99 ms | errors | x idle |",
        "|---|---:|---:|---:|---:|---:|",
        _load_row("viewers alone, saturating (median of idle rounds)", w.idle, w.idle),
        _load_row("viewers, saturating, 32 donors paying", w.burst_viewers, w.idle),
        _load_row(
            "POST /donate beside saturating viewers (bench/donate.lua)", w.burst_donate, None
        ),
        _load_row("viewers alone, paced (median of idle rounds)", w.idle_paced, w.idle_paced),
        _load_row("viewers, paced, 32 donors paying", w.burst_paced_viewers, w.idle_paced),
        _load_row("POST /donate beside paced viewers", w.burst_paced_donate, None),
        _load_row("viewers alone, just before Stripe hangs (as long)", w.stall_idle, w.stall_idle),
        _load_row("viewers, Stripe hanging, 6 donors waiting", w.stall_viewers, w.stall_idle),
        _load_row(
            f"viewers, {SLOW} slow clients straight at gunicorn", w.slow_direct_viewers, w.idle
        ),
    ]
    if w.slow_nginx_viewers:
        lines.append(
            _load_row(f"viewers, {SLOW} slow clients through nginx", w.slow_nginx_viewers, w.idle)
        )
    if w.nginx_static and w.nginx_progress:
        lines += [
            _load_row(
                "nginx (shipped config, TLS): static file, wrk -t2 -c64", w.nginx_static, None
            ),
            _load_row(
                "nginx (shipped config, TLS): /api/progress, wrk -t2 -c64", w.nginx_progress, None
            ),
        ]
    if w.deployed_burst:
        idle, viewers, donate = (
            w.nginx_idle_paced,
            w.nginx_burst_paced_viewers,
            w.nginx_burst_donate,
        )
        assert idle is not None and viewers is not None and donate is not None  # deployed_burst
        lines += [
            _load_row("as deployed: viewers alone, paced, through nginx (just before)", idle, idle),
            _load_row(
                "as deployed: viewers, paced, through nginx, 32 donors paying through nginx",
                viewers,
                idle,
            ),
            _load_row("as deployed: POST /donate through nginx", donate, None),
        ]
    lines += [
        "",
        f"Donations started in the burst beside paced viewers: {w.started:,} in {w.seconds} s"
        f" = {w.started_per_second:.1f}/s (ideal {w.ideal_per_second:.0f}/s = 32 / 0.25 s);"
        f" beside saturating viewers: {w.started_saturated / w.seconds:.1f}/s"
        + (
            f"; as deployed, through nginx beside paced viewers: {w.nginx_started:,}"
            f" = {w.nginx_started_per_second:.1f}/s"
            f" ({w.nginx_started_per_second / w.ideal_per_second:.2f} of ideal)."
            if w.deployed_burst
            else "."
        ),
        "Idle rounds, requests/s and p99 ms: saturating "
        + ", ".join(f"{x.rps:,.0f} ({x.p99_ms:.1f})" for x in w.idle_rounds)
        + "; paced "
        + ", ".join(f"{x.rps:,.0f} ({x.p99_ms:.1f})" for x in w.idle_paced_rounds)
        + ".",
        f"CPU the donors cost, beside paced viewers (the burst's CPU less that of the idle"
        f" paced round before it; {w.seconds} s on {w.cores} cores = {w.seconds * w.cores}"
        f" CPU-s): the app's workers {w.donors_cpu.app:.1f} s"
        f" ({w.cpu_ms_per_donation(w.donors_cpu.app):.1f} ms per donation started), localstripe"
        f" {w.donors_cpu.localstripe:.1f} s"
        f" ({w.cpu_ms_per_donation(w.donors_cpu.localstripe):.1f} ms), the latency proxy"
        f" {w.donors_cpu.proxy:.1f} s ({w.cpu_ms_per_donation(w.donors_cpu.proxy):.1f} ms), wrk"
        f" {w.donors_cpu.wrk:.1f} s; the viewers' polls took the app {w.viewers_cpu.app:.1f} s."
        f" All {w.cores} cores doing nothing but the donors' work would start"
        f" {w.cpu_ceiling_per_second:.0f}/s.",
        "Donors while Stripe hung (seconds to their answer, status, JSON): "
        + "; ".join(
            f"{d.seconds:.1f} s {d.status} {'JSON' if d.json else 'NOT JSON'}" for d in w.stalled
        )
        + ".",
    ]
    if postgres.webhook:
        lines.append(
            f"Webhooks on PostgreSQL (1,000 donations): {postgres.webhook.rps:,.0f}/s, p99"
            f" {postgres.webhook.p99_ms:.1f} ms, {postgres.counted:,} counted, totals"
            f" {'consistent' if postgres.consistent else 'NOT consistent'}."
        )
    else:
        lines.append(f"Webhooks on PostgreSQL: {postgres.note}.")
    lines += [*w.notes]
    return lines


NOTES = [
    "## How the app meets them",
    "",
    "- `/api/progress` and `/` are the same for every visitor, so each gunicorn worker",
    "  keeps its last answer for each (body and headers), keyed by the campaign's stamp",
    "  (`totals_version`, `updated_at`), which it reads from the database at most once a",
    "  second (`STAMP_TTL_SECONDS`). Within that second a plain GET is answered from the",
    "  copy by a WSGI layer in front of Flask (fundraiser/microcache.py), still with its",
    "  own request id, JSON log line and metrics; after it, Flask reads the stamp again.",
    "  The total is a derived column, so nothing here grows with the number of donations.",
    "- Both answers send `ETag` and `Cache-Control: public` (1 s and 5 s), so a reverse",
    "  proxy or CDN in front absorbs a spike too; these figures are the origin alone.",
    "- A webhook is one short transaction: the ledger row, a compare-and-set UPDATE, a",
    "  transition row, the totals UPDATE, the receivers' statements (the early-refund",
    "  check, the alert feed's INSERT ... SELECT) and the outcome UPDATE. On SQLite one",
    "  writer runs at a time; the others queue on a file lock (fundraiser/sqlite_gate.py)",
    "  rather than in SQLite's sleeping busy handler (without it, 5 workers managed 60-90",
    "  events/s).",
    "- What bounds webhooks: on SQLite, the time the write lock is held, since every",
    "  event's transaction runs in turn. Those statements go to the tables directly (not",
    "  through the ORM's unit of work, which was most of the time), and the donation is",
    "  looked up before the transaction begins (the ledger's look-up for the type); the",
    "  compare-and-set re-checks its status under the lock. Measured one event at a time",
    "  through the app (1,000 events), the lock is held 1.3-2 ms of CPU per event (it",
    "  was 5-6 ms), about a third of it SQLite's commit (the WAL write and its fsync,",
    "  kept: synchronous stays FULL). The rest of a webhook (HTTP, signature, JSON, logs)",
    "  runs in parallel on the other core, beside wrk; the figure drops whenever other",
    "  work takes CPU from the lock's holder, so it moves most between runs. A donor who",
    "  gave an email adds the receipt's rendering to the locked part (not in this",
    "  seed). PostgreSQL has row locks, but every event updates the one campaign row",
    "  (the totals), so events also pass one at a time from that UPDATE to their commit,",
    "  and here PostgreSQL shares the same 2 cores with the app, wrk and the rest.",
    "",
    "## What bounds the write path",
    "",
    "- gunicorn runs gthread workers, 5 x 32 threads (gunicorn.conf.py says why): a donor",
    "  waiting on Stripe holds one thread, so viewers keep being answered, and a hanging",
    "  Stripe costs each waiting donor one thread until the client's deadline (connect 2 s,",
    "  read 4 s, one retry: about 9 s), after which the donor gets JSON and the row fails.",
    "- Donations started are bounded by CPU, not by waiting (the CPU line above): each",
    "  costs the app 15-20 ms of CPU (the form and CSRF, the card-testing limits'",
    "  two write transactions in the database when there is no Redis, the cool-down's",
    "  two counts, two commits of the donation, the Stripe SDK) and localstripe a few",
    "  more, on the same 2 cores as the viewers' wrk and the proxy. A donor waiting on",
    "  Stripe holds a thread, but no database connection (the row is committed and",
    "  nothing reads it again before the call), so the viewers' polls never wait for one.",
    "- Viewers' latency during the burst: a poll is answered from the micro-cache in a",
    "  fraction of a millisecond, but shares its worker's GIL and the 2 cores with the",
    "  donors' Python; paced viewers measure that. The saturating row is kept for the",
    "  throughput target; its p99 is wrk's own queue behind the donors' CPU.",
    "- As deployed (the 'as deployed' rows), nginx answers most polls from its cache, so",
    "  they wait for the donors' Python only on a miss (once a second per page), and the",
    "  CPU the app saves on polls goes to the donors; what the viewers still share with",
    "  the donors is the 2 cores nginx runs on.",
    "- Slow clients straight at gunicorn hold a thread each while their body trickles in",
    "  (gunicorn gives up after about 10 s); 480 of them fill the 5 x 32 threads and the",
    "  viewers' polls queue behind them (wrk counts the stuck ones as errors or not at all).",
    "  Through nginx (deploy/nginx/fundraiser.conf buffers whole requests) they cost the",
    "  app nothing: that is why gunicorn must never face the internet itself.",
    "- Through nginx, /api/progress is served from nginx's cache most of the time, so it",
    "  runs near what nginx gives a static file; a new donation shows within the cache's",
    "  1 s plus the app's 1 s stamp.",
]
