"""Running in production: /healthz, JSON request logs with request ids, /metrics.

Nothing here keeps state that another process or machine would need: health
asks the database, logs go to stderr, and metrics are per process (added up
across gunicorn workers through PROMETHEUS_MULTIPROC_DIR) or read from the
database when scraped.
"""

from flask import Blueprint, Flask

bp = Blueprint("ops", __name__)

from . import health, metrics, requestlog  # noqa: E402,F401  (registers views)


def init_app(app: Flask) -> None:
    """Wire request ids, request logs and metrics into `app`, and serve the ops views."""
    requestlog.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
