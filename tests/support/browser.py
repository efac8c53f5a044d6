"""Playwright helpers for browser tests against localstripe's fake Stripe.js.

The fake lacks the Payment Element flow, so `attach_stripe_shim` injects
devtools/localstripe-shim.js and gives it a bridge to confirm intents with the
test's secret key. See docs/stripe-offline.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from playwright.sync_api import Browser, BrowserContext, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIM_PATH = REPO_ROOT / "devtools" / "localstripe-shim.js"

# Debian's chromium, run as root in a container with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ConfirmResult(TypedDict):
    """What the shim's confirm bridge answers."""

    status: str | None
    error_code: str | None
    error_message: str | None


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system chromium (`CHROMIUM_PATH` overrides /usr/bin/chromium)."""
    return playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        args=CHROMIUM_ARGS,
    )


def attach_stripe_shim(
    target: Page | BrowserContext, confirm: Callable[[str, str], ConfirmResult]
) -> None:
    """Inject the shim before page scripts run and expose its confirm bridge.

    `confirm(intent_id, card_id)` does server-side what Stripe.js does inside
    Stripe: attach the card and confirm (the app's own
    `stripe_gateway.emulator_confirm`, which holds the secret key).
    """
    target.add_init_script(path=SHIM_PATH)
    target.expose_function("__localstripeConfirm", confirm)


def fill_card(
    page: Page,
    number: str,
    exp_month: str = "12",
    exp_year: str = "34",
    cvc: str = "123",
    postal_code: str = "SW1A1AA",
) -> None:
    """Type a card into the fake's inputs.

    The fake renders plain inputs in the page itself (no iframe), and wants the
    number without spaces and a two-digit year (it prepends "20").
    """
    fields = {
        "number": number.replace(" ", ""),
        "exp_month": exp_month,
        "exp_year": exp_year,
        "cvc": cvc,
        "postal_code": postal_code,
    }
    for placeholder, value in fields.items():
        page.get_by_placeholder(placeholder, exact=True).fill(value)


def complete_3ds(page: Page, succeed: bool = True) -> None:
    """Answer the fake's 3-D Secure modal."""
    name = "Complete authentication" if succeed else "Fail authentication"
    page.get_by_role("button", name=name, exact=True).click()
