"""Draining the outbox: claim a message, send it, record the result.

A message is claimed by a compare-and-set UPDATE (queued -> sending, with a
fresh claim token and a lease) committed before anything is sent, so two
senders running at once never both send it; the result is written only by the
holder of the claim. A sender that dies mid-send leaves a lease that expires,
and the message is tried again (SMTP cannot be exactly-once; the stable
Message-ID lets mail clients drop such a repeat).

With no MAIL_SERVER configured, messages stay queued. In production each is
noted in the log once by number only (no address, no links); in development
its subject and text are printed once, with tokens redacted (ops/redaction.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import OutboxMessage, OutboxStatus
from ..models.types import utcnow
from .outbox import BOUNCED, is_suppressed, suppress
from .transport import PermanentFailure, SmtpTransport, TemporaryFailure, build_message

QUEUED, SENDING, SENT = OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT
FAILED, SUPPRESSED = OutboxStatus.FAILED, OutboxStatus.SUPPRESSED
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600


@dataclass
class DeliveryReport:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    suppressed: int = 0
    logged: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in vars(self).items())


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4 ... 60 minutes."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS))


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )


def _claim(message_id: int, now: datetime) -> str | None:
    """Claim one due message for this sender and commit; its claim token, or None."""
    token = secrets.token_hex(16)
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(
            status=SENDING,
            claim_token=token,
            claimed_until=now + LEASE,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if result.rowcount == 1 else None


def _finish(message_id: int, token: str, **values: Any) -> None:
    """Record a result, only if this sender still holds the claim; commits."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claim_token == token,
            OutboxMessage.status == SENDING,
        )
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current_app.logger.warning("outbox %s: claim lost before its result was stored", message_id)
    db.session.commit()


def _deliver_claimed(
    row: OutboxMessage, token: str, transport: SmtpTransport, now: datetime, report: DeliveryReport
) -> bool:
    """Send a claimed message and store the outcome. False if the server is unreachable."""
    reason = is_suppressed(row.to_address, row.kind)
    if reason:
        _finish(row.id, token, status=SUPPRESSED, last_error=f"address {reason}")
        report.suppressed += 1
        return True
    try:
        message = build_message(row, current_app.config["MAIL_DEFAULT_SENDER"])
    except (ValueError, TypeError) as exc:  # a row no retry can mend; the address is not to blame
        current_app.logger.exception("outbox %s cannot be built", row.id)
        _finish(row.id, token, status=FAILED, last_error=f"cannot build: {exc}"[:500])
        report.failed += 1
        return True
    try:
        transport.send(message)
    except PermanentFailure as exc:
        # The exception's text may quote the address (SMTPRecipientsRefused): log its kind.
        current_app.logger.warning("outbox %s failed: %s", row.id, type(exc).__name__)
        suppress(row.to_address, BOUNCED, str(exc))
        _finish(row.id, token, status=FAILED, last_error=str(exc)[:500])
        report.failed += 1
        return True
    except TemporaryFailure as exc:
        current_app.logger.warning("outbox %s deferred: %s", row.id, type(exc).__name__)
        give_up = row.attempts >= MAX_ATTEMPTS
        _finish(
            row.id,
            token,
            status=FAILED if give_up else QUEUED,
            next_attempt_at=now + backoff(row.attempts),
            last_error=str(exc)[:500],
        )
        if give_up:
            report.failed += 1
        else:
            report.deferred += 1
        return transport.smtp is not None  # connection gone: stop this run
    _finish(row.id, token, status=SENT, sent_at=utcnow(), last_error=None)
    report.sent += 1
    return True


DEMO_RULE = "=" * 24


def demo_block(message_id: int, subject: str, body: str) -> str:
    """An email as printed by the offline demo: a block marked where it starts and ends."""
    return (
        f"MAIL_SERVER is not set; this email stays in the outbox (#{message_id}), "
        "delivered to this log instead:\n"
        f"{DEMO_RULE} EMAIL #{message_id} (demo, not sent) {DEMO_RULE}\n"
        f"Subject: {subject}\n\n{body.rstrip()}\n"
        f"{DEMO_RULE} END OF EMAIL #{message_id} {DEMO_RULE}"
    )


def _log_unsent(
    now: datetime, limit: int, report: DeliveryReport, *conditions: sa.ColumnElement[bool]
) -> DeliveryReport:
    """No MAIL_SERVER: print each due message once, and leave it queued."""
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(_due(now), OutboxMessage.logged_at.is_(None), *conditions)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    for message_id in ids:
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.logged_at.is_(None))
            .values(logged_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount != 1:
            continue
        row = db.session.get(OutboxMessage, message_id)
        if row is None:
            continue
        if current_app.config.get("ENV_NAME") == "production":
            # A supporter's address and their pay and cancel links never reach a log:
            # the message waits in the outbox (dashboard: Outbox) until MAIL_SERVER is set.
            current_app.logger.info("MAIL_SERVER is not set; email #%s stays in the outbox", row.id)
        else:
            # Development (the offline demo): print it as its own marked block, links
            # redacted by ops/redaction.py; the outbox page says it went to the log.
            current_app.logger.info(demo_block(row.id, row.subject, row.body_text))
        report.logged += 1
    return report


def deliver_due(now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Deliver up to `limit` due messages from the outbox; safe to run concurrently."""
    now = now or utcnow()
    report = DeliveryReport()
    if not current_app.config.get("MAIL_SERVER"):
        return _log_unsent(now, limit, report)
    ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    db.session.commit()  # end the read so each claim is its own short transaction
    transport = SmtpTransport(current_app.config)
    try:
        for message_id in ids:
            if not _deliver_one_id(message_id, transport, now, report):
                break
    finally:
        transport.close()
    return report


def _deliver_one_id(
    message_id: int, transport: SmtpTransport, now: datetime, report: DeliveryReport
) -> bool:
    token = _claim(message_id, now)
    if token is None:
        return True  # another sender has it, or it is no longer due
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if row is None:
        return True
    return _deliver_claimed(row, token, transport, now, report)


def deliver_one(idempotency_key: str) -> DeliveryReport:
    """Try to deliver one queued message now (a confirmation), exactly as the sender would.

    Safe alongside a running sender: the claim decides who sends it.
    """
    now = utcnow()
    report = DeliveryReport()
    if not current_app.config.get("MAIL_SERVER"):
        return _log_unsent(now, 1, report, OutboxMessage.idempotency_key == idempotency_key)
    message_id = db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if message_id is None:
        return report
    transport = SmtpTransport(current_app.config)
    try:
        _deliver_one_id(message_id, transport, now, report)
    finally:
        transport.close()
    return report
