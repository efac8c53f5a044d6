"""A body the app refuses unread is still read to its end (fundraiser/security/bodies.py).

Real gunicorn, as shipped behind the proxy (TRUSTED_PROXIES=1). gunicorn itself
drains at most 64 KiB of a body the app left unread and then closes the
connection, so behind nginx, still sending the rest, the refusal became a 502.
One keep-alive connection proves it here without nginx's timing: after a
refused 2 MB upload the same connection must still carry the next request.
"""

from __future__ import annotations

import http.client
import socket
from pathlib import Path

from tests.support.serving import gunicorn
from tests.support.stall import StallingServer


def _answer(conn: socket.socket) -> tuple[int, bytes]:
    """The status and body of one HTTP/1.1 answer read off `conn` (left open)."""
    response = http.client.HTTPResponse(conn)
    response.begin()
    return response.status, response.read()


def test_a_refused_upload_leaves_the_connection_usable(tmp_path: Path) -> None:
    with StallingServer() as stripe, gunicorn(tmp_path, stripe.base, TRUSTED_PROXIES="1") as server:
        host, port = server.url.removeprefix("http://").split(":")
        conn = socket.create_connection((host, int(port)), timeout=30)
        body = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        try:
            conn.sendall(
                b"POST /dashboard/settings/cover HTTP/1.1\r\nHost: give.example.org\r\n"
                b"Content-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            status, refused = _answer(conn)
            # Refused for its missing CSRF token; a JSON body is no form, so nothing read it.
            assert status == 400, refused[:200]
            assert b"reload the page" in refused
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: give.example.org\r\n\r\n")
            status, health = _answer(conn)
            assert status == 200, health[:200]
        finally:
            conn.close()
