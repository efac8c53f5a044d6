"""Team organisers for dashboard tests: an account limited to one team, logged in."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Team
from fundraiser.services.organisers import organisers
from tests.support.dashboard import login
from tests.support.harness import ORGANISER_PASSWORD


def team_organiser(app: Flask, email: str, team: Team) -> FlaskClient:
    """A client logged in as a new organiser who sees only `team`."""
    with app.app_context():
        organisers.create_organiser(email, ORGANISER_PASSWORD, team=db.session.get(Team, team.id))
    client = app.test_client()
    response = login(client, email, ORGANISER_PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
