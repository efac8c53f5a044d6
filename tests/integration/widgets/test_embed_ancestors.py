"""EMBED_FRAME_ANCESTORS decides who may frame the widget pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign

WIDGETS = ["/embed/progress", "/embed/t/glasgow"]


def _ancestors(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    directives = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    return directives["frame-ancestors"]


@pytest.fixture
def team(app: Flask, campaign: Campaign) -> None:
    from fundraiser.services.teams import teams

    with app.app_context():
        teams.create_team(campaign, name="Glasgow Pride", slug="glasgow")


def test_the_widget_pages_use_the_configured_ancestors(
    app: Flask, client: FlaskClient, team: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in WIDGETS:
        assert _ancestors(client, path) == "* file:"  # the default: any site
    monkeypatch.setitem(app.config, "EMBED_FRAME_ANCESTORS", "https://friends.example")
    for path in WIDGETS:
        assert _ancestors(client, path) == "https://friends.example"
    assert _ancestors(client, "/") == "'none'"  # other pages are never framed


def test_a_value_that_would_break_the_header_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from fundraiser.config import _frame_ancestors

    for bad in ("https://a.example; script-src *", "a,b", "x\r\ny"):
        with pytest.raises(RuntimeError, match="EMBED_FRAME_ANCESTORS"):
            _frame_ancestors(bad)
