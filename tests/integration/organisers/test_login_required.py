"""Every page and export that is not deliberately public requires an organiser login.

Walks the app's URL map, so a route added later is covered without a test change:
anything outside PUBLIC must answer an anonymous request with a redirect to
/login (or 401) and none of its content.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from fundraiser.models import Campaign
from tests.support.http import csrf_token

# Blueprints meant for the public (donors, Stripe), and the login page itself.
# "pledges" (issue 3: pledge, pay-link and unsubscribe pages) and "teams" and
# "widgets" (issue 7) are donor-facing blueprints on main; listed so the walk
# holds after the merge. Anything else must require an organiser.
PUBLIC_BLUEPRINTS = {"public", "api", "webhooks", "devtools", "pledges", "teams", "widgets"}
# /healthz is for load balancers; /metrics has its own bearer token (tests/integration/site/test_ops.py).
PUBLIC_BLUEPRINTS |= {"ops"}
# Issue 14: the livestream overlays; their secret token is the credential
# (tests/integration/livestream/test_overlay_token.py).
PUBLIC_BLUEPRINTS |= {"overlay"}
PUBLIC_ENDPOINTS = {"static", "auth.login"}
# Issue 12: pages opened from emailed links (the link is the credential), asking
# for a reset link, and the code step after a right password.
PUBLIC_ENDPOINTS |= {
    "auth.accept_invite",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.two_factor_login",
}


def is_public(rule: Rule) -> bool:
    return rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


def sample_url(rule: Rule) -> str:
    values = {
        arg: 1 if "int" in type(rule._converters[arg]).__name__.lower() else "x"
        for arg in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def protected_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if not is_public(rule)]


def test_there_is_something_to_protect(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in protected_rules(app)}
    for expected in (
        "dashboard.overview",
        "dashboard.donations",
        "dashboard.donations_csv",
        "dashboard.refund",
        "dashboard.offline_list",
        "dashboard.settings",
        "dashboard.audit_log",
        "dashboard.chart_js",
        "dashboard.pledges",
        "dashboard.pledges_csv",
        "dashboard.payday_links",
        "dashboard.link_qr_svg",
        "dashboard.link_qr_png",
        "dashboard.outbox",
        "dashboard.outbox_send",
        "auth.logout",
    ):
        assert expected in endpoints


def test_every_non_public_route_requires_login(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    token = csrf_token(client, "/login")  # a valid token, so only the login check can refuse
    checked = 0
    for rule in protected_rules(app):
        url = sample_url(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code in (302, 401), f"{method} {url}: {response.status_code}"
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), f"{method} {url}"
            body = response.get_data(as_text=True)
            assert "Test drive" not in body and "£" not in body, f"{method} {url} leaked content"
            checked += 1
    assert checked >= 12


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/donations",
        "/dashboard/donations.csv",
        "/dashboard/offline",
        "/dashboard/settings",
        "/dashboard/audit",
        "/dashboard/pledges",
        "/dashboard/pledges.csv",
        "/dashboard/links",
        "/dashboard/outbox",
    ],
)
def test_the_same_pages_open_once_logged_in(
    logged_in: FlaskClient, campaign: Campaign, path: str
) -> None:
    assert logged_in.get(path).status_code == 200
