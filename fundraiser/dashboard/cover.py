"""The cover picture: upload (re-encoded without metadata), describe, remove."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..security.uploads import accepts_upload
from ..services.campaigns import cover
from . import bp
from .common import campaign_or_404, organiser
from .uploads import CoverForm, file_bytes, upload_status


@bp.route("/settings/cover", methods=["GET", "POST"])
@accepts_upload
def cover_settings() -> ResponseReturnValue:
    campaign = campaign_or_404()
    current = cover.of(campaign.id)
    form = CoverForm()
    if not form.is_submitted():
        if current is not None:
            form.alt.data, form.alt_ru.data = current.alt, current.alt_ru
        return render_template("dashboard/cover.html", campaign=campaign, form=form, cover=current)
    code = 400
    if form.validate():
        try:
            entry = cover.CoverEntry(
                data=file_bytes(form.picture),
                alt=form.alt.data or "",
                alt_ru=form.alt_ru.data or "",
            )
            cover.set_cover(campaign, entry, organiser())
        except UserError as exc:
            flash(exc.message, "error")
            code = upload_status(exc)
        else:
            flash("Saved the cover.", "info")
            return redirect(url_for("dashboard.cover_settings"))
    else:
        flash(form.first_error(), "error")
    return render_template(
        "dashboard/cover.html", campaign=campaign, form=form, cover=current
    ), code


@bp.post("/settings/cover/remove")
def cover_remove() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = CoverForm()
    if not form.validate():  # the CSRF token
        flash(form.first_error(), "error")
        return redirect(url_for("dashboard.cover_settings"))
    removed = cover.remove(campaign, organiser())
    flash("Removed the cover." if removed else "There was no cover.", "info")
    return redirect(url_for("dashboard.cover_settings"))
