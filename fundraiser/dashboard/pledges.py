"""The pledges table and its CSV export (the donations table's filters and pages)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from ..services.reports import exports, pledge_table
from . import bp
from .common import campaign_or_404, csv_export, page_number
from .donations import parse_filters


@bp.get("/pledges")
def pledges() -> ResponseReturnValue:
    campaign = campaign_or_404()
    filters, errors = parse_filters(None, pledge_table.STATUSES)
    pagination = pledge_table.page(campaign, filters, page_number(request.args.get("page")))
    return render_template(
        "dashboard/pledges.html",
        campaign=campaign,
        filters=filters,
        errors=errors,
        pagination=pagination,
        statuses=pledge_table.STATUSES,
    ), (400 if errors else 200)


@bp.get("/pledges.csv")
def pledges_csv() -> ResponseReturnValue:
    campaign = campaign_or_404()
    campaign_id = campaign.id
    filters, errors = parse_filters(None, pledge_table.STATUSES)
    rows = pledge_table.rows(campaign_id, filters)
    return csv_export("pledges", filters, errors, exports.PLEDGE_COLUMNS, rows)
