"""HTTP caching for what every visitor sees: ETag, Cache-Control, 304s, built bodies.

The campaign page and /api/progress carry no per-visitor data (the page fetches
its CSRF token from /api/csrf-token), so a CDN or reverse proxy may keep them
for a few seconds and absorb a spike. Their ETag comes from the campaign's
stamp (`totals_version` and `updated_at`) plus a digest of the code and the
settings that shape the body, so it changes with every counted donation and
every deploy. Each process also keeps the last body it built per kind, keyed
by that ETag: a copy of what the database says, never state of its own. The
stamp itself is read at most every STAMP_TTL_SECONDS (1 s in production), and
within that time fundraiser/microcache.py answers repeats without Flask.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from flask import Flask, Request, Response, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from . import microcache
from .services.campaigns import snapshots
from .services.campaigns.snapshots import CampaignStamp

# Short enough that the page's 3-second poll still shows a new total within
# 5 seconds through a cache; long enough that a cache answers a spike.
PROGRESS_CACHE_CONTROL = "public, max-age=1"
PAGE_CACHE_CONTROL = "public, max-age=5"
PRIVATE_CACHE_CONTROL = "private, no-cache"

# Settings that change what the cached bodies say.
_BODY_SETTINGS = ("STRIPE_JS_URL", "STRIPE_PUBLISHABLE_KEY", "LOCALSTRIPE_SHIM")

Builder = Callable[[], tuple[CampaignStamp, bytes]]


# What this process keeps under app.extensions (one app may serve many requests
# at once; each value is replaced whole, never changed in place).
class HeldStamp(NamedTuple):
    """The campaign's stamp as last read from the database (`http_cache_stamp`).

    A tuple so fundraiser/microcache.py reads it as (stamp, read_at) too.
    """

    stamp: CampaignStamp | None
    read_at: float  # time.monotonic() of the read


class CachedBody(NamedTuple):
    """A rendered body kept for every visitor, under its kind in `http_cache`."""

    etag: str
    body: bytes


def _build_id(app: Flask) -> str:
    """A digest of the templates, static files and body settings, once per process."""
    cached = app.extensions.get("http_cache_build")
    if cached is None:
        digest = hashlib.sha256()
        for folder in (app.template_folder, app.static_folder):
            root = Path(app.root_path, str(folder))
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        for name in _BODY_SETTINGS:
            digest.update(f"{name}={app.config.get(name)!r}".encode())
        cached = app.extensions["http_cache_build"] = digest.hexdigest()[:12]
    return cached


def current_stamp() -> CampaignStamp | None:
    """The current campaign's stamp, read from the database at most every
    STAMP_TTL_SECONDS in this process (0: on every request).

    Under a spike this bounds the database's work to one tiny read per second
    per process, whatever the traffic; the cost is that a new total may take
    up to that long to show on this process (progress.js polls every 3 s).
    """
    ttl = float(current_app.config.get("STAMP_TTL_SECONDS") or 0)
    if ttl <= 0:
        return snapshots.current_stamp()
    held: HeldStamp | None = current_app.extensions.get("http_cache_stamp")
    now = time.monotonic()
    if held is not None and now - held.read_at < ttl:
        return held.stamp
    stamp = snapshots.current_stamp()
    current_app.extensions["http_cache_stamp"] = HeldStamp(stamp, now)
    return stamp


def etag_for(kind: str, stamp: CampaignStamp) -> str:
    return f"{kind}-{_build_id(current_app)}-{stamp.token}"


def conditional(
    kind: str, stamp: CampaignStamp, build: Builder, *, mimetype: str, cache_control: str
) -> Response:
    """Answer with the body of `kind` at `stamp`: 304 when the client has it.

    `build` loads and renders the body; it runs only when this process has no
    body for the current ETag, and returns the stamp it actually rendered.
    """
    app = current_app
    etag = etag_for(kind, stamp)
    if request.if_none_match.contains_weak(etag):
        response = app.response_class(status=304)
    else:
        bodies: dict[str, CachedBody] = app.extensions.setdefault("http_cache", {})
        # A query string may shape the body (a source tag, say): build those afresh.
        plain = not request.query_string
        cached = bodies.get(kind) if plain else None
        if cached is not None and cached.etag == etag:
            body = cached.body
        else:
            built_stamp, body = build()
            stamp, etag = built_stamp, etag_for(kind, built_stamp)
            if plain:  # kept once the response is known not to touch the session (below)
                g.http_cache_pending = (kind, etag, body)
        g.http_cache_stamp_token = stamp.token
        response = app.response_class(body, mimetype=mimetype)
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response


class _SessionAwareInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, plus: what touched the session is never shared.

    Saving the session is the first moment Flask knows for sure whether the
    request read it (`accessed`) or sets a cookie. A response that did is made
    private, and a body it built is not kept for other visitors: it may hold
    one visitor's CSRF token.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # no cookie, nothing to verify: skip the signer
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        super().save_session(app, session, response)
        shared = not session.accessed and "Set-Cookie" not in response.headers
        if not shared and "public" in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        pending = g.pop("http_cache_pending", None)
        if pending is not None and shared:
            kind, etag, body = pending
            app.extensions.setdefault("http_cache", {})[kind] = CachedBody(etag, body)
        token = g.pop("http_cache_stamp_token", None)
        plain_get = request.method == "GET" and not request.query_string
        if token and shared and plain_get and response.status_code == 200:
            microcache.keep(app, request.environ, request.endpoint, token, response)


def init_app(app: Flask) -> None:
    if type(app.session_interface) is not SecureCookieSessionInterface:
        raise RuntimeError("http_cache needs Flask's default cookie sessions")
    app.session_interface = _SessionAwareInterface()
    microcache.install(app)
