"""Take the README's screenshots of a running app: the campaign page on a phone
(375 px) and a laptop (1280 px), in English (docs/campaign-375.png, -1280.png)
and Russian (docs/campaign-ru-375.png, -1280.png).

Usage: python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:5000)
Uses Debian's chromium, like the browser tests. Each kind of screenshot is its
own function; main() takes them all.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for path in campaign_pages(browser, base):
            print(path.relative_to(ROOT))
        browser.close()


if __name__ == "__main__":
    main()
