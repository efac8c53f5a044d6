"""The donations table, its CSV export, one donation's page, and refunds."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from ..models import Donation
from ..money import format_decimal, format_money
from ..services.donations.donations import by_public_id
from ..services.refunds import organiser_refunds
from ..services.reports import donation_table, exports
from ..text import clean_text
from . import bp
from .access import current_scope, team_view
from .common import campaign_or_404, csv_export, organiser, page_number
from .forms import RefundForm


def _date(raw: str | None, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"The {label} date should look like 2017-04-21.")
        return None


def parse_filters(
    sources: list[str] | None, statuses: tuple[str, ...] = donation_table.STATUSES
) -> tuple[donation_table.Filters, list[str]]:
    """Filters from the query string; anything invalid is dropped and explained.

    `sources` None: the table has no source column (pledges), so none is read.
    """
    args, errors = request.args, []
    status = args.get("status") or None
    if status and status not in statuses:
        errors.append("Choose a status from the list.")
        status = None
    source = None
    if sources is not None:
        source = clean_text((args.get("source") or "")[:64])
        if source and source not in sources:
            errors.append(f"No donation came through the source {source!r}.")
    date_from = _date(args.get("from"), "from", errors)
    date_to = _date(args.get("to"), "to", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("The 'from' date is after the 'to' date.")
    # clean_text drops control characters: PostgreSQL refuses a NUL in any query.
    q = clean_text((args.get("q") or "")[:100])
    return donation_table.Filters(status, source, date_from, date_to, q), errors


@bp.get("/donations")
@team_view
def donations() -> ResponseReturnValue:
    scope = current_scope()
    sources = donation_table.sources(scope)
    filters, errors = parse_filters(sources)
    pagination = donation_table.page(scope, filters, page_number(request.args.get("page")))
    return render_template(
        "dashboard/donations.html",
        campaign=campaign_or_404(),
        team=scope.team(),
        filters=filters,
        errors=errors,
        pagination=pagination,
        sources=sources,
        statuses=donation_table.STATUSES,
    ), (400 if errors else 200)


@bp.get("/donations.csv")
@team_view
def donations_csv() -> ResponseReturnValue:
    scope = current_scope()
    filters, errors = parse_filters(donation_table.sources(scope))
    rows = donation_table.rows(scope, filters)
    return csv_export(
        "donations", filters, errors, exports.DONATION_COLUMNS, rows, team_id=scope.team_id
    )


def _donation_or_404(public_id: str) -> Donation:
    donation = by_public_id(public_id)
    if donation is None or not current_scope().covers(donation):
        abort(404, description="There is no such donation.")
    return donation


@bp.get("/donations/<public_id>")
@team_view
def donation(public_id: str) -> ResponseReturnValue:
    found = _donation_or_404(public_id)
    return _render_donation(found, RefundForm(found.currency))


def _render_donation(found: Donation, form: RefundForm, code: int = 200) -> ResponseReturnValue:
    out = organiser_refunds.money_out(found)
    if not form.amount.data and out.refundable:
        form.amount.data = format_decimal(out.refundable, found.currency)
    return render_template(
        "dashboard/donation.html", campaign=found.campaign, donation=found, out=out, form=form
    ), code


def _confirm_refund(found: Donation, form: RefundForm) -> ResponseReturnValue:
    """Ask before money moves: who, how much (in full or part), why. Moves no money."""
    try:
        organiser_refunds.check_amount(found, form.amount_minor)
    except organiser_refunds.RefundError as exc:
        flash(str(exc), "error")
        return _render_donation(found, form, 400)
    out = organiser_refunds.money_out(found)
    form.confirmed.data = "yes"
    return render_template(
        "dashboard/refund_confirm.html",
        campaign=found.campaign,
        donation=found,
        form=form,
        amount=form.amount_minor,
        in_full=form.amount_minor == out.refundable,
        refundable=out.refundable,
    )


@bp.post("/donations/<public_id>/refund")
@team_view
def refund(public_id: str) -> ResponseReturnValue:
    found = _donation_or_404(public_id)
    form = RefundForm(found.currency)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render_donation(found, form, 400)
    if form.confirmed.data != "yes":
        return _confirm_refund(found, form)
    try:
        made = organiser_refunds.refund_from_dashboard(
            found.id,
            amount_minor=form.amount_minor,
            note=form.note.data or "",
            request_key=form.request_key.data or "",
            organiser=organiser(),
        )
    except organiser_refunds.RefundError as exc:
        flash(str(exc), "error")
        return _render_donation(by_public_id(public_id) or found, RefundForm(found.currency), 400)
    flash(f"Refunded {format_money(made.amount_minor, made.currency)} ({made.status}).", "info")
    return redirect(url_for("dashboard.donation", public_id=public_id))
