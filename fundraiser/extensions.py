"""Flask extensions, created unbound here and bound in `create_app`."""

from flask import Response
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
