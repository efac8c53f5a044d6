"""Post an update (shown on the page, emailed to supporters who asked), and list them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..security.uploads import accepts_upload
from ..services.updates import updates
from . import bp
from .common import campaign_or_404, organiser
from .uploads import UpdateForm, file_bytes, upload_status


@bp.route("/updates", methods=["GET", "POST"])
@accepts_upload
def updates_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = UpdateForm()
    code = 200
    if form.is_submitted():
        code = 400
        if form.validate():
            try:
                entry = updates.UpdateEntry(
                    text=form.text.data or "",
                    text_ru=form.text_ru.data or "",
                    image=file_bytes(form.picture),
                    image_alt=form.image_alt.data or "",
                    image_alt_ru=form.image_alt_ru.data or "",
                )
                posted = updates.post(campaign, entry, organiser())
            except UserError as exc:
                flash(exc.message, "error")
                code = upload_status(exc)
            else:
                flash(f"Posted; {posted.emails_queued} emails queued.", "info")
                return redirect(url_for("dashboard.updates_page"))
        else:
            flash(form.first_error(), "error")
    return render_template(
        "dashboard/updates.html", campaign=campaign, form=form, updates=updates.recent(campaign)
    ), code


@bp.post("/updates/<int:update_id>/remove")
def update_remove(update_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = UpdateForm()
    if not form.validate():  # the CSRF token
        flash(form.first_error(), "error")
        return redirect(url_for("dashboard.updates_page"))
    if not updates.remove(campaign, update_id, organiser()):
        abort(404)
    flash("Removed the update from the pages. Emails already sent cannot be recalled.", "info")
    return redirect(url_for("dashboard.updates_page"))
