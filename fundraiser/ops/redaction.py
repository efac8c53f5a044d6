"""What never reaches a log: email addresses and capability tokens.

`redact` rewrites text; `RedactingFilter` applies it to every record a handler
writes (message, arguments and traceback), installed on the app's handlers by
`install`. Names and messages are never logged in the first place (no log call
passes them); this is the net under that rule for what has a recognisable
shape: an address, or a path that carries a token (pay, cancel and
unsubscribe links, a donation's thank-you page and receipt, organiser invitations,
password resets and the livestream overlays' token).
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# Paths whose segment after the prefix is a capability (signed token or public id).
TOKEN_PATH = re.compile(
    r"/(pledge/cancel|pledge/made|pledge|unsubscribe|thanks|api/donations|dashboard/donations"
    r"|invite|login/reset|forget|receipt|overlay)"
    r"/(?!donate\b)[^/\s\"'<>?#]+"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with email addresses and path tokens replaced by placeholders."""
    return TOKEN_PATH.sub(rf"/\1/{REDACTED}", EMAIL.sub("[email]", text))


class RedactingFilter(logging.Filter):
    """Rewrites each record so that nothing `redact` removes is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record, lose its arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and isinstance(fields.get("path"), str):
            fields["path"] = redact(fields["path"])
        return True


_FILTER = RedactingFilter()


def install(*loggers: logging.Logger) -> None:
    """Put the filter on every handler of `loggers` (once each)."""
    for logger in loggers:
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
