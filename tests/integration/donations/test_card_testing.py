"""Card testing: a stolen-card checker hammering POST /donate must barely reach Stripe.

Run alone and read the figure:

    .venv/bin/python -m pytest tests/integration/donations/test_card_testing.py -s

Every check runs before a PaymentIntent is created, so "reached Stripe" is
counted as PaymentIntents in the real localstripe process.
"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from fundraiser import create_app
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.security import card_testing
from tests.support.attack import client_at, donate_as, intent_id, intent_ids, pay
from tests.support.harness import LiveServer, LocalStripe, wait_until
from tests.support.http import csrf_token

ATTACKER = "203.0.113.66"
ATTEMPTS = 200
MOST_THAT_MAY_REACH_STRIPE = 10


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    """The one generic refusal: same status and words for every check, no limit hints."""
    hints = {"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    return (
        response.status_code == card_testing.REFUSAL_STATUS
        and response.json == {"error": card_testing.REFUSAL_MESSAGE}
        and not hints & set(response.headers.keys())
    )


def donation_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) or 0)


def test_200_attempts_from_one_address_reach_stripe_at_most_10_times(
    app: Flask, campaign: Campaign, localstripe: LocalStripe, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="fundraiser")  # 190 refusals would bury the figure
    localstripe.flush()
    answers = {"served": 0, "refused": 0, "other": 0}
    for attempt in range(ATTEMPTS):
        # A fresh session every time (the worst case: no per-session limit, no
        # reuse), a different amount every time, and a forged X-Forwarded-For,
        # which is ignored because no proxy is trusted.
        tester = client_at(app, ATTACKER)
        tester.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{attempt % 250}"
        response = donate_as(tester, amount=f"{1 + attempt % 9}.{attempt % 100:02d}")
        key = (
            "served" if response.status_code == 200 else "refused" if refused(response) else "other"
        )
        answers[key] += 1
    reached = len(intent_ids(localstripe))

    donors = [client_at(app, f"192.0.2.{n}") for n in range(1, 6)]
    donor_answers = [donate_as(donor, amount="4").status_code for donor in donors]
    reached_by_donors = len(intent_ids(localstripe)) - reached

    print(
        f"\n[card testing] {ATTEMPTS} attempts from one address: {reached} reached Stripe "
        f"(at most {MOST_THAT_MAY_REACH_STRIPE} allowed), {answers['refused']} refused; "
        f"{donor_answers.count(200)}/{len(donors)} donors at other addresses served."
    )
    assert answers["other"] == 0, answers
    assert reached == answers["served"] <= MOST_THAT_MAY_REACH_STRIPE
    assert answers["refused"] >= ATTEMPTS - MOST_THAT_MAY_REACH_STRIPE
    assert donor_answers == [200] * len(donors)
    assert reached_by_donors == len(donors)


def test_one_session_from_many_addresses_is_limited_too(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    tester = app.test_client()
    served = 0
    for attempt in range(40):
        tester.environ_base["REMOTE_ADDR"] = f"198.51.100.{attempt + 1}"
        served += donate_as(tester, amount=f"{2 + attempt}").status_code == 200
    assert served == len(intent_ids(localstripe))
    assert 1 <= served <= 5, served


def test_honeypot_is_refused_before_anything_is_written(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    bot = client_at(app, "192.0.2.10")
    assert refused(donate_as(bot, website="http://cheap-pills.example"))
    # A bot posting the plain HTML form, filling every field, is refused the same way.
    token = csrf_token(bot)
    form = {"csrf_token": token, "amount": "4", "website": "x", "email": "a@b.co"}
    assert refused(bot.post("/donate", data=form))
    assert intent_ids(localstripe) == []
    assert donation_count(app) == 0
    # The page shows the field to no one but leaves it in the form for bots.
    page = bot.get("/").get_data(as_text=True)
    assert 'class="hp" aria-hidden="true"' in page
    assert 'name="website" tabindex="-1"' in page


def test_repeated_clicks_reuse_the_open_intent(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    donor = client_at(app, "192.0.2.20")
    first = donate_as(donor, amount="4")
    again = donate_as(donor, amount="4", display_name="Sam", name_public=True)
    assert first.status_code == again.status_code == 200
    assert again.json["client_secret"] == first.json["client_secret"]
    assert again.json["donation"] == first.json["donation"]
    assert len(intent_ids(localstripe)) == 1
    with app.app_context():
        row = db.session.scalar(sa.select(Donation))
        assert (row.display_name, row.name_public) == ("Sam", True)
    # A different amount is a different payment.
    other = donate_as(donor, amount="7")
    assert other.json["donation"] != first.json["donation"]
    assert len(intent_ids(localstripe)) == 2


def test_after_a_decline_a_new_intent_is_made(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    donor = client_at(app, "192.0.2.21")
    first = donate_as(donor, amount="4")
    pay(localstripe, intent_id(first), "pm_card_chargeCustomerFail")
    retry = donate_as(donor, amount="4")
    assert retry.status_code == 200
    assert intent_id(retry) != intent_id(first)
    pay(localstripe, intent_id(retry))
    status = localstripe.client().v1.payment_intents.retrieve(intent_id(retry)).status
    assert status == "succeeded"


def test_repeated_declines_cool_the_session_and_then_the_address_down(
    app: Flask, live_server: LiveServer, campaign: Campaign, localstripe: LocalStripe
) -> None:
    """Declines are counted from Stripe's payment_failed webhooks, per session and address."""
    localstripe.flush()

    def decline(client) -> None:  # type: ignore[no-untyped-def]
        response = donate_as(client, amount="4")
        assert response.status_code == 200, response.json
        pay(localstripe, intent_id(response), "pm_card_chargeCustomerFail")
        public_id = response.json["donation"]
        assert wait_until(
            lambda: client.get(f"/api/donations/{public_id}").json["status"] == "failed"
        )

    # 3 declines then a refusal in one session, 2 more in another: 7 requests from
    # the address, inside its rate limit, so what refuses is the cool-down.
    first_session = client_at(app, ATTACKER)
    for _ in range(app.config["DECLINES_PER_SESSION"]):
        decline(first_session)
    before = len(intent_ids(localstripe))
    assert refused(donate_as(first_session, amount="4"))
    # The same address in a new session may go on until the address's own limit...
    second_session = client_at(app, ATTACKER)
    for _ in range(app.config["DECLINES_PER_ADDRESS"] - app.config["DECLINES_PER_SESSION"]):
        decline(second_session)
    assert refused(donate_as(client_at(app, ATTACKER), amount="4"))
    assert len(intent_ids(localstripe)) == before + 2
    # ...and a donor elsewhere is untouched.
    assert donate_as(client_at(app, "192.0.2.30"), amount="4").status_code == 200


def test_only_a_configured_proxy_may_set_the_client_address(app: Flask) -> None:
    assert not isinstance(app.wsgi_app, ProxyFix)
    behind_proxy = create_app({**app.config, "TRUSTED_PROXIES": 1})
    assert isinstance(behind_proxy.wsgi_app, ProxyFix)
    behind_proxy.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr or "")
    answer = behind_proxy.test_client().get("/_whoami", headers={"X-Forwarded-For": "198.51.100.7"})
    assert answer.get_data(as_text=True) == "198.51.100.7"


def test_changing_fee_cover_or_team_is_a_new_payment(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    """Reuse is only for the same charge: covering the fees changes what is charged."""
    localstripe.flush()
    donor = client_at(app, "192.0.2.21")
    plain = donate_as(donor, amount="4")
    covered = donate_as(donor, amount="4", cover_fees=True)
    assert covered.json["donation"] != plain.json["donation"]
    charged = localstripe.client().v1.payment_intents.retrieve(intent_id(covered))["amount"]
    assert charged == 427  # £4 + 27p cover, not the £4 intent reused
    assert (
        donate_as(donor, amount="4", cover_fees=True).json["donation"] == covered.json["donation"]
    )


def test_pledge_payments_share_the_donate_budget(
    app: Flask, campaign: Campaign, localstripe: LocalStripe
) -> None:
    """The pledge pay link starts payments too: the same per-address limit holds."""
    from fundraiser.services import tokens
    from tests.support.pledges import make_pledge, pledges, today

    localstripe.flush()
    assert make_pledge(client_at(app, "192.0.2.30"), payday=today()).status_code == 303
    with app.app_context():
        path = "/pledge/" + tokens.sign(tokens.PAY, pledges(app)[0].public_id)
    for n in range(30):
        browser = client_at(app, ATTACKER)  # a fresh session each time
        token = csrf_token(browser, path)
        browser.post(
            path + "/donate",
            json={"amount": f"{7 + n}.00"},
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
    assert len(intent_ids(localstripe)) <= MOST_THAT_MAY_REACH_STRIPE


def test_the_pledge_form_is_limited_per_address(app: Flask, campaign: Campaign) -> None:
    """Each pledge mails the address typed in; one address can't make it a spam cannon."""
    from tests.support.pledges import make_pledge, today

    answers = [
        make_pledge(client_at(app, ATTACKER), payday=today(), email=f"victim{n}@example.org")
        for n in range(12)
    ]
    assert sum(a.status_code == 429 for a in answers) >= 7
    assert "Too many requests" in answers[-1].get_data(as_text=True)
    assert answers[-1].mimetype == "text/html"  # a form post gets a page, not JSON
    assert make_pledge(client_at(app, "192.0.2.99"), payday=today()).status_code == 303
