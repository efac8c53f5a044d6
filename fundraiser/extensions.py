"""Flask extensions, created unbound here and bound in `create_app`."""

from flask import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()


class SessionLoginManager(LoginManager):
    """Flask-Login without "remember me" cookies, which this app never issues.

    The stock after-request hook reads the session on every response, which
    marks even cookie-free public pages (the embeddable widget) `Vary: Cookie`.
    """

    def _update_remember_cookie(self, response: Response) -> Response:
        return response


login_manager = SessionLoginManager()

# Limits are declared per view (see fundraiser/security/card_testing.py), each with
# its own key; storage and strategy come from the RATELIMIT_* settings.
limiter = Limiter(key_func=get_remote_address)
