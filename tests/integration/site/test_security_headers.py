"""Headers, cookies, CSRF, request limits and redirects: what every response promises."""

from __future__ import annotations

import re

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from fundraiser.config import STRIPE_JS_DEFAULT
from fundraiser.extensions import csrf
from fundraiser.models import Campaign
from fundraiser.security import headers
from fundraiser.security.redirects import is_local_path, safe_target
from tests.support.harness import LocalStripe
from tests.support.http import csrf_token


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_pages_get_the_csp_and_the_other_headers(
    client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    for path in ["/", "/api/progress", "/no-such-page", "/static/js/donate.js"]:
        response = client.get(path)
        csp = directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"]
        # Stripe.js (here localstripe's stand-in) and this site; no inline script.
        assert csp["script-src"] == ["'self'", localstripe.base]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert csp["connect-src"] == ["'self'", localstripe.base]
        assert csp["frame-src"] == [localstripe.base, "https://hooks.stripe.com"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_real_stripe_gets_stripes_own_origins(app: Flask) -> None:
    config = {**app.config, "STRIPE_JS_URL": STRIPE_JS_DEFAULT, "STRIPE_API_BASE": ""}
    csp = directives(headers.content_security_policy(config))
    assert csp["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert csp["frame-src"] == [
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
    ]
    assert csp["connect-src"] == ["'self'", "https://api.stripe.com"]


def test_no_page_has_inline_script_or_third_party_assets(
    client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the page has scripts"
    for attributes, body in scripts:
        assert body.strip() == "", "inline script would be refused by the CSP"
        src = re.search(r'src="([^"]+)"', attributes)
        assert src and (src.group(1).startswith("/") or src.group(1).startswith(localstripe.base))
    assert not re.search(r"\son\w+=", html), "inline event handlers are script too"
    # The share links are plain links the donor follows (no asset loads from
    # them), and only to the known share pages (services/campaigns/sharing.py).
    share_hosts = {"https://wa.me/", "https://t.me/", "https://vk.com/", "https://x.com/"}
    share_hosts.add("https://www.facebook.com/")
    shares = re.findall(r'<a class="share-link-[a-z]+" href="(https?://[^"]+)"', html)
    assert shares and all(url.startswith(tuple(share_hosts)) for url in shares), shares
    rest = re.sub(r'<a class="share-link-[a-z]+" href="[^"]+"', "", html)
    # Other absolute links may point at this site itself (its own share URL, Open Graph).
    for url in re.findall(r'(?:href|src|content)="(https?://[^"]+)"', rest):
        assert url.startswith((localstripe.base, "http://localhost/")), url


def test_hsts_only_over_https(client: FlaskClient) -> None:
    secure = client.get("/api/progress", base_url="https://donate.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/api/progress").headers


def test_embeddable_views_may_be_framed(app: Flask) -> None:
    """Issue 7's embed page marks its view @embeddable; nothing else is."""
    framed = create_plain_app(app)

    @framed.get("/embed-probe")
    @headers.embeddable
    def probe() -> str:
        return "ok"

    @framed.get("/own-policy-probe")
    def own_policy() -> Response:
        # As issue 7's widget decorator does: its own policy, the mark on the response.
        response = Response("ok", headers={"Content-Security-Policy": "frame-ancestors *"})
        setattr(response, headers.EMBEDDABLE_ATTR, True)
        return response

    response = framed.test_client().get("/embed-probe")
    assert directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in response.headers
    own = framed.test_client().get("/own-policy-probe")
    assert own.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert "X-Frame-Options" not in own.headers
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    other = framed.test_client().get("/api/progress")
    assert directives(other.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def create_plain_app(app: Flask) -> Flask:
    from fundraiser import create_app

    return create_app(dict(app.config))


def test_session_cookie_is_httponly_and_lax(client: FlaskClient, campaign: Campaign) -> None:
    client.get("/")
    assert client.get_cookie("session") is None, "the shared campaign page sets no cookie"
    client.get("/api/csrf-token")  # where a donor's session starts
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    from fundraiser.config import from_environment

    monkeypatch.setenv("FUNDRAISER_ENV", "production")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = from_environment("/tmp")
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_request_size_and_form_limits(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024
    token = csrf_token(client)
    many_parts = {f"f{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 5)}
    response = client.post(
        "/donate",
        data={"csrf_token": token, **many_parts},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.json["error"]


def _dummy_url(app: Flask, endpoint: str, arguments: set[str]) -> str:
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(endpoint, {name: "1" for name in arguments})


def test_every_state_changing_route_needs_csrf_except_signed_ones(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """Walks the URL map, so routes added later are held to this too."""
    exempt_ok = {
        "fundraiser.webhooks.routes.stripe_webhook",  # signed by Stripe instead
        "fundraiser.devtools.confirm",  # offline demo only
        "fundraiser.pledges.routes.unsubscribe",  # RFC 8058 one-click; the signed token is the check
        "fundraiser.public.updates.updates_unsubscribe",  # the same, for update emails
    }
    exempt = set(csrf._exempt_views)
    assert exempt <= exempt_ok, f"unexpected CSRF exemptions: {exempt - exempt_ok}"
    checked = 0
    for rule in app.url_map.iter_rules():
        unsafe = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        view = app.view_functions[rule.endpoint]
        if not unsafe or f"{view.__module__}.{view.__name__}" in exempt:
            continue
        url = _dummy_url(app, rule.endpoint, set(rule.arguments))
        for method in unsafe:
            response = client.open(url, method=method, data={"amount": "4"})
            assert response.status_code == 400, (rule.rule, method, response.status_code)
            assert "reload the page" in response.get_data(as_text=True)
            checked += 1
    assert checked >= 1


BAD_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " /x",
    "javascript:alert(1)",
    "http:/evil.example",
    "",
    None,
    42,
]


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_redirects_refuse_other_sites(target: object) -> None:
    assert not is_local_path(target)
    assert safe_target(target, "/") == "/"


@pytest.mark.parametrize("target", ["/", "/thanks/abc", "/dashboard?tab=refunds#top"])
def test_redirects_keep_local_paths(target: str) -> None:
    assert safe_target(target, "/fallback") == target


@given(st.text(max_size=60))
def test_any_redirect_target_stays_on_this_site(target: str) -> None:
    from urllib.parse import urljoin, urlsplit

    result = safe_target(target, "/")
    # However a browser resolves it against this site, it stays on this site.
    resolved = urlsplit(urljoin("https://donate.example.org/page", result))
    assert (resolved.scheme, resolved.netloc) == ("https", "donate.example.org")
