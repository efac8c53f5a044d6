"""Every public and dashboard page fits a phone (320, 375 px) and a laptop (1280 px)
without sideways scroll, in English and Russian, and axe-core finds no violations.

Real Chromium against the live app; axe-core from npm injected into each page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from fundraiser.extensions import db
from fundraiser.models import Campaign, Team
from tests.support.dashboard import make_pledge_row
from tests.support.factories import give, make_team
from tests.support.harness import LiveServer
from tests.support.layout import axe_violations, log_in_organiser, sideways_overflow

WIDTHS = (320, 375, 1280)
LANGUAGES = ("en", "ru")
LONG = "Евакуация людей из Чечни: помощь тем, кому грозит опасность прямо сейчас"


class Site:
    """The seeded site: URLs of its public pages and of the dashboard's."""

    def __init__(self, thanks: str, donation: str) -> None:
        self.public = [
            "/",
            "/t/glasgow",
            "/teams",
            "/supporters",
            "/transparency",
            "/pledge",
            "/privacy",
            f"/thanks/{thanks}",
        ]
        self.dashboard = [
            "/dashboard/",
            "/dashboard/donations",
            f"/dashboard/donations/{donation}",
            "/dashboard/pledges",
            "/dashboard/teams",
            "/dashboard/teams/glasgow",
            "/dashboard/widgets",
            "/dashboard/settings",
            "/dashboard/settings/who-and-where",
            "/dashboard/transfers",
            "/dashboard/offline",
            "/dashboard/links",
            "/dashboard/outbox",
            "/dashboard/audit",
            "/dashboard/organisers",
            "/dashboard/messages",
            "/dashboard/stream",
            "/dashboard/two-factor",
        ]


@pytest.fixture
def site(app: Flask, campaign: Campaign, organiser: str) -> Site:
    """A campaign with long Russian words, a team, gifts with messages and a pledge."""
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        c.title_ru = LONG
        c.story_ru = "Каждый перевод оплачивает билет, жильё и документы.\n\n" * 3
        c.organiser_name = "Robin Pride Group"
        c.beneficiary_name = "Российская ЛГБТ-сеть"
        c.beneficiary_url = "https://lgbtnet.org/a/very/long/path/that/must/wrap/on/a/phone"
        db.session.commit()
        make_pledge_row(c, 1500, date(2030, 1, 25), email="pledger@example.org")
    team: Team = make_team(
        app,
        campaign.id,
        "Glasgow Pride",
        slug="glasgow",
        target_minor=10_000,
        note="Vigil at George Square",
        name_ru="Прайд Глазго",
    )
    client = app.test_client()
    gift = give(
        app,
        client,
        campaign.id,
        700,
        team_id=team.id,
        display_name="Sam",
        name_public=True,
        message="Держитесь! " * 10,
        email="sam@example.org",
    )
    give(app, client, campaign.id, 400)
    return Site(gift.public_id, gift.public_id)


def _context(
    browser: Browser, live_server: LiveServer, width: int, *, axe: bool = False
) -> BrowserContext:
    # axe-core is injected as a script the page's CSP would refuse (rightly): only
    # the axe contexts bypass it; the overflow ones run under the real policy.
    return browser.new_context(
        viewport={"width": width, "height": 800}, base_url=live_server.url, bypass_csp=axe
    )


def _with_lang(url: str, language: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={language}"


Walk = Callable[[int, Callable[[Page], list[str]], bool], list[str]]


@pytest.fixture
def walk(browser: Browser, live_server: LiveServer, site: Site, organiser: str) -> Iterator[Walk]:
    """walk(width, check, axe): `check` on every public page in each language, then on
    every dashboard page (logged in); each problem prefixed with where it was found."""
    contexts: list[BrowserContext] = []

    def run(width: int, check: Callable[[Page], list[str]], axe: bool) -> list[str]:
        found: list[str] = []
        for language in (*LANGUAGES, "dashboard"):
            context = _context(browser, live_server, width, axe=axe)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            dashboard = language == "dashboard"
            if dashboard:
                log_in_organiser(page, organiser)
            for url in site.dashboard if dashboard else site.public:
                response = page.goto(url if dashboard else _with_lang(url, language))
                assert response is not None and response.ok, url
                found += [f"{language} {url}: {problem}" for problem in check(page)]
        return found

    yield run
    for context in contexts:
        context.close()


def _overflow(page: Page) -> list[str]:
    problem = sideways_overflow(page)
    return [problem] if problem else []


# Sideways scroll at every width; axe-core at a phone's and a laptop's.
CHECKS = [(width, "overflow") for width in WIDTHS] + [(375, "axe"), (1280, "axe")]


@pytest.mark.parametrize(("width", "what"), CHECKS)
def test_pages_fit_and_axe_finds_no_violations(walk: Walk, width: int, what: str) -> None:
    axe = what == "axe"
    found = walk(width, axe_violations if axe else _overflow, axe)
    assert found == [], f"{what} at {width}px:\n" + "\n".join(found)


def test_on_a_laptop_the_form_comes_first_and_the_bar_shows_a_sliver(
    browser: Browser, live_server: LiveServer, app: Flask, campaign: Campaign
) -> None:
    give(app, app.test_client(), campaign.id, 1)  # 1p of £50,000: 0.00002%
    context = _context(browser, live_server, 1280)
    page = context.new_page()
    page.goto("/")
    fold = page.viewport_size["height"]
    donate = page.locator("section.donate").bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    story = page.locator("section.story").bounding_box()
    assert donate and heading and story
    # Top right, level with the title, its button-bearing top above the fold.
    assert donate["x"] > 1280 / 2 and abs(donate["y"] - heading["y"]) < 40
    assert page.locator("#donate-heading").bounding_box()["y"] < fold / 4
    assert story["y"] < fold, "the story starts on the first screen"
    # However little is raised, the bar shows it.
    fill = page.locator("[data-field=bar]")
    assert fill.evaluate("el => el.getBoundingClientRect().width") >= 6
    # "... raised of ..." is said once on the page.
    assert page.locator("main").inner_text().count("raised of") == 1
    context.close()
