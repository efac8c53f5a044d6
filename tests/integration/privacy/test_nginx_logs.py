"""The shipped nginx file logs no visitor: no address, User-Agent, referrer or path.

Debian's nginx runs deploy/nginx/fundraiser.conf (tests/support/nginx.py) in
front of an app that is down, so every request also makes nginx log an error
("connect() failed ... client: <address>"). A visitor at 127.0.0.2 (a loopback
address nothing else uses) asks through HTTPS and plain HTTP, with a marked
User-Agent, a referrer, a forged X-Forwarded-For and a token in the path; then
every file nginx wrote is searched. The same run with the stock `combined`
format and the `error` level finds the address, so the search can fail.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import nginx
from tests.support.visitor_traces import CLIENT_ADDRESS, USER_AGENT

if nginx.binary() is None:
    pytest.skip("nginx is not installed (scripts/install-test-deps.sh)", allow_module_level=True)

VISITOR = "127.0.0.2"
TOKEN_PATH = "/thanks/tok-SECRET-4f1a"
DEAD_APP = "127.0.0.1:9"  # the discard port: nothing listens, so nginx logs an error
HEADERS = {
    "Host": "give.example.org",
    "User-Agent": USER_AGENT,
    "Referer": "https://referrer.example/ref-MARK",
    "X-Forwarded-For": CLIENT_ADDRESS,
}
TRACES = (VISITOR, CLIENT_ADDRESS, USER_AGENT, "ref-MARK", "tok-SECRET")


def _visit(proxy: nginx.Nginx) -> list[int]:
    """The visitor's two requests (HTTPS, then HTTP); their statuses."""
    statuses = []
    for url, kind in ((proxy.https_url, "https"), (proxy.http_url, "http")):
        host, port = url.split("://")[1].split(":")
        if kind == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host,
                int(port),
                timeout=30,
                source_address=(VISITOR, 0),
                context=nginx.client_context(),
            )
        else:
            conn = http.client.HTTPConnection(
                host, int(port), timeout=30, source_address=(VISITOR, 0)
            )
        conn.request("GET", TOKEN_PATH, headers=HEADERS)
        statuses.append(conn.getresponse().status)
        conn.close()
    return statuses


def _found(logs: dict[str, str]) -> list[str]:
    return [
        f"{name}: {trace!r}" for name, text in logs.items() for trace in TRACES if trace in text
    ]


@pytest.fixture
def shipped(tmp_path: Path) -> Iterator[nginx.Nginx]:
    with nginx.running(DEAD_APP, tmp_path) as proxy:
        yield proxy


def test_the_shipped_logs_hold_no_visitor(shipped: nginx.Nginx) -> None:
    assert _visit(shipped) == [502, 301]
    logs = shipped.logs()
    access = logs["fundraiser.access.log"].splitlines()
    assert len(access) == 2, logs  # it does log: a line per request, nothing personal
    assert " 502 " in access[0] and " 301 " in access[1]
    assert _found(logs) == []


def test_the_stock_format_and_level_would_log_the_visitor(tmp_path: Path) -> None:
    def stock(site: str) -> str:
        return site.replace("fundraiser_private;", "combined;").replace(" emerg;", " error;")

    with nginx.running(DEAD_APP, tmp_path, edit=stock) as proxy:
        _visit(proxy)
        found = _found(proxy.logs())
    assert f"fundraiser.access.log: {VISITOR!r}" in found
    assert f"fundraiser.error.log: {VISITOR!r}" in found  # "client: 127.0.0.2"
    assert f"fundraiser.access.log: {USER_AGENT!r}" in found
