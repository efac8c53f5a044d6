"""Uploaded files as the app stored them: named by their content hash, cached for a year."""

from __future__ import annotations

from flask import Response, abort, request
from flask.typing import ResponseReturnValue

from ..services.media import images, store
from . import bp

# The name is the hash of the bytes: a URL never changes meaning, so caches may keep it.
FOREVER = "public, max-age=31536000, immutable"


@bp.get("/media/<name>")
def media_file(name: str) -> ResponseReturnValue:
    stored = store.by_name(name) or abort(404)
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Cache-Control"] = FOREVER
    response.set_etag(stored.sha256)
    if stored.content_type == images.PDF:
        # A PDF is kept as sent (only pictures are re-encoded): download it rather
        # than open it inside this site's origin.
        response.headers["Content-Disposition"] = 'attachment; filename="confirmation.pdf"'
    return response.make_conditional(request)
