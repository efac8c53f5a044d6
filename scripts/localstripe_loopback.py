"""Run localstripe bound to 127.0.0.1 only, always from an empty store.

localstripe's own command binds every interface; a fake payment API has no
business being reachable from the network, so the run command and the tests
start it through this launcher instead. Usage: localstripe_loopback.py PORT

It is also the one place that translates between the Stripe API version the
app speaks (fundraiser.payments.stripe_gateway.STRIPE_API_VERSION, endive) and
the much older one localstripe knows: the app sends
`allowed_payment_method_types`, which localstripe answers "400 Unexpected", so
it is renamed here to localstripe's `payment_method_types`. The reverse is
refused as real Stripe refuses it on endive, so the app can't drift back to
the removed name unnoticed. `statement_descriptor_suffix` (a real Stripe parameter
the app sends when STATEMENT_DESCRIPTOR_SUFFIX is set) is unknown to localstripe,
which refuses it, so it is dropped here and nowhere else.
"""

from __future__ import annotations

import logging
import re
import sys
import urllib.parse
from collections.abc import Awaitable, Callable

from aiohttp import web
from localstripe.server import app  # a separate dev process; never imported by the app

# Endpoints where endive removed `payment_method_types` from the request.
_INTENT_PATHS = re.compile(r"^/v1/(payment_intents|setup_intents)(/[^/]+(/confirm)?)?$")
_NEW_NAME = "allowed_payment_method_types"
_OLD_NAME = "payment_method_types"
# Real Stripe parameters localstripe refuses as unknown; they change nothing it emulates.
_DROPPED = {"statement_descriptor_suffix"}
# API versions from endive (2026-09-30) on refuse the old name.
_FIRST_VERSION_WITHOUT_OLD_NAME = "2026-09-30"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _removed_parameter() -> web.Response:
    """The error real Stripe gives on endive for the old parameter."""
    return web.json_response(
        {
            "error": {
                "type": "invalid_request_error",
                "code": "payment_method_types_no_longer_supported",
                "param": _OLD_NAME,
                "message": "The payment_method_types parameter is no longer supported; "
                "use allowed_payment_method_types instead.",
            }
        },
        status=400,
    )


def translate_form(body: bytes, *, version: str) -> bytes | None:
    """The form body renamed for localstripe, or None when endive would refuse it.

    `allowed_payment_method_types[0]=card` becomes `payment_method_types[0]=card`;
    an old-style `payment_method_types` sent with an endive-or-later version is refused;
    parameters in _DROPPED are left out.
    """
    pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        name = key.split("[", 1)[0]
        if name == _OLD_NAME and version >= _FIRST_VERSION_WITHOUT_OLD_NAME:
            return None
        if name in _DROPPED:
            continue
        if name == _NEW_NAME:
            key = _OLD_NAME + key[len(_NEW_NAME) :]
        out.append((key, value))
    return urllib.parse.urlencode(out).encode("ascii")


@web.middleware
async def endive_to_localstripe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Rename the app's endive parameters to localstripe's, on intent requests only."""
    if request.method == "POST" and _INTENT_PATHS.match(request.path):
        version = request.headers.get("Stripe-Version", "")
        body = await request.read()
        translated = translate_form(body, version=version)
        if translated is None:
            return _removed_parameter()
        # localstripe reads the body through request.post(), which reads this cache.
        request._read_bytes = translated  # aiohttp has no public setter
    return await handler(request)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8420
    logging.basicConfig(level=logging.WARNING)
    # First, so localstripe's own middlewares (auth, errors, saving) see the translated body.
    app.middlewares.insert(0, endive_to_localstripe)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
