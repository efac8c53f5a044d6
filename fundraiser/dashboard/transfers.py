"""Money sent to the beneficiary: record a transfer, list them (public on /transparency)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..models.types import utcnow
from ..money import format_money
from ..security.uploads import accepts_upload
from ..services.transparency import transfers
from . import bp
from .common import campaign_or_404, organiser
from .forms import TransferForm
from .uploads import file_bytes, upload_status


@bp.route("/transfers", methods=["GET", "POST"])
@accepts_upload
def transfers_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = TransferForm(campaign.currency)
    code = 200
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
                    receipt=file_bytes(form.receipt),
                ),
                organiser(),
            )
        except UserError as exc:
            flash(exc.message, "error")
            code = upload_status(exc)
        else:
            flash(f"Recorded {format_money(form.amount_minor, campaign.currency)} sent.", "info")
            return redirect(url_for("dashboard.transfers_page"))
    else:
        flash(form.first_error(), "error")
        code = 400
    return render_template(
        "dashboard/transfers.html",
        campaign=campaign,
        form=form,
        totals=transfers.totals(campaign),
    ), code
