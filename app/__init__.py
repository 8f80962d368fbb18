"""creditflow: the credit work of a fire-rescue detachment, as a Flask service."""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any

from flask import Flask

from app import config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, API. Nothing starts here."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(app.instance_path, overrides))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable
    for name, file in (("SECRET_KEY", "secret_key"), ("AUDIT_KEY", "audit_key")):
        if not app.config.get(name):
            app.config[name] = _instance_secret(app.instance_path, file)

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


def _instance_secret(instance_path: str, name: str) -> str:
    """A secret kept in the instance folder, made on first start. Made whole before it
    appears (a hard link never replaces an existing file), so processes starting at once
    all read the one that was written first, never an empty one."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        fd, draft = tempfile.mkstemp(prefix=f".{name}.", dir=instance_path)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            os.unlink(draft)
    with open(path) as fh:
        return fh.read().strip()
