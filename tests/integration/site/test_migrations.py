"""Migrations bring a database that holds data to the current schema, and back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from fundraiser import create_app
from fundraiser.extensions import db


def test_upgrade_keeps_rows_written_under_the_first_schema(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite3",
            "SECRET_KEY": "x",
        }
    )
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO campaign (id, slug, title, story, currency, target_minor, tiers,"
                " min_amount_minor, max_amount_minor, raised_minor, donations_count, pledged_minor,"
                " totals_version, created_at, updated_at) VALUES (1, 'c', 'C', '', 'gbp', 100000,"
                " '[]', 100, 1000000, 400, 1, 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO donation (id, public_id, campaign_id, amount_minor, currency, status,"
                " name_public, created_at, updated_at) VALUES (1, 'p1', 1, 400, 'gbp', 'succeeded',"
                " 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO donation_transition (donation_id, from_status, to_status, reason,"
                " created_at) VALUES (1, 'pending', 'succeeded', 't', '2026-11-01 00:00:00')"
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT amount_minor, status FROM donation")).one() == (
                400,
                "succeeded",
            )
            assert conn.execute(sa.text("SELECT count(*) FROM donation_transition")).scalar() == 1
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        downgrade(revision="0001")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT amount_minor FROM donation")).scalar() == 400
        db.engine.dispose()


def test_ledger_outcomes_get_their_code_from_the_text_and_keep_it_as_detail(
    tmp_path: Path,
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/ledger.sqlite3",
            "SECRET_KEY": "x",
        }
    )
    # What the handlers wrote before outcomes had codes, and the code each means.
    written = {
        "counted": "counted",
        "Stripe says succeeded: counted": "counted",
        "marked failed; intent cancelled": "marked_failed",
        "already succeeded": "already",
        "stale failure: Stripe says processing": "stale",
        "no matching donation": "no_match",
        "amount mismatch: intent 400 gbp, donation 427 gbp": "mismatch",
        "currency mismatch: usd on a gbp donation": "mismatch",
        "not a refund": "malformed",
        "malformed payment intent": "malformed",
        "ignored: a live-mode event on test-mode keys; nothing counted": "wrong_mode",
        "refund re_1 recorded (succeeded); raised -500": "recorded",
        "dispute dp_1 needs_response": "recorded",
    }
    with app.app_context():
        upgrade(revision="0040")
        with db.engine.begin() as conn:
            for n, text in enumerate(written):
                conn.execute(
                    sa.text(
                        "INSERT INTO stripe_event (id, type, stripe_created, outcome, source,"
                        " received_at) VALUES (:id, 't', 0, :text, 'webhook', '2026-11-01 00:00:00')"
                    ),
                    {"id": f"evt_{n}", "text": text},
                )
        upgrade(revision="0050")
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT outcome_detail, outcome_code FROM stripe_event")
            ).all()
        assert dict(rows) == written
        downgrade(revision="0040")
        with db.engine.connect() as conn:
            texts = conn.execute(sa.text("SELECT outcome FROM stripe_event")).scalars().all()
        assert sorted(texts) == sorted(written)
        db.engine.dispose()
