"""SMTP delivery with smtplib, and what counts as a temporary or permanent failure."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from ..models import OutboxMessage

SMTP_TIMEOUT_SECONDS = 20


class TemporaryFailure(Exception):
    """Try again later: a 4xx answer, or the server could not be reached."""


class PermanentFailure(Exception):
    """Never retry: the server refused this recipient or message with a 5xx."""


def build_message(row: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text plus an HTML alternative.

    The Message-ID comes from the row's idempotency key, so if a crash ever
    makes a message go twice, mail clients can tell it is the same message.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.idempotency_key.encode()).hexdigest()[:24]
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = f"<{digest}.{row.id}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (row.headers or {}).items():
        msg[name] = value
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    return msg


class SmtpTransport:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=SMTP_TIMEOUT_SECONDS)
        try:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Send one message or raise TemporaryFailure / PermanentFailure."""
        try:
            if self.smtp is None:
                self.smtp = self._connect()
            self.smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
            if any(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {detail}") from exc
            raise TemporaryFailure(f"recipient deferred: {detail}") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(
                    f"message refused: {exc.smtp_code} {exc.smtp_error!r}"
                ) from exc
            raise TemporaryFailure(f"message deferred: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Refused connections, timeouts, auth or sender problems: ours, not
            # the recipient's, so retry with backoff and never suppress them.
            self.close()
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None
