"""creditflow: the credit work of a fire-rescue detachment, as a Flask service."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask

from app import config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, API. Nothing starts here."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(app.instance_path, overrides))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    from app.database import configure_engine
    from app.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    with app.app_context():
        configure_engine(db.engine)

    from app import boundary

    boundary.install(app)

    from app.api import init_api

    init_api(app)

    from app.web import init_web

    init_web(app)

    from app import cli

    cli.register(app)
    return app


def _migrations_dir() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def _instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, made on first start."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    with open(path) as fh:
        return fh.read().strip()
