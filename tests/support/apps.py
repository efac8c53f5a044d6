"""Fresh apps for tests that add their own views or hooks (the session app cannot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from fundraiser import create_app


def fresh_app(database: Path, **config: Any) -> Flask:
    """A new app on the SQLite file `database` (no tables made), with `config` on top."""
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "fresh-app",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
    }
    return create_app({**settings, **config})
