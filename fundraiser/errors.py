"""Error pages that answer in HTML or JSON, with a message a person understands."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

_PLAIN_WORDS = {
    400: "The request was not valid.",
    404: "That page doesn't exist.",
    405: "That method is not allowed here.",
    413: "That request is too large.",
    415: "That kind of content is not accepted here.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. Nothing was charged twice; please try again.",
}


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/stripe/", "/donate")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def respond(code: int, message: str) -> ResponseReturnValue:
    if wants_json():
        return jsonify(error=message), code
    return render_template("error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return respond(
            400,
            "Your session expired or the form was sent from elsewhere. Please reload the page and try again.",
        )

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
        app.logger.exception("unhandled error")
        return respond(500, _PLAIN_WORDS[500])

    @app.errorhandler(InternalServerError)
    def internal(exc: InternalServerError) -> ResponseReturnValue:
        db.session.rollback()
        return respond(500, _PLAIN_WORDS[500])
