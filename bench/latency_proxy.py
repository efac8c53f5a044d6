"""A TCP proxy in front of localstripe that makes Stripe slow, or silent.

Each request that reaches it (a connection's first bytes, or its first after
an answer) is held for `delay` seconds before it goes on, as a real Stripe
takes a few hundred ms to create a PaymentIntent. `stall()` makes it hold every
request for ever (Stripe hanging); `resume()` ends that for new requests.
Runs its own asyncio loop in a thread of the bench process.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class LatencyProxy:
    """127.0.0.1:<port> -> upstream, with `delay` seconds added to each request."""

    def __init__(self, upstream_host: str, upstream_port: int, delay: float) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay
        self.stalled = False
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LatencyProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stall(self) -> None:
        self.stalled = True

    def resume(self) -> None:
        self.stalled = False

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=512)
        )
        self.port = int(server.sockets[0].getsockname()[1])
        self._ready.set()
        self._loop.run_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        # A client's bytes after an answer (or its first) begin a new request.
        answered = [True]
        back = asyncio.ensure_future(self._pipe(up_reader, writer, answered))
        try:
            while data := await reader.read(65536):
                if answered[0]:
                    answered[0] = False
                    while self.stalled:
                        await asyncio.sleep(0.5)
                    await asyncio.sleep(self.delay)
                up_writer.write(data)
                await up_writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            back.cancel()
            for w in (up_writer, writer):
                with contextlib.suppress(Exception):
                    w.close()

    @staticmethod
    async def _pipe(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answered: list[bool]
    ) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                answered[0] = True
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()
