"""The donation drive app: `create_app` builds it from the environment."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from . import config as config_module
from . import i18n, sqlite_gate
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, then `test_config` on top."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config_module.check_production(app.config)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_gate.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {},
        lock_timeout=float(app.config["SQLITE_LOCK_TIMEOUT"]),
        pool_size=int(app.config["DB_POOL_SIZE"]),
        pool_timeout=float(app.config["DB_POOL_TIMEOUT"]),
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # The user is offered to templates by templating.py, loaded only where used.
    login_manager.init_app(app, add_context_processor=False)
    from .security import db_limits  # noqa: F401  registers the "fundraiser-db://" storage

    limiter.init_app(app)
    i18n.init_app(app, str(ROOT / "translations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from . import (
        api,
        auth,
        cli,
        dashboard,
        errors,
        http_cache,
        ops,
        overlay,
        pledges,
        public,
        security,
        teams,
        templating,
        webhooks,
        widgets,
        wiring,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(pledges.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(cli.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(widgets.bp)
    app.register_blueprint(overlay.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    errors.init_app(app)
    templating.init_app(app)
    wiring.init_app(app)
    http_cache.init_app(app)
    ops.init_app(app)
    # Last, so its ProxyFix is the outermost WSGI layer: the client's address and
    # scheme are right before anything (the micro-cache, request logs) reads them.
    security.init_app(app)
    if app.config.get("LOCALSTRIPE_SHIM"):
        from . import devtools

        app.register_blueprint(devtools.bp)
    return app


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers carry on while the webhook writes. Concurrent writers queue
    # for up to SQLITE_LOCK_TIMEOUT (sqlite3's `timeout`, set by sqlite_gate as the
    # busy timeout), then fail with "database is locked": a 503, well before
    # gunicorn's worker timeout would kill the worker.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


__all__ = ["create_app"]
