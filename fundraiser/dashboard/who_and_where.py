"""Who runs the drive and who receives the money (shown on the public page)."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..services.campaigns import who_and_where
from ..services.campaigns.campaigns import CampaignError
from . import bp
from .common import campaign_or_404, organiser
from .forms import WhoAndWhereForm


@bp.route("/settings/who-and-where", methods=["GET", "POST"])
def who_and_where_settings() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = WhoAndWhereForm()
    if not form.is_submitted():
        form.process(data=asdict(who_and_where.of(campaign)))
        return render_template("dashboard/who_and_where.html", campaign=campaign, form=form)
    if form.validate():
        values = who_and_where.WhoAndWhere(
            **{name: getattr(form, name).data or "" for name in who_and_where.LIMITS}
        )
        try:
            changed = who_and_where.update(campaign.id, values, organiser())
        except CampaignError as exc:
            flash(str(exc), "error")
        else:
            flash("Saved: " + ", ".join(changed) if changed else "Nothing changed.", "info")
            return redirect(url_for("dashboard.who_and_where_settings"))
    else:
        flash(form.first_error(), "error")
    return render_template("dashboard/who_and_where.html", campaign=campaign, form=form), 400
