"""With the documented defaults (production, 5 gunicorn workers, no Redis), one limit holds.

The limits are counted in the app's database (fundraiser/security/db_limits.py),
so a card tester at one address gets at most DONATE_LIMITS_PER_ADDRESS
PaymentIntents however the requests spread over the workers; pledges likewise.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from fundraiser.models import Campaign
from tests.support.attack import intent_ids
from tests.support.harness import LocalStripe
from tests.support.servers import gunicorn

WORKERS = 5
ATTEMPTS = 40
DONATE_LIMIT = 10  # the README's promise: "10/minute" per address
PLEDGE_LIMIT = 5
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture
def five_workers(app: Flask, localstripe: LocalStripe, campaign: Campaign) -> Iterator[str]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with 5 workers, production settings, no Redis."""
    with gunicorn(app, localstripe, workers=WORKERS) as (url, _env):
        yield url


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _status(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> int:
    try:
        return int(opener.open(request, timeout=30).status)
    except urllib.error.HTTPError as exc:
        return exc.code


def donate_attempt(base: str, amount: int) -> int:
    """A card tester's try in a fresh session: CSRF token as the page's script gets it, Donate."""
    opener = _browser()
    token = json.load(opener.open(base + "/api/csrf-token", timeout=30))["csrf_token"]
    body = json.dumps({"amount": f"{amount}.00"}).encode()
    return _status(
        opener,
        urllib.request.Request(
            base + "/donate",
            data=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        ),
    )


def pledge_attempt(base: str, _n: int) -> int:
    """A pledge form posted in a fresh session (incomplete: 400 when let through)."""
    opener = _browser()
    page = opener.open(base + "/pledge", timeout=30).read().decode()
    match = _CSRF.search(page)
    assert match, "no CSRF token on /pledge"
    body = urllib.parse.urlencode({"csrf_token": match.group(1)}).encode()
    return _status(opener, urllib.request.Request(base + "/pledge", data=body))


def test_one_address_gets_at_most_the_limit_across_five_workers(
    five_workers: str, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda n: donate_attempt(five_workers, 1 + n), range(ATTEMPTS)))
    assert set(codes) <= {200, 429}, codes
    assert codes.count(200) == DONATE_LIMIT, codes
    assert len(intent_ids(localstripe)) == DONATE_LIMIT

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda n: pledge_attempt(five_workers, n), range(3 * PLEDGE_LIMIT)))
    assert set(codes) <= {400, 429}, codes
    assert codes.count(400) == PLEDGE_LIMIT, codes
