"""Organiser accounts in real Chromium (issue 12): an organiser invites Kim by email
(received by a real SMTP server), Kim chooses a password, is made to set up
two-factor login (REQUIRE_2FA) by scanning the QR code, logs in again with a code
from the authenticator, and is deactivated, which ends the session she has open."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from fundraiser.services.organisers import organisers, two_factor
from tests.support.accounts import urls
from tests.support.harness import ORGANISER_PASSWORD, LiveServer
from tests.support.qr import decode_png
from tests.support.smtp import SmtpSink

OpenPage = Callable[..., Page]
KIM = "kim@example.org"
KIM_PASSWORD = "kim chose this one"


@pytest.fixture(autouse=True)
def _settings(app: Flask, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server.url)
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)


def enrolled_admin(app: Flask, email: str) -> str:
    """Give the inviting organiser an authenticator already (REQUIRE_2FA holds for them too)."""
    with app.app_context():
        admin = organisers.by_email(email)
        assert admin is not None
        secret = two_factor.begin_enrolment(admin).secret
        two_factor.confirm_enrolment(admin, pyotp.TOTP(secret).now())
    return secret


def next_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30)


def log_in(page: Page, email: str, password: str, secret: str | None) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if secret is not None:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        page.get_by_label("Code").fill(next_code(secret))
        page.get_by_role("button", name="Log in").click()


def test_invite_password_totp_login_deactivate(
    new_page: OpenPage,
    app: Flask,
    campaign: Campaign,
    organiser: str,
    smtp: SmtpSink,
    live_server: LiveServer,
) -> None:
    admin_secret = enrolled_admin(app, organiser)
    admin = new_page("/dashboard/organisers", width=1280)
    log_in(admin, organiser, ORGANISER_PASSWORD, admin_secret)
    expect(admin.get_by_role("heading", name="Organisers")).to_be_visible()

    admin.get_by_label("Email of the new organiser").fill(KIM)
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Invitation emailed to {KIM}")
    expect(admin.locator(f'[data-invite="{KIM}"]')).to_be_visible()

    [email] = smtp.to(KIM)
    [link] = [u for u in urls(email.text) if "/invite/" in u]
    assert link.startswith(live_server.url + "/invite/")

    kim = new_page(link, width=1280)
    expect(kim.locator("[data-field=email]")).to_have_text(KIM)
    kim.get_by_label("New password").fill(KIM_PASSWORD)
    kim.get_by_label("Type it again").fill(KIM_PASSWORD)
    kim.get_by_role("button", name="Create my account").click()
    expect(kim.get_by_role("status")).to_contain_text("Your account kim@example.org is ready")

    # Her password works, but the dashboard first asks her to set up an authenticator.
    log_in(kim, KIM, KIM_PASSWORD, None)
    expect(kim).to_have_url(re.compile(r"/dashboard/two-factor$"))
    kim.get_by_role("button", name="Set up two-factor login").click()
    # Read the QR code off the screen, as her phone would.
    [uri] = decode_png(kim.locator("[data-field=qr] svg").screenshot())
    assert uri.startswith("otpauth://totp/") and "kim%40example.org" in uri
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    assert kim.locator("[data-field=secret]").inner_text() == secret
    kim.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    kim.get_by_role("button", name="Turn on two-factor login").click()
    expect(kim.get_by_role("status")).to_contain_text("Two-factor login is on")
    expect(kim.locator("[data-list=recovery-codes] li")).to_have_count(10)
    kim.get_by_role("link", name="Donations", exact=True).click()
    expect(kim).to_have_url(re.compile(r"/dashboard/donations"))

    # Log out, and in again: now the password alone is not enough.
    kim.get_by_role("button", name="Log out").click()
    expect(kim).to_have_url(re.compile(r"/login$"))
    kim.goto("/dashboard/")
    log_in(kim, KIM, KIM_PASSWORD, secret)
    expect(kim.locator("[data-stat=raised]")).to_be_visible()

    # The other organiser sees her access, then takes it away.
    admin.reload()
    row = admin.locator(f'tr[data-organiser="{KIM}"]')
    expect(row.locator("[data-field=two-factor]")).to_have_text("on")
    expect(row.locator("[data-field=last-login]")).not_to_have_text("—")
    row.get_by_role("button", name=f"Deactivate {KIM}").click()
    expect(admin.get_by_role("status")).to_contain_text(f"{KIM} is deactivated")
    expect(row).to_contain_text("deactivated")

    # Her open session stops at her next click; her password no longer logs in.
    kim.get_by_role("link", name="Donations", exact=True).click()
    expect(kim).to_have_url(re.compile(r"/login\?next="))
    log_in(kim, KIM, KIM_PASSWORD, None)
    expect(kim.get_by_role("alert")).to_contain_text("don't match an organiser")
