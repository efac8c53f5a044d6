"""The organisers' view of the email outbox, and "send now".

Shows who each email went (or goes) to, its kind, subject, status, attempts,
last error and times; never its body, which can hold a donor's signed links.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ... import mail
from ...extensions import db
from ...mail.sender import FAILED, QUEUED, SENDING, SENT, SUPPRESSED
from ...models import Organiser, OutboxMessage
from ..organisers import audit
from .donation_table import Page, paginate

# What an organiser asks for, and the stored statuses each covers.
VIEWS: dict[str, tuple[str, ...]] = {
    "waiting": (QUEUED, SENDING),
    "sent": (SENT,),
    "failed": (FAILED, SUPPRESSED),
}


def counts() -> dict[str, int]:
    """How many emails each view holds."""
    by_status = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return {
        view: sum(int(by_status.get(s, 0)) for s in statuses) for view, statuses in VIEWS.items()
    }


def page(view: str | None, number: int, per_page: int = 50) -> Page:
    """Emails, newest first; rows are (OutboxMessage,). `view` None means all."""
    query = sa.select(OutboxMessage)
    if view:
        query = query.where(OutboxMessage.status.in_(VIEWS[view]))
    return paginate(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), number, per_page
    )


def send_now(organiser: Organiser) -> mail.DeliveryReport:
    """Deliver what is due, exactly as `fundraiser send-mail` does, and audit it; commits.

    Safe beside a running sender: each message is claimed before it is sent.
    """
    report = mail.deliver_due()
    audit.record("send_mail", f"Send now: {describe(report)}", organiser=organiser, **vars(report))
    db.session.commit()
    return report


def describe(report: mail.DeliveryReport) -> str:
    """What a run did, in words for the organiser."""
    if not current_app.config.get("MAIL_SERVER"):
        return (
            "MAIL_SERVER is not set, so nothing was sent: emails stay waiting, and each "
            f"is printed to the server log once ({report.logged} printed now)."
        )
    parts = [f"{report.sent} sent"]
    if report.deferred:
        parts.append(f"{report.deferred} to retry later")
    if report.failed:
        parts.append(f"{report.failed} failed")
    if report.suppressed:
        parts.append(f"{report.suppressed} not sent (address bounced or unsubscribed)")
    return ", ".join(parts) + "."
