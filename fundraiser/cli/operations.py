"""Operations commands: reconcile with Stripe, erase a donor, forget client keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from ..money import format_money
from ..payments.stripe_gateway import PaymentProviderError
from ..services.donations import privacy, retention
from ..services.donations.reconcile import Report, Total, reconcile
from . import bp

_DURATION = re.compile(r"P(?:(\d{1,4})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,8})M)?)?")


def parse_since(text: str | None, now: datetime | None = None) -> datetime | None:
    """An ISO 8601 time (no zone: UTC) or duration ago ("P2D", "PT6H"), or None.

    Raises click.BadParameter with an example for anything else.
    """
    if not text:
        return None
    text = text.strip()
    duration = _DURATION.fullmatch(text.upper())
    try:
        if duration and text.upper() not in {"P", "PT"}:
            days, hours, minutes = (int(part or 0) for part in duration.groups())
            ago = timedelta(days=days, hours=hours, minutes=minutes)
            return (now or datetime.now(UTC)) - ago
        value = datetime.fromisoformat(text)
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        value.astimezone(UTC).timestamp()  # some times near year 1 have no UTC form
    except (ValueError, OverflowError) as exc:
        raise click.BadParameter(
            "use ISO 8601, e.g. 2026-11-20, 2026-11-20T18:00:00Z, or P2D for two days ago",
            param_hint="--since",
        ) from exc
    return value


def _total(total: Total | None, noun: str) -> str:
    if total is None:
        return "nothing"
    return f"{format_money(total.amount, total.currency)} from {total.count} {noun}"


def print_report(report: Report) -> None:
    click.echo(
        f"Checked {report.checked} Stripe events: {report.already_recorded} already recorded, "
        f"{len(report.fixed)} fixed, {len(report.errors)} failed."
    )
    for event_id, event_type, outcome in report.fixed:
        detail = "" if outcome.detail == outcome.code else f" ({outcome.detail})"
        click.echo(f"  fixed  {event_id}  {event_type}: {outcome.code}{detail}")
    for event_id, error in report.errors:
        click.echo(f"  FAILED {event_id}: {error} (left for the next run)")
    if report.abandoned:
        click.echo(f"  failed {report.abandoned} donations that never reached Stripe")
    if not report.fixed and not report.errors and not report.abandoned:
        click.echo("Nothing to fix.")
    mismatched = set(report.mismatched())
    click.echo("Totals, here | at Stripe:")
    for slug in sorted(set(report.ours) | set(report.stripes)):
        verdict = "DIFFERENT" if slug in mismatched else "equal"
        click.echo(
            f"  {slug}: {_total(report.ours.get(slug), 'donations')} | "
            f"{_total(report.stripes.get(slug), 'payments')}  ({verdict})"
        )


@bp.cli.command("reconcile")
@click.option(
    "--since",
    help="ISO 8601 time or duration (P2D: two days ago); default: all Stripe keeps (30 days)",
)
def reconcile_command(since: str | None) -> None:
    """Record payments, failures and refunds whose webhook never arrived. Safe to repeat."""
    try:
        report = reconcile(parse_since(since))
    except PaymentProviderError as exc:
        raise click.ClickException(f"Stripe could not be asked: {exc.message}") from exc
    print_report(report)
    if report.errors:
        raise SystemExit(1)


@bp.cli.command("erase-donor")
@click.argument("email")
def erase_donor_command(email: str) -> None:
    """Erase a donor's personal data (name, email, message), keeping the amounts."""
    try:
        record = privacy.erase_donor(email)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    cleared = ", ".join(f"{count} {kind}" for kind, count in record.counts.items())
    click.echo(f"Erased personal data for that address: {cleared}. Amounts kept.")
    click.echo(f"Logged as erasure #{record.id} (the log holds a keyed hash, not the address).")


@bp.cli.command("apply-retention")
def apply_retention_command() -> None:
    """Erase personal data past the retention window (RETENTION_* settings), keeping amounts."""
    counts = retention.apply()
    cleared = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    click.echo(f"Retention: cleared personal data from {cleared}. Amounts kept.")


@bp.cli.command("forget-client-keys")
def forget_client_keys_command() -> None:
    """Clear hashed addresses and sessions the decline cool-down no longer needs."""
    click.echo(f"Cleared client keys from {privacy.forget_client_keys()} donations.")
