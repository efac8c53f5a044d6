"""Tracked links (/give/<code>, each with its source label): create, list with their figures, copy, and QR codes for print."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from .. import mail
from ..models import Campaign
from ..money import format_money
from ..services.links import links, qr
from . import bp
from .common import campaign_or_404, organiser
from .forms import LinkForm


def link_url(code: str) -> str:
    """The absolute address of /give/<code>, as donors and printed QR codes get it."""
    return mail.external_url("pledges.give", code=code)


def _render(campaign: Campaign, form: LinkForm, code: int = 200) -> ResponseReturnValue:
    return render_template(
        "dashboard/links.html",
        campaign=campaign,
        form=form,
        stats=links.report(campaign),
        link_url=link_url,
    ), code


@bp.route("/links", methods=["GET", "POST"])
def payday_links() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = LinkForm(campaign.currency)
    if not form.is_submitted():
        return _render(campaign, form)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render(campaign, form, 400)
    try:
        link = links.create_link(
            campaign,
            form.code.data or "",
            label=form.label.data,
            amount_minor=form.preset_minor(),
            organiser=organiser(),
        )
    except links.LinkError as exc:
        flash(str(exc), "error")
        return _render(campaign, form, 400)
    amount = format_money(link.amount_minor, campaign.currency) if link.amount_minor else "no"
    flash(f"Created {link_url(link.code)} ({amount} preset amount).", "info")
    return redirect(url_for("dashboard.payday_links"))


def _qr(code: str, kind: str) -> ResponseReturnValue:
    link = links.by_code(campaign_or_404(), code)
    if link is None:
        abort(404, description="There is no such tracked link.")
    return Response(
        qr.qr_image(link_url(link.code), kind),
        mimetype=qr.KINDS[kind],
        headers={"Content-Disposition": f'inline; filename="give-{link.code}.{kind}"'},
    )


@bp.get("/links/<code>/qr.svg")
def link_qr_svg(code: str) -> ResponseReturnValue:
    return _qr(code, "svg")


@bp.get("/links/<code>/qr.png")
def link_qr_png(code: str) -> ResponseReturnValue:
    return _qr(code, "png")
