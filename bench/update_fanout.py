"""How long posting an update takes when N supporters asked for updates by email.

Posting renders and queues one email per address in the request's transaction
(services/updates/update_mail.py), so this bounds how many supporters a drive
can have before the POST nears gunicorn's 30 s. One fresh SQLite database;
half the supporters Russian, half English.

    .venv/bin/python -m bench.update_fanout [N ...]   (default: 1000 5000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from flask_migrate import upgrade

from fundraiser import create_app
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.organisers import organisers
from fundraiser.services.updates import updates


def seconds_to_post(supporters: int) -> tuple[int, float]:
    """(emails queued, seconds) for one update to `supporters` consenting donors."""
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'fanout.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PUBLIC_BASE_URL": "http://bench.test",
        }
    )
    with app.app_context():
        upgrade()
        campaign = Campaign(slug="bench", title="Bench", target_minor=100, tiers=[])
        db.session.add(campaign)
        db.session.commit()
        organiser = organisers.create_organiser("bench@example.org", "a long bench password 42")
        asked = datetime.now(UTC)
        db.session.add_all(
            Donation(
                campaign_id=campaign.id,
                amount_minor=100,
                currency="gbp",
                status="succeeded",
                email=f"s{n}@example.org",
                locale="ru" if n % 2 else "en",
                updates_consent_at=asked,
            )
            for n in range(supporters)
        )
        db.session.commit()
        start = time.perf_counter()
        update = updates.post(
            campaign, updates.UpdateEntry(text="News", text_ru="Новости"), organiser
        )
        return update.emails_queued, time.perf_counter() - start


def main(argv: list[str]) -> None:
    for supporters in [int(a) for a in argv] or [1000, 5000]:
        queued, took = seconds_to_post(supporters)
        print(f"{supporters} supporters: {queued} emails queued in {took:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
