"""Flask extensions, created unbound here and bound in `create_app`."""

from flask import Response
from flask_limiter import Limiter
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


def _hashed_address() -> str:
    # Imported here: security imports this module. The stock key (the raw address)
    # would store visitors' addresses in the limiter's storage (the database).
    from .security.client_keys import address_key

    return address_key()


# Limits are declared per view (see fundraiser/security/card_testing.py), each with
# its own key; storage and strategy come from the RATELIMIT_* settings. A limit
# that names no key gets the hashed address, never the address itself.
limiter = Limiter(key_func=_hashed_address)
