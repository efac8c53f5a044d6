"""Who is asking, as keyed hashes: for rate limits and decline counts, never raw.

A raw address or session id is never stored in the database or the limiter's
storage; an HMAC under SECRET_KEY is. IPv6 clients are keyed by their /64,
since one machine commonly holds a whole /64.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from flask import current_app, request, session

SESSION_FIELD = "donor_key"


def keyed_hash(kind: str, value: str) -> str:
    """A 32-hex-digit HMAC of `value` under SECRET_KEY, separated by `kind`."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def client_address() -> str:
    """The client's address (ProxyFix has set it when proxies are trusted), IPv6 as /64."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def address_key() -> str:
    return keyed_hash("address", client_address())


def login_identifier() -> str:
    """What Flask-Login keeps in an organiser's session to notice a copied cookie.

    Its stock identifier is an unkeyed SHA-512 of the address and User-Agent, which
    anyone holding the cookie can reverse by trying every IPv4 address; this one is
    keyed, and compares the same way.
    """
    agent = request.headers.get("User-Agent", "")
    return keyed_hash("login-session", f"{client_address()}|{agent}")


def session_key() -> str:
    """The hashed donor key of this session, creating the key on first use."""
    token = session.get(SESSION_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(16)
        session[SESSION_FIELD] = token
    return keyed_hash("session", token)


@dataclass(frozen=True, slots=True)
class ClientKeys:
    address_hash: str
    session_hash: str


def current() -> ClientKeys:
    """Both keys of the current request."""
    return ClientKeys(address_hash=address_key(), session_hash=session_key())
