"""One error base for what users are told; the view layer picks the status.

No database or emulator: the app is built on an in-memory SQLite that is
never migrated, and only answers the routes these tests add.
"""

from __future__ import annotations

import pytest
from flask import Flask

from fundraiser import create_app
from fundraiser.errors import UserError
from fundraiser.money import AmountError
from fundraiser.services.campaigns.campaigns import CampaignError
from fundraiser.services.links.links import LinkError
from fundraiser.services.offline.offline import OfflineError
from fundraiser.services.organisers.organisers import OrganiserError
from fundraiser.services.organisers.scope import ScopeError
from fundraiser.services.organisers.two_factor import TwoFactorError
from fundraiser.services.pledges.pledges import PledgeError
from fundraiser.services.refunds.organiser_refunds import RefundError
from fundraiser.services.teams.teams import TeamError
from fundraiser.services.tokens import TokenError, TokenGone
from fundraiser.views import status_for

# Every error whose message a person reads (donor or organiser).
USER_FACING = [
    AmountError,
    CampaignError,
    LinkError,
    OfflineError,
    OrganiserError,
    PledgeError,
    RefundError,
    ScopeError,
    TeamError,
    TokenError,
    TokenGone,
    TwoFactorError,
]


@pytest.mark.parametrize("error", USER_FACING, ids=lambda e: e.__name__)
def test_each_user_facing_error_derives_from_the_base_and_carries_no_status(
    error: type[UserError],
) -> None:
    assert issubclass(error, UserError)
    refused = error("words for a person")
    assert refused.message == str(refused) == "words for a person"
    assert not hasattr(refused, "status")


def test_the_view_layer_picks_the_status() -> None:
    assert status_for(TokenGone("expired")) == 410
    assert status_for(TokenError("not valid")) == 400
    assert status_for(ScopeError("not your team")) == 403
    assert status_for(PledgeError("that date has passed")) == 400


@pytest.fixture
def bare_app() -> Flask:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})

    @app.get("/api/refused")
    @app.get("/refused")
    def refused() -> str:
        raise TokenGone("This link has expired.")

    return app


def test_an_uncaught_user_error_answers_json_on_the_api(bare_app: Flask) -> None:
    response = bare_app.test_client().get("/api/refused")
    assert response.status_code == 410
    assert response.json == {"error": "This link has expired."}


def test_an_uncaught_user_error_answers_a_page_elsewhere(bare_app: Flask) -> None:
    response = bare_app.test_client().get("/refused", headers={"Accept": "text/html"})
    assert response.status_code == 410
    assert response.mimetype == "text/html"
    assert "This link has expired." in response.get_data(as_text=True)
