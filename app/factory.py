"""The application factory: configuration, secrets, database, the API and the pages, commands."""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any

from flask import Flask

from app import boundary, commands, config, health
from app.api.setup import init_api
from app.database import configure_engine
from app.extensions import db, limiter, migrate
from app.web.setup import init_web


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, the API, the pages and the commands.
    Nothing starts here."""
    app = Flask("app", instance_relative_config=True)  # templates, static, instance as before
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(app.instance_path, overrides))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable
    for name, file in (("SECRET_KEY", "secret_key"), ("AUDIT_KEY", "audit_key")):
        if not app.config.get(name):
            app.config[name] = _instance_secret(app.instance_path, file)

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    limiter.init_app(app)  # rate limits of the API and the pages alike
    with app.app_context():
        configure_engine(db.engine)

    boundary.install(app)
    init_api(app)  # the JSON API and the pages set up independently, in either order
    init_web(app)
    commands.register(app)
    health.register(app)
    return app


def _migrations_dir() -> str:
    return health.MIGRATIONS


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
