"""Campaign settings and the audit log (tracked links and the outbox have their own pages)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..money import format_decimal
from ..services.campaigns import campaign_settings, campaigns, risk_warning
from ..services.campaigns.campaigns import CampaignError
from ..services.organisers import audit
from . import bp
from .common import campaign_or_404, organiser, page_number
from .forms import SettingsForm


def _tiers_text(tiers: list[dict[str, Any]], currency: str, key: str = "label") -> str:
    return ", ".join(
        f"{format_decimal(int(t['amount']), currency)}={t[key]}" for t in tiers if t.get(key)
    )


def _defaults() -> dict[str, str]:
    """The built-in warnings, shown under the fields an organiser leaves empty."""
    return {
        "default_warning_ru": risk_warning.DEFAULTS["ru"],
        "default_warning_en": risk_warning.DEFAULTS["en"],
    }


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = SettingsForm(campaign.currency)
    if not form.is_submitted():
        form.title.data = campaign.title
        form.story.data = campaign.story
        form.title_ru.data = campaign.title_ru
        form.story_ru.data = campaign.story_ru
        form.amount.data = format_decimal(campaign.target_minor, campaign.currency)
        form.deadline.data = campaign.deadline.replace(tzinfo=None) if campaign.deadline else None
        form.tiers.data = _tiers_text(campaign.tiers, campaign.currency)
        form.tiers_ru.data = _tiers_text(campaign.tiers, campaign.currency, "label_ru")
        form.risk_warning_ru.data = campaign.risk_warning_ru or ""
        form.risk_warning_en.data = campaign.risk_warning_en or ""
        return render_template(
            "dashboard/settings.html", campaign=campaign, form=form, **_defaults()
        )
    if form.validate():
        try:
            changed = campaign_settings.update(
                campaign.id,
                campaign_settings.Settings(
                    title=form.title.data or "",
                    story=(form.story.data or "").replace("\r\n", "\n"),
                    title_ru=form.title_ru.data or "",
                    story_ru=(form.story_ru.data or "").replace("\r\n", "\n"),
                    target_minor=form.amount_minor,
                    deadline=form.deadline_utc(),
                    tiers=form.tier_list,
                    risk_warning_ru=(form.risk_warning_ru.data or "").replace("\r\n", "\n"),
                    risk_warning_en=(form.risk_warning_en.data or "").replace("\r\n", "\n"),
                ),
                organiser(),
            )
        except CampaignError as exc:
            flash(str(exc), "error")
        else:
            flash("Saved: " + ", ".join(changed) if changed else "Nothing changed.", "info")
            return redirect(url_for("dashboard.settings"))
    else:
        flash(form.first_error(), "error")
    return render_template(
        "dashboard/settings.html", campaign=campaign, form=form, **_defaults()
    ), 400


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    return render_template(
        "dashboard/audit.html",
        campaign=campaigns.current_campaign(),
        pagination=audit.recent(page_number(request.args.get("page"))),
    )
