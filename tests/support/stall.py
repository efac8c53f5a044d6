"""A fake Stripe endpoint on loopback that takes requests and never answers them.

It reads each request whole, then holds the connection open until `release()`
(when it closes them all, unanswered), so a caller's read timeout is the only
way out. `requests_seen` counts what reached it.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class StallingServer:
    """Accepts HTTP connections on 127.0.0.1 and answers none of them."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.requests_seen = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> StallingServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
        self._listener.close()

    def release(self) -> None:
        """Close every held connection (unanswered); later ones are closed at once."""
        self._released.set()
        with self._lock:
            held, self._open = self._open, []
        for conn in held:
            conn.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn: socket.socket) -> None:
        data = b""
        conn.settimeout(10)
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    conn.close()
                    return
                data += chunk
        except OSError:
            conn.close()
            return
        with self._lock:
            self.requests_seen += 1
            if not self._released.is_set():
                self._open.append(conn)
                return
        conn.close()
