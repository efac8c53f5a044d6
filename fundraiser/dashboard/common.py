"""Small helpers the dashboard views share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, stream_with_context
from flask_login import current_user

from ..models import Organiser
from ..models.types import utcnow
from ..services.organisers import audit
from ..services.reports import donation_table, exports
from ..views import campaign_or_404 as campaign_or_404


def organiser() -> Organiser:
    """The logged-in organiser as a model object (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def csv_export(
    name: str,
    filters: donation_table.Filters,
    errors: list[str],
    columns: list[exports.Column],
    rows: Iterable[Any],
    **audit_details: Any,
) -> Response:
    """The `name` table as a streamed CSV download, audited; 400 (nothing logged)
    when the filters were refused. `rows` must be lazy: they stream after the view."""
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    audit.log(
        "export",
        f"Exported {name} as CSV",
        organiser=organiser(),
        table=name,
        filters=filters.as_args(),
        **audit_details,
    )
    filename = f"{name}-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(exports.csv_text(columns, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
