"""The shipped gunicorn config under a Stripe that does not answer.

Real gunicorn (`-c gunicorn.conf.py`, one worker so that only its threads can
keep it serving), a fresh SQLite database, and a fake Stripe on loopback that
reads requests and never answers (tests/support/stall.py). A donor's request
stuck on Stripe must not hold up /api/progress in the same worker, and when
Stripe's deadline passes the donor gets JSON, never gunicorn's HTML page, and
the donation's row is failed rather than left `created`.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.support.harness import wait_until
from tests.support.serving import Answer, Visitor, gunicorn
from tests.support.stall import StallingServer


def test_a_donor_stuck_on_stripe_does_not_hold_up_progress(tmp_path: Path) -> None:
    with (
        StallingServer() as stripe,
        # A read timeout longer than the test: only release() ends the donor's wait.
        gunicorn(tmp_path, stripe.base, STRIPE_READ_TIMEOUT="600") as server,
    ):
        answers: list[Answer] = []
        donor = threading.Thread(target=lambda: answers.append(Visitor(server.url).donate()))
        donor.start()
        assert wait_until(lambda: stripe.requests_seen == 1, timeout=30)
        assert server.statuses() == ["created"]  # committed before Stripe was asked

        viewer = Visitor(server.url)
        for _ in range(5):
            progress = viewer.send("/api/progress")
            assert progress.status == 200
            assert json.loads(progress.body)["raised"] == 0
        # The same worker answered every poll while the donor was still waiting.
        assert donor.is_alive() and answers == []
        assert stripe.requests_seen == 1

        stripe.release()  # Stripe hangs up without a word
        donor.join(timeout=60)
        [answer] = answers
        assert answer.status == 502
        assert answer.content_type.startswith("application/json")
        assert json.loads(answer.body)["error"]
        assert server.statuses() == ["failed"]


def test_stripes_deadline_gives_the_donor_json_and_a_failed_row(tmp_path: Path) -> None:
    with (
        StallingServer() as stripe,
        gunicorn(
            tmp_path,
            stripe.base,
            STRIPE_CONNECT_TIMEOUT="1",
            STRIPE_READ_TIMEOUT="1",
            STRIPE_MAX_NETWORK_RETRIES="1",
        ) as server,
    ):
        answer = Visitor(server.url).donate()
        assert answer.status == 502
        assert answer.content_type.startswith("application/json")
        assert "payment provider" in json.loads(answer.body)["error"]
        # Nobody released the stall: the client timed out, retried once, gave up.
        assert stripe.requests_seen == 2
        assert server.statuses() == ["failed"]
        # The worker lived through it and still serves.
        assert Visitor(server.url).send("/api/progress").status == 200
