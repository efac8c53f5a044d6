"""The outbox: emails waiting, sent and failed, and a "send now" button."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..services.campaigns import campaigns
from ..services.reports import outbox_table
from . import bp
from .common import organiser, page_number


@bp.get("/outbox")
def outbox() -> ResponseReturnValue:
    view = request.args.get("view") or None
    errors = []
    if view not in (None, *outbox_table.VIEWS):
        errors.append("Choose waiting, sent or failed.")
        view = None
    return render_template(
        "dashboard/outbox.html",
        campaign=campaigns.current_campaign(),
        view=view,
        views=outbox_table.VIEWS,
        counts=outbox_table.counts(),
        pagination=outbox_table.page(view, page_number(request.args.get("page"))),
        errors=errors,
    ), (400 if errors else 200)


@bp.post("/outbox/send")
def outbox_send() -> ResponseReturnValue:
    """Runs the same delivery as `fundraiser send-mail` (CSRF is checked app-wide)."""
    report = outbox_table.send_now(organiser())
    flash(outbox_table.describe(report), "info" if not report.failed else "error")
    return redirect(url_for("dashboard.outbox")), 303
