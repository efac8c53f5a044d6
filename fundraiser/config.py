"""Configuration read from the environment, in one place.

Every setting has a safe development default except the secrets, which a
production deployment must set: `check_production` refuses to start without them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STRIPE_JS_DEFAULT = "https://js.stripe.com/v3/"
_PRODUCTION_SECRETS = (
    "SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    # Every outward link (emails, Open Graph, Stripe's return URL, share links,
    # QR codes) is built from it, never from the Host header (public_urls.py).
    "PUBLIC_BASE_URL",
)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole(env: Mapping[str, str], name: str, default: int, upper: int) -> int:
    """A whole number from 0 to `upper` - 1, or RuntimeError naming the setting."""
    text = env.get(name) or str(default)
    if not text.strip().isdigit() or int(text) >= upper:
        raise RuntimeError(f"{name} must be a whole number from 0 to {upper - 1}, not {text!r}")
    return int(text)


# Written by scripts/run_dev.py (`make run`) while its localstripe runs, removed when it stops.
DEV_STRIPE_FILE = "localstripe.env"
_DEV_STRIPE_KEYS = frozenset(
    {
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
        "STRIPE_JS_URL",
    }
)


def dev_stripe(instance_path: str) -> dict[str, str]:
    """The Stripe settings of the localstripe `make run` started, if it is running.

    So `flask fundraiser reconcile` (or any command) typed in another terminal
    reaches that emulator instead of api.stripe.com with no key. Read only in
    development and only when STRIPE_SECRET_KEY is not set; only STRIPE_* keys.
    """
    path = Path(instance_path) / DEV_STRIPE_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    found: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() in _DEV_STRIPE_KEYS:
            found[key.strip()] = value.strip()
    return found


def from_environment(instance_path: str) -> dict[str, Any]:
    """Return the settings the environment asks for, with development defaults."""
    env: Mapping[str, str] = os.environ
    production = env.get("FUNDRAISER_ENV", "development") == "production"
    if not production and not env.get("STRIPE_SECRET_KEY"):
        env = {**env, **dev_stripe(instance_path)}
    default_db = "sqlite:///" + str(Path(instance_path) / "fundraiser.sqlite3")
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": env.get("SECRET_KEY") or ("" if production else "dev-only-not-secret"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or default_db,
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        "STRIPE_JS_URL": env.get("STRIPE_JS_URL") or STRIPE_JS_DEFAULT,
        # Serves the localstripe browser shim; only the offline run command sets it.
        "LOCALSTRIPE_SHIM": _bool(env.get("LOCALSTRIPE_SHIM")) and not production,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "").rstrip("/"),
        # Optional Host allow-list (comma-separated): other hosts get 400 (Flask's TRUSTED_HOSTS).
        "TRUSTED_HOSTS": [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
        or None,
        # Card fees a donor may choose to cover (default: UK standard cards, 1.5% + 20p).
        # The rate is in basis points (150 = 1.5%); the fixed part in minor units.
        "FEE_PERCENT_BPS": _whole(env, "FEE_PERCENT_BPS", 150, 10_000),
        "FEE_FIXED_MINOR": _whole(env, "FEE_FIXED_MINOR", 20, 100_000),
        # Outgoing mail. With no MAIL_SERVER, mail stays in the outbox (never logged in production).
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER")
        or "Fundraiser <fundraiser@localhost>",
        # Organisers of the whole campaign must set up two-factor login (TOTP) first.
        "REQUIRE_2FA": _bool(env.get("REQUIRE_2FA")),
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        # An organiser's session unused this long is logged out (auth/routes.py).
        "ORGANISER_IDLE_MINUTES": _whole(env, "ORGANISER_IDLE_MINUTES", 60, 60 * 24 * 30 + 1),
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 100,
        # The one exception to the 64 KiB: pages marked security.uploads.accepts_upload
        # (a cover, an update's picture, a bank's confirmation); nginx allows the same.
        "UPLOAD_MAX_BYTES": _whole(env, "UPLOAD_MAX_BYTES", 8 * 1024 * 1024, 64 * 1024 * 1024 + 1),
        "WTF_CSRF_TIME_LIMIT": None,
        # Flask-WTF's HTTPS check reads only the Referer (and a malformed one was a
        # 500); security/origins.py checks Origin, then Referer, instead.
        "WTF_CSRF_SSL_STRICT": False,
        # hide_parameters: a database error's message (logged) never carries the row's
        # values, such as a supporter's email.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # How long each process may reuse the campaign's version before asking the
        # database again, for the cached campaign page and /api/progress.
        "STAMP_TTL_SECONDS": float(env.get("STAMP_TTL_SECONDS") or (1 if production else 0)),
        # /metrics is served only to `Authorization: Bearer <METRICS_TOKEN>`; unset: 404.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # "json" (production default) or "text": the format of the app's own log lines.
        # Request logs are always JSON, one line per request, with its request id.
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if production else "text"),
        **_security_settings(env),
        **_deadline_settings(env),
        # Retention (services/donations/retention.py): personal fields are erased this
        # many days after the drive's deadline, and from anything older than the maximum.
        "RETENTION_DAYS_AFTER_DEADLINE": _whole(env, "RETENTION_DAYS_AFTER_DEADLINE", 30, 3651),
        "RETENTION_MAX_AGE_DAYS": _whole(env, "RETENTION_MAX_AGE_DAYS", 365, 3651),
        # What donors' card statements show after the account's prefix (empty: Stripe's
        # default, the account's own descriptor). Choose a neutral one: a bank's staff
        # and anyone who sees the statement read it.
        "STATEMENT_DESCRIPTOR_SUFFIX": statement_descriptor_suffix(
            env.get("STATEMENT_DESCRIPTOR_SUFFIX", "")
        ),
    }


def _security_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Card-testing limits, proxy trust and embedding (see fundraiser/security/)."""
    return {
        # One count for the whole deployment: Redis when REDIS_URL is set, else the
        # app's own database (security/db_limits.py). "memory://" counts per process.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or env.get("REDIS_URL")
        or "fundraiser-db://",
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "fundraiser"),
        # Exact sliding counts: a fixed window lets a burst straddle two windows.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": False,  # never tell a card tester the limit
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # store down: limit per process
        "DONATE_LIMITS_PER_ADDRESS": env.get("DONATE_LIMITS_PER_ADDRESS", "10/minute;60/hour"),
        "DONATE_LIMITS_PER_SESSION": env.get("DONATE_LIMITS_PER_SESSION", "5/minute;20/hour"),
        # Each pledge sends an email to the address typed in: keep that from being a spam cannon.
        "PLEDGE_LIMITS_PER_ADDRESS": env.get("PLEDGE_LIMITS_PER_ADDRESS", "5/minute;30/hour"),
        # Declines (payment_failed) within the window before new intents are refused.
        "DECLINE_WINDOW_SECONDS": int(env.get("DECLINE_WINDOW_SECONDS", "1800")),
        "DECLINES_PER_ADDRESS": int(env.get("DECLINES_PER_ADDRESS", "5")),
        "DECLINES_PER_SESSION": int(env.get("DECLINES_PER_SESSION", "3")),
        # How many reverse proxies set X-Forwarded-For/-Proto; 0 trusts none.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0") or 0),
        # frame-ancestors for pages marked @embeddable (everything else: 'none'),
        # e.g. "https://www.example.org https://blog.example.org"; "*" is any site.
        "EMBED_FRAME_ANCESTORS": _frame_ancestors(env.get("EMBED_FRAME_ANCESTORS") or "*"),
    }


# Stripe's rules for a statement descriptor: Latin characters only, 5 to 22 of them,
# at least one letter, none of < > \ ' " * (docs.stripe.com/get-started/account/statement-descriptors).
_DESCRIPTOR = re.compile(r"^[A-Za-z0-9 .,\-_&/#+!?:;()@%$=\[\]{}|~^`]{5,22}$")


def statement_descriptor_suffix(value: str) -> str:
    """A valid statement descriptor suffix, "" (none), or RuntimeError saying Stripe's rules."""
    value = value.strip()
    if not value:
        return ""
    if not _DESCRIPTOR.match(value) or not re.search(r"[A-Za-z]", value):
        raise RuntimeError(
            "STATEMENT_DESCRIPTOR_SUFFIX must be 5 to 22 Latin characters with at least one "
            f"letter and none of < > \\ ' \" * (Stripe's rules), not {value!r}"
        )
    return value


def _frame_ancestors(value: str) -> str:
    """A CSP source list, or RuntimeError: it goes into a header, so no `;`, `,` or controls."""
    if any(ch in value for ch in ";,") or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise RuntimeError(
            "EMBED_FRAME_ANCESTORS must be space-separated sources like "
            f"'https://www.example.org', not {value!r}"
        )
    return value.strip()


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds, or RuntimeError naming the setting."""
    text = env.get(name) or str(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 3600:
        raise RuntimeError(f"{name} must be a number of seconds above 0, not {text!r}")
    return value


def _deadline_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """How long a request may wait on what it needs, each well under gunicorn's
    30 s worker timeout (gunicorn.conf.py says why), and how many may wait at once."""
    return {
        # Stripe: per attempt, connect then read; one retry (same idempotency key).
        # A stalled Stripe answers a donor in about 2 x 4 s + backoff per call.
        "STRIPE_CONNECT_TIMEOUT": _seconds(env, "STRIPE_CONNECT_TIMEOUT", 2),
        "STRIPE_READ_TIMEOUT": _seconds(env, "STRIPE_READ_TIMEOUT", 4),
        "STRIPE_MAX_NETWORK_RETRIES": int(env.get("STRIPE_MAX_NETWORK_RETRIES") or 1),
        # Longest wait for SQLite's write lock before the request gets a 503.
        "SQLITE_LOCK_TIMEOUT": _seconds(env, "SQLITE_LOCK_TIMEOUT", 10),
        # Connections per process (a ceiling: threads beyond it wait for one) and
        # the longest wait for one before a 503.
        "DB_POOL_SIZE": int(env.get("DB_POOL_SIZE") or 10),
        "DB_POOL_TIMEOUT": _seconds(env, "DB_POOL_TIMEOUT", 10),
    }


def check_production(config: dict[str, Any]) -> None:
    """Raise RuntimeError naming each secret a production app is missing."""
    if config.get("ENV_NAME") != "production" or config.get("TESTING"):
        return
    missing = [name for name in _PRODUCTION_SECRETS if not config.get(name)]
    if missing:
        raise RuntimeError("Refusing to start in production without: " + ", ".join(missing))
    base = str(config["PUBLIC_BASE_URL"])
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise RuntimeError(
            f"PUBLIC_BASE_URL must be the site's origin, like https://give.example.org, not {base!r}"
        )
