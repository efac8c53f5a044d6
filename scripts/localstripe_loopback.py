"""Run localstripe bound to 127.0.0.1 only, always from an empty store.

localstripe's own command binds every interface; a fake payment API has no
business being reachable from the network, so the run command and the tests
start it through this launcher instead. Usage: localstripe_loopback.py PORT
"""

from __future__ import annotations

import logging
import sys

from aiohttp import web
from localstripe.server import app  # a separate dev process; never imported by the app


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8420
    logging.basicConfig(level=logging.WARNING)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
