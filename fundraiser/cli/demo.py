"""`fundraiser demo-donations`: a few paid test donations for the offline demo's dashboard."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Donation
from ..payments import stripe_gateway
from ..services.campaigns import campaigns
from ..services.donations import donations
from . import bp

# (amount in pence, name, show the name?, source label)
DEMO_GIFTS = [
    (400, "Alex", True, None),
    (700, "Sam", False, "glasgow-vigil"),
    (2000, None, False, "livestream"),
    (400, "Jo", True, "payday-email-april"),
    (1000, "Kim", True, "livestream"),
    (700, None, False, None),
]


@bp.cli.command("demo-donations")
def demo_donations() -> None:
    """Pay a few donations with Stripe's test card, once, if the campaign has none.

    Test mode only (the emulator or sk_test_ keys). The running app's webhook
    counts them, as it would real ones, a second or so later.
    """
    cfg = current_app.config
    if cfg["ENV_NAME"] == "production" or cfg["STRIPE_SECRET_KEY"].startswith("sk_live"):
        raise click.ClickException("demo-donations runs in test mode only.")
    campaign = campaigns.current_campaign()
    if campaign is None:
        raise click.ClickException("No campaign yet: run `fundraiser demo` first.")
    if db.session.scalar(
        sa.select(Donation.id).where(Donation.campaign_id == campaign.id).limit(1)
    ):
        click.echo("The campaign already has donations; no demo donations added.")
        return
    for amount, name, public, source in DEMO_GIFTS:
        started = donations.start_donation(
            campaign,
            donations.DonationRequest(
                amount_minor=amount,
                display_name=name,
                name_public=public,
                email=f"{name.lower()}@example.org" if name else None,
                source=source,
            ),
        )
        intent_id = started.donation.stripe_payment_intent_id or ""
        result = stripe_gateway.emulator_confirm(intent_id, "pm_card_visa")
        click.echo(f"  {intent_id}: {result['status']}")
    click.echo(f"Paid {len(DEMO_GIFTS)} demo donations; the webhook counts them in a moment.")
