"""Email that loses nothing: an outbox table and a sender that drains it.

Write mail with `queue(...)` in the same transaction as its cause; deliver it
with `deliver_due()` (the `fundraiser send-mail` command). See outbox.py and
sender.py.
"""

from .outbox import BOUNCED, UNSUBSCRIBED, is_suppressed, queue, suppress, unsuppress
from .render import external_url
from .sender import DeliveryReport, deliver_due, deliver_one

__all__ = [
    "BOUNCED",
    "UNSUBSCRIBED",
    "DeliveryReport",
    "deliver_due",
    "deliver_one",
    "external_url",
    "is_suppressed",
    "queue",
    "suppress",
    "unsuppress",
]
