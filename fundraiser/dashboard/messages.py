"""Moderation of donors' public names and messages: approve or hide, and the word list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..services.moderation import moderation
from ..services.moderation.moderation import ModerationError
from . import bp
from .common import campaign_or_404, organiser

VIEWS = ("waiting", "approved", "hidden")


def _page(view: str, status: int = 200) -> ResponseReturnValue:
    campaign = campaign_or_404()
    return render_template(
        "dashboard/messages.html",
        campaign=campaign,
        view=view,
        views=VIEWS,
        counts=moderation.counts(campaign.id),
        rows=moderation.queue(campaign.id, view),
        words_text="\n".join(campaign.moderation_words or []),
    ), status


@bp.get("/messages")
def messages() -> ResponseReturnValue:
    view = request.args.get("view", "waiting")
    if view not in VIEWS:
        flash("Choose waiting, approved or hidden.", "error")
        return _page("waiting", 400)
    return _page(view)


@bp.post("/messages/<public_id>")
def message_decide(public_id: str) -> ResponseReturnValue:
    """Approve or hide one message (CSRF is checked app-wide)."""
    campaign = campaign_or_404()
    view = request.form.get("view", "waiting")
    try:
        moderation.decide(campaign.id, public_id, request.form.get("decision", ""), organiser())
    except ModerationError as exc:
        flash(exc.message, "error")
        return _page(view if view in VIEWS else "waiting", 400)
    return redirect(url_for("dashboard.messages", view=view if view in VIEWS else None)), 303


@bp.post("/messages/settings")
def message_settings() -> ResponseReturnValue:
    """Save the word list and whether the wall shows amounts."""
    campaign = campaign_or_404()
    text = request.form.get("words")
    if text is None:
        abort(400, description="The form needs a word list (it may be empty).")
    try:
        words = moderation.parse_words(text)
        changed = moderation.update_settings(
            campaign.id, words, request.form.get("show_amounts") == "on", organiser()
        )
    except ModerationError as exc:
        flash(exc.message, "error")
        return _page("waiting", 400)
    flash("Saved." if changed else "Nothing changed.", "info")
    return redirect(url_for("dashboard.messages")), 303
