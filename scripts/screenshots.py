"""Take the README's screenshots of a running app: docs/campaign-375.png and -1280.png.

Usage: python scripts/screenshots.py [BASE_URL]   (default http://127.0.0.1:5000)
Uses Debian's chromium, like the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import launch_chromium  # noqa: E402


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ROOT / "docs" / f"campaign-{width}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
