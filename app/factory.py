"""The application factory: configuration, secrets, database, the API and the pages, commands."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import boundary, commands, config, health, observability
from app.api.setup import init_api
from app.database import configure_engine
from app.extensions import db, limiter, migrate
from app.web.setup import init_web


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, the API, the pages and the commands.
    Nothing starts here. Raises ``config.ConfigError`` for a setting that cannot be used."""
    app = Flask("app", instance_relative_config=True)  # templates, static, instance as before
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.load(app.instance_path, overrides))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable

    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # the client's address, scheme and host as the trusted proxies saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops)
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    limiter.init_app(app)  # rate limits of the API and the pages alike
    with app.app_context():
        configure_engine(db.engine)

    observability.install(app)  # first: every request has its id, refused ones too
    boundary.install(app)
    init_api(app)  # the JSON API and the pages set up independently, in either order
    init_web(app)
    commands.register(app)
    health.register(app)
    return app


def _migrations_dir() -> str:
    return health.MIGRATIONS

