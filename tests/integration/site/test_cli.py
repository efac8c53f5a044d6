"""The command line: migrations, campaign creation, the demo."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign


def campaigns_in(app: Flask) -> list[Campaign]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Campaign).order_by(Campaign.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_demo_is_safe_to_run_twice(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["fundraiser", "demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["fundraiser", "demo"])
    assert second.exit_code == 0
    assert "nothing to do" in second.output
    [demo] = campaigns_in(app)
    assert (demo.target_minor, demo.currency) == (5_000_000, "gbp")
    assert [t["amount"] for t in demo.tiers] == [400, 700, 2000]
    assert demo.deadline is not None
    # The demo speaks Russian too: the organiser's words in both languages.
    assert demo.title_ru.startswith("Вывезти") and "Российская ЛГБТ-сеть" in demo.story_ru
    assert [t["label_ru"] for t in demo.tiers] == ["пинта", "коктейль", "на всех"]


def test_create_campaign_with_every_setting(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "fundraiser",
            "create-campaign",
            "--title",
            "Leeds vigil",
            "--target",
            "1500.50",
            "--currency",
            "EUR",
            "--deadline",
            "2026-12-24T23:59:00",
            "--tiers",
            "3=a coffee, 5.5=a pint",
            "--min",
            "2",
            "--max",
            "500",
        ]
    )
    assert result.exit_code == 0, result.output
    [c] = campaigns_in(app)
    assert (c.title, c.slug, c.currency, c.target_minor) == (
        "Leeds vigil",
        "leeds-vigil",
        "eur",
        150050,
    )
    assert c.tiers == [{"amount": 300, "label": "a coffee"}, {"amount": 550, "label": "a pint"}]
    assert (c.min_amount_minor, c.max_amount_minor) == (200, 50000)
    assert c.deadline is not None and c.deadline.isoformat() == "2026-12-24T23:59:00+00:00"


def test_same_title_twice_gets_a_fresh_slug(app: Flask) -> None:
    runner = app.test_cli_runner()
    for _ in range(2):
        assert (
            runner.invoke(
                args=["fundraiser", "create-campaign", "--title", "Hull", "--target", "10"]
            ).exit_code
            == 0
        )
    assert [c.slug for c in campaigns_in(app)] == ["hull", "hull-2"]


def test_bad_settings_are_refused_without_a_traceback(app: Flask) -> None:
    runner = app.test_cli_runner()
    for args in (
        ["--target", "lots"],
        ["--target", "100", "--tiers", "four=a pint"],
        ["--target", "100", "--deadline", "next friday"],
        ["--target", "100", "--currency", "pounds"],
        ["--target", "100", "--min", "50", "--max", "10"],
        ["--target", "100", "--tiers", "500=a crate", "--max", "100"],
    ):
        result = runner.invoke(args=["fundraiser", "create-campaign", "--title", "X", *args])
        assert result.exit_code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output
        assert "Error" in result.output
    assert campaigns_in(app) == []


def test_a_minimum_below_stripes_smallest_charge_is_refused_plainly(app: Flask) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(
        args=["fundraiser", "create-campaign", "--title", "X", "--target", "100", "--min", "0.29"]
    )
    assert refused.exit_code in (1, 2)
    assert "at least £0.30" in refused.output and "Stripe refuses" in refused.output
    assert campaigns_in(app) == []
    eur = ["--currency", "eur", "--min", "0.49"]
    refused = runner.invoke(
        args=["fundraiser", "create-campaign", "--title", "X", "--target", "9", *eur]
    )
    assert "at least €0.50" in refused.output
    taken = runner.invoke(
        args=["fundraiser", "create-campaign", "--title", "X", "--target", "100", "--min", "0.30"]
    )
    assert taken.exit_code == 0, taken.output
    assert [c.min_amount_minor for c in campaigns_in(app)] == [30]


def test_db_upgrade_brings_a_new_database_to_the_schema(tmp_path: object) -> None:
    from flask_migrate import upgrade

    from fundraiser import create_app

    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with fresh.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {
        "campaign",
        "donation",
        "donation_transition",
        "stripe_event",
        "alembic_version",
    } <= tables
