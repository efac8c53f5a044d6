"""Configuration read from the environment, in one place.

Every setting has a safe development default except the secrets, which a
production deployment must set: `check_production` refuses to start without them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

STRIPE_JS_DEFAULT = "https://js.stripe.com/v3/"
_PRODUCTION_SECRETS = (
    "SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict[str, Any]:
    """Return the settings the environment asks for, with development defaults."""
    env = os.environ
    production = env.get("FUNDRAISER_ENV", "development") == "production"
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
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 100,
        "WTF_CSRF_TIME_LIMIT": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # How long each process may reuse the campaign's version before asking the
        # database again, for the cached campaign page and /api/progress.
        "STAMP_TTL_SECONDS": float(env.get("STAMP_TTL_SECONDS") or (1 if production else 0)),
        # /metrics is served only to `Authorization: Bearer <METRICS_TOKEN>`; unset: 404.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # "json" (production default) or "text": the format of the app's own log lines.
        # Request logs are always JSON, one line per request, with its request id.
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if production else "text"),
    }


def check_production(config: dict[str, Any]) -> None:
    """Raise RuntimeError naming each secret a production app is missing."""
    if config.get("ENV_NAME") != "production" or config.get("TESTING"):
        return
    missing = [name for name in _PRODUCTION_SECRETS if not config.get(name)]
    if missing:
        raise RuntimeError("Refusing to start in production without: " + ", ".join(missing))
