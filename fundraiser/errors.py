"""What users are told: the one error base, and pages that answer in HTML or JSON.

Every error whose message is for a person derives from `UserError`. A service
raises it with words only; the view layer picks the HTTP status
(`fundraiser.views.status_for`), and an error no view caught is answered here.
"""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

# Lazy: translated into the language of the request that shows them.
_PLAIN_WORDS = {
    400: lazy_gettext("The request was not valid."),
    404: lazy_gettext("That page doesn't exist."),
    405: lazy_gettext("That method is not allowed here."),
    413: lazy_gettext("That request is too large."),
    415: lazy_gettext("That kind of content is not accepted here."),
    429: lazy_gettext("Too many requests. Please wait a moment and try again."),
    500: lazy_gettext(
        "Something went wrong on our side. Nothing was charged twice; please try again."
    ),
    503: lazy_gettext("We're very busy right now. Nothing was charged; please try again shortly."),
}
# Seconds a client (or Stripe, for a webhook) is asked to wait after a 503.
_BUSY_RETRY_AFTER = "5"


def is_busy(exc: BaseException) -> bool:
    """True when `exc` is the database being too busy for this request in time:
    SQLite's write lock held past SQLITE_LOCK_TIMEOUT, or no pooled connection
    free within DB_POOL_TIMEOUT. Both are worth a retry, not a 500."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


_CSRF_WORDS = lazy_gettext(
    "Your session expired or the form was sent from elsewhere. Please reload the page and try again."
)


class UserError(Exception):
    """Something a person asked for that can't be done, with words for them.

    `message` is what they read: translated (gettext) where donors read it,
    English on the organisers' pages (dashboard, auth, command line), which are
    not translated. It carries no HTTP status: that is the view's choice.
    """

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/stripe/", "/donate")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def respond(code: int, message: object) -> ResponseReturnValue:
    """`message` (a string, or a lazy translation) as JSON or an error page."""
    message = str(message)
    if wants_json():
        return jsonify(error=message), code
    return render_template("error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    from .views import status_for  # views import services, which import this module

    @app.errorhandler(UserError)
    def user_error(exc: UserError) -> ResponseReturnValue:
        # A refusal no view turned into a page of its own: its words, the view layer's status.
        db.session.rollback()
        return respond(status_for(exc), exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return respond(400, _CSRF_WORDS)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        description = exc.description if exc.description and code != 500 else None
        default_description = type(exc).description
        if description == default_description:
            description = None
        return respond(code, description or _PLAIN_WORDS.get(code, exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        if is_busy(exc):
            app.logger.warning("database busy: %s", type(exc).__name__)
            response = make_response(respond(503, _PLAIN_WORDS[503]))
            response.headers["Retry-After"] = _BUSY_RETRY_AFTER
            return response
        app.logger.exception("unhandled error")
        return respond(500, _PLAIN_WORDS[500])

    @app.errorhandler(InternalServerError)
    def internal(exc: InternalServerError) -> ResponseReturnValue:
        db.session.rollback()
        return respond(500, _PLAIN_WORDS[500])
