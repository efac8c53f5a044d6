"""Money sent to the beneficiary: record a transfer, list them (public on /transparency)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..models.types import utcnow
from ..money import format_money
from ..services.transparency import transfers
from . import bp
from .common import campaign_or_404, organiser
from .forms import TransferForm


@bp.route("/transfers", methods=["GET", "POST"])
def transfers_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = TransferForm(campaign.currency)
    if not form.is_submitted():
        form.sent_on.data = utcnow().date()
    elif form.validate():
        try:
            transfers.add(
                campaign,
                transfers.TransferEntry(
                    amount_minor=form.amount_minor,
                    sent_on=form.sent_on.data,
                    reference=form.reference.data or "",
                ),
                organiser(),
            )
        except transfers.TransferError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Recorded {format_money(form.amount_minor, campaign.currency)} sent.", "info")
            return redirect(url_for("dashboard.transfers_page"))
    else:
        flash(form.first_error(), "error")
    code = 400 if form.is_submitted() else 200
    return render_template(
        "dashboard/transfers.html",
        campaign=campaign,
        form=form,
        totals=transfers.totals(campaign),
    ), code
