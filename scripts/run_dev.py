"""The run command: serve the app on http://127.0.0.1:5000 with its defaults.

With no STRIPE_SECRET_KEY it starts localstripe (the Stripe emulator) on
127.0.0.1, registers the app's webhook with it and points the app at it. With
real Stripe test keys in the environment it uses Stripe test mode instead.
Periodic jobs (see SCHEDULE) run in the background while it serves.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "5000"))
LOCALSTRIPE_PORT = int(os.environ.get("LOCALSTRIPE_PORT", "8420"))
# Commands typed in another terminal read this (fundraiser.config.dev_stripe) to
# reach the same localstripe; it exists only while this run does.
DEV_STRIPE_FILE = ROOT / "instance" / "localstripe.env"
_SHARED_KEYS = (
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "STRIPE_JS_URL",
)
# (seconds between runs, flask command) for jobs later issues add.
SCHEDULE: list[tuple[int, list[str]]] = [
    # Payday reminders (also delivers the outbox), and the outbox alone.
    (60, ["fundraiser", "send-reminders"]),
    (60, ["fundraiser", "send-mail"]),
    # Record what lost webhooks missed (the ledger makes repeats harmless).
    (600, ["fundraiser", "reconcile", "--since", "P2D"]),
    # Hashed client keys outlive the decline cool-down by a day at most.
    (3600, ["fundraiser", "forget-client-keys"]),
    # Personal data past the retention window (RETENTION_* settings) is erased.
    (3600, ["fundraiser", "apply-retention"]),
]


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# The app's development fallback (fundraiser/config.py): public, so it proves nothing.
DEV_SECRET = "dev-only-not-secret"
MIN_SECRET_LENGTH = 32


def check_bind(host: str, env: dict[str, str]) -> None:
    """Refuse (SystemExit naming SECRET_KEY) to listen beyond this machine without a real key.

    With the public fallback key anyone who can reach the server can sign an
    organiser session cookie, so only loopback may go without one.
    """
    if host in LOOPBACK or host.startswith("127."):
        return
    secret = env.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise SystemExit(
            f"Refusing to listen on HOST={host} without a real SECRET_KEY: anyone who can reach "
            "it could forge an organiser login. Set SECRET_KEY to a long random value, e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'), "
            "or leave HOST unset (127.0.0.1)."
        )


def flask(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True
    )


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers: that is enough
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up waiting for {url}") from None
            time.sleep(0.2)


def start_localstripe(env: dict[str, str]) -> subprocess.Popen[bytes]:
    base = f"http://127.0.0.1:{LOCALSTRIPE_PORT}"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "localstripe_loopback.py"), str(LOCALSTRIPE_PORT)]
    )
    wait_for(base + "/js.stripe.com/v3/")
    secret = "whsec_" + secrets.token_hex(16)
    body = urllib.parse.urlencode(
        {"url": f"http://127.0.0.1:{PORT}/stripe/webhook", "secret": secret}
    ).encode()
    urllib.request.urlopen(
        urllib.request.Request(base + "/_config/webhooks/fundraiser", data=body), timeout=5
    ).close()
    env.update(
        STRIPE_SECRET_KEY="sk_test_localstripe",
        STRIPE_PUBLISHABLE_KEY="pk_test_localstripe",
        STRIPE_WEBHOOK_SECRET=secret,
        STRIPE_API_BASE=base,
        STRIPE_JS_URL=base + "/js.stripe.com/v3/",
        LOCALSTRIPE_SHIM="1",
    )
    write_dev_stripe_file(env)
    print(
        f"* Stripe emulator (localstripe) on {base}; webhook registered. Test card: 4242 4242 4242 4242"
    )
    print(f"* Commands in other terminals reach it through {DEV_STRIPE_FILE.relative_to(ROOT)}")
    return proc


def write_dev_stripe_file(env: dict[str, str]) -> None:
    """Share this run's localstripe settings with commands run beside it (owner-only file)."""
    DEV_STRIPE_FILE.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by scripts/run_dev.py while its localstripe runs; removed on exit."]
    lines += [f"{key}={env[key]}" for key in _SHARED_KEYS]
    fd = os.open(DEV_STRIPE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def run_schedule(env: dict[str, str], stop: threading.Event) -> None:
    last = {i: 0.0 for i in range(len(SCHEDULE))}
    while not stop.wait(5):
        for i, (every, args) in enumerate(SCHEDULE):
            if time.monotonic() - last[i] >= every:
                last[i] = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env
                )


def stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()  # gunicorn's graceful stop can outlast our patience
            child.wait()


def serve(
    env: dict[str, str], children: list[subprocess.Popen[bytes]], stop: threading.Event
) -> None:
    """Start everything, then wait on the web server. Children go in `children`."""
    if not env.get("STRIPE_SECRET_KEY"):
        children.append(start_localstripe(env))
    else:
        print("* Using Stripe test mode with your keys. Forward webhooks with:")
        print(f"    stripe listen --forward-to http://127.0.0.1:{PORT}/stripe/webhook")
    flask("db", "upgrade", env=env)
    flask("fundraiser", "demo", env=env)
    threading.Thread(target=run_schedule, args=(env, stop), daemon=True).start()
    gunicorn = ["-m", "gunicorn", "--bind", f"{HOST}:{PORT}", "--workers", "2", "--threads", "4"]
    server = subprocess.Popen([sys.executable, *gunicorn, "wsgi:app"], cwd=ROOT, env=env)
    children.append(server)
    if env.get("LOCALSTRIPE_SHIM"):
        # Paid test donations for the dashboard, once; the webhook needs the server up.
        wait_for(f"http://127.0.0.1:{PORT}/api/progress")
        flask("fundraiser", "demo-donations", env=env)
    print(f"* Open http://{HOST}:{PORT}/ (Ctrl-C to stop)")
    print(f"* Organisers: http://{HOST}:{PORT}/login (make an account first, see the README)")
    if not env.get("MAIL_SERVER"):
        print("* Emails are not sent (no MAIL_SERVER): each prints here once, between")
        print("  '==== EMAIL #n (demo, not sent) ====' and '==== END OF EMAIL #n ====' lines;")
        print("  the dashboard's Outbox marks it 'delivered to the log (demo)'.")
    server.wait()


def main() -> None:
    env = dict(os.environ)
    check_bind(HOST, env)
    # Links in emails (payday links) point at this server.
    env.setdefault("PUBLIC_BASE_URL", f"http://{HOST}:{PORT}")
    children: list[subprocess.Popen[bytes]] = []
    stop = threading.Event()

    def on_sigterm(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        serve(env, children, stop)
    except KeyboardInterrupt:
        pass
    finally:
        # Also on a failed start-up, so no emulator is left holding its port.
        stop.set()
        stop_children(children)
        DEV_STRIPE_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
