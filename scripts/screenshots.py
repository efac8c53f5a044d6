"""Take the README's screenshots of a running app: the campaign page on a phone
(375 px) and a laptop (1280 px), in English (docs/campaign-375.png, -1280.png)
and Russian (docs/campaign-ru-375.png, -1280.png).

Usage: python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:5000)
Uses Debian's chromium, like the browser tests. Each kind of screenshot is its
own function; main() takes them all.

The livestream overlays (docs/overlay-<bar|alerts|ticker>-<dark|light>.png) come from a
sample drive this script serves itself (a throwaway SQLite database), so they never
show a real donor: `python scripts/screenshots.py --overlays` takes only those.
"""

from __future__ import annotations

import io
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundraiser import create_app  # noqa: E402
from fundraiser.extensions import db  # noqa: E402
from fundraiser.models import (  # noqa: E402
    Campaign,
    Donation,
    DonationStatus,
    ModerationState,
    OverlayAlert,
)
from fundraiser.models.types import utcnow  # noqa: E402
from fundraiser.services.campaigns import campaigns  # noqa: E402
from fundraiser.services.livestream import overlays  # noqa: E402
from tests.support.browser import launch_chromium  # noqa: E402

WIDTHS = (375, 1280)
# The file name's part for each language: English keeps the README's old names.
LANGUAGES = {"en": "", "ru": "-ru"}


def campaign_pages(browser: Browser, base: str) -> list[Path]:
    """The campaign page at each width in each language (whole page, as a donor scrolls it)."""
    taken = []
    for language, suffix in LANGUAGES.items():
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{base}/?lang={language}")
            page.wait_for_load_state("networkidle")
            path = ROOT / "docs" / f"campaign{suffix}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            page.close()
            taken.append(path)
    return taken


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--overlays"]
    base = args[0] if args else "http://127.0.0.1:5000"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        livestream_screenshots(browser)
        if "--overlays" in sys.argv:
            browser.close()
            return
        for path in campaign_pages(browser, base):
            print(path.relative_to(ROOT))
        browser.close()


# --- The livestream overlays (README "Livestream"), over made-up video frames ---

OVERLAY_SHOTS = ("bar", "alerts", "ticker")
# Each frame: a diagonal gradient (top-left colour, bottom-right colour) and soft lights,
# standing in for a dark stage and a bright daytime street behind the overlay.
FRAMES = {
    "dark": (
        (16, 23, 42),
        (75, 45, 79),
        [(1500, 300, 260, (255, 170, 90)), (380, 760, 320, (90, 140, 255))],
    ),
    "light": (
        (247, 244, 234),
        (205, 222, 240),
        [(1450, 260, 300, (255, 255, 255)), (420, 820, 360, (255, 214, 170))],
    ),
}
SHOT_SIZE = (960, 540)  # half size: readable in the README, small in the repository


def video_frame(kind: str) -> Image.Image:
    """A 1920x1080 stand-in for a video frame: a gradient with a few blurred lights."""
    start, end, lights = FRAMES[kind]
    small = Image.new("RGB", (192, 108))
    for x in range(192):
        for y in range(108):
            t = (x / 191 + y / 107) / 2
            small.putpixel(
                (x, y), tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
            )
    frame = small.resize((1920, 1080), Image.Resampling.BICUBIC)
    glow = Image.new("RGB", frame.size, (0, 0, 0))
    draw = ImageDraw.Draw(glow)
    for cx, cy, r, colour in lights:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    glow = glow.filter(ImageFilter.GaussianBlur(120))
    return ImageChops.screen(frame, glow)


def _sample_drive() -> str:
    """A drive with counted gifts and approved messages; returns the overlay token."""
    campaign = campaigns.create_campaign(
        title="Evacuation fund",
        target_minor=5_000_000,
        currency="gbp",
        tiers=campaigns.DEMO_TIERS,
        deadline=utcnow() + timedelta(days=3, hours=5),
    )
    gifts = [
        (2000, "Ada", True, "Stay safe. We are with you."),
        (700, "Sam", False, "From a friend in Leeds"),
        (400, "Grace", True, "Держитесь! Мы с вами."),
        (5000, None, False, "For the next bus out"),
    ] + [(2500, None, False, None)] * 60
    for n, (amount, name, public, message) in enumerate(gifts):
        db.session.add(
            Donation(
                campaign_id=campaign.id,
                amount_minor=amount,
                currency="gbp",
                status=DonationStatus.SUCCEEDED,
                display_name=name,
                name_public=public,
                message=message,
                moderation=ModerationState.APPROVED if (name and public) or message else None,
                stripe_payment_intent_id=f"pi_sample_{n}",
                succeeded_at=utcnow() - timedelta(minutes=len(gifts) - n),
            )
        )
        campaigns.bump_totals(campaign.id, raised=amount, donations=1)
    db.session.commit()
    return overlays.rotate_token(campaign.id, None)


def _alert_now(app: Flask) -> None:
    """One more counted gift, with an approved name and message, in the alert feed
    (what the webhook's receiver writes for a gift it counted)."""
    with app.app_context():
        campaign_id = db.session.scalar(sa.select(Campaign.id))
        donation = Donation(
            campaign_id=campaign_id,
            amount_minor=2000,
            currency="gbp",
            status=DonationStatus.SUCCEEDED,
            display_name="Mira",
            name_public=True,
            message="Thank you for getting them out",
            moderation=ModerationState.APPROVED,
            stripe_payment_intent_id="pi_sample_alert",
            succeeded_at=utcnow(),
        )
        db.session.add(donation)
        campaigns.bump_totals(campaign_id, raised=2000, donations=1)
        db.session.flush()
        db.session.add(
            OverlayAlert(
                campaign_id=campaign_id, donation_id=donation.id, amount_minor=2000, currency="gbp"
            )
        )
        db.session.commit()


def _transparent_shot(page: Page, url: str, name: str, app: Flask) -> Image.Image:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if name == "alerts":
        page.wait_for_function("Number(document.body.dataset.polls || 0) >= 1")
        _alert_now(app)
        page.locator("[data-alert]").wait_for(state="visible")
        page.wait_for_timeout(300)  # let the alert settle before the picture
    if name == "ticker":
        # A moment into the pass, so the band is full of words rather than empty.
        page.evaluate(
            "document.querySelector('[data-track]').getAnimations()[0].currentTime ="
            " document.querySelector('.overlay-ticker-window').clientWidth / 140 * 1000 * 0.9"
        )
    return Image.open(io.BytesIO(page.screenshot(omit_background=True))).convert("RGBA")


def livestream_screenshots(browser: Browser) -> None:
    """docs/overlay-<name>-<frame>.png: each overlay, as OBS would draw it over each frame."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "screenshots-only",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/sample.sqlite3",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with app.app_context():
            upgrade()
            token = _sample_drive()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        frames = {kind: video_frame(kind).convert("RGBA") for kind in FRAMES}
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            for name in OVERLAY_SHOTS:
                overlay = _transparent_shot(page, f"{base}/overlay/{token}/{name}", name, app)
                for kind, frame in frames.items():
                    shot = Image.alpha_composite(frame, overlay).convert("RGB")
                    shot = shot.resize(SHOT_SIZE, Image.Resampling.LANCZOS)
                    shot.save(ROOT / "docs" / f"overlay-{name}-{kind}.png", optimize=True)
            page.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
