"""Mail, payday-reminder and payday-link commands (run them from cron)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import sqlalchemy as sa

from .. import mail
from ..extensions import db
from ..models import OutboxMessage
from ..models.types import utcnow
from ..money import AmountError, parse_amount
from ..services.campaigns import campaigns
from ..services.links import links
from ..services.pledges import reminders
from . import bp


def _parse_now(text: str | None) -> datetime:
    if not text:
        return utcnow()
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-24T09:00:00Z") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_NOW_HELP = "Act as if it were this time (ISO 8601; no zone means UTC). Default: now."


@bp.cli.command("send-reminders")
@click.option("--now", "now_text", help=_NOW_HELP)
def send_reminders(now_text: str | None) -> None:
    """Queue due payday reminders and follow-ups, lapse unpaid pledges, then send mail.

    Safe to run often and concurrently: nothing is sent twice.
    """
    now = _parse_now(now_text)
    report = reminders.send_due(now)
    click.echo(f"Reminders: {report}")
    # Mail is delivered by the real clock unless --now is later (a rehearsal).
    click.echo(f"Mail: {mail.deliver_due(max(now, utcnow()))}")


@bp.cli.command("send-mail")
@click.option("--now", "now_text", help=_NOW_HELP)
def send_mail(now_text: str | None) -> None:
    """Deliver what is due in the outbox (or log it when MAIL_SERVER is not set)."""
    click.echo(f"Mail: {mail.deliver_due(_parse_now(now_text))}")


@bp.cli.command("outbox")
@click.option("--limit", default=20, show_default=True)
def outbox(limit: int) -> None:
    """List the newest messages in the outbox and their status."""
    rows = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    )
    for row in rows:
        click.echo(
            f"#{row.id} {row.status:<10} {row.created_at:%Y-%m-%d %H:%M} {row.to_address}: {row.subject}"
        )


@bp.cli.command("create-link")
@click.argument("code")
@click.option("--label", help="Source label recorded on donations (default: the code)")
@click.option("--amount", help="Preset amount in major units, e.g. 7")
def create_link(code: str, label: str | None, amount: str | None) -> None:
    """Create a shareable tracked link /give/CODE for the current campaign."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        raise click.ClickException("There is no campaign yet: run `fundraiser demo` first.")
    try:
        amount_minor = parse_amount(amount, campaign.currency) if amount else None
        link = links.create_link(campaign, code, label=label, amount_minor=amount_minor)
    except (AmountError, links.LinkError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created /give/{link.code} (source label {link.label!r}).")
