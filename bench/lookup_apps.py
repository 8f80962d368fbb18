"""WSGI apps for bench/lookup.py, served by gunicorn (``CREDITFLOW_DATABASE_URL`` points at
the bench database):

    gunicorn 'bench.lookup_apps:lookup()'   # the service as deployed
    gunicorn 'bench.lookup_apps:bare()'     # a bare Flask endpoint, same URL shape
    gunicorn 'bench.lookup_apps:floor()'    # a bare Flask endpoint running the lookup's query
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask, Response, jsonify

from bench.keys import KEYS


def lookup() -> Flask:
    """The whole service (rate limiter on, with a limit the load never reaches)."""
    from app import create_app

    return create_app({**KEYS, "PUBLIC_RATE_LIMIT": "100000000 per minute"})


def bare() -> Flask:
    """The least a Flask JSON endpoint does for the same URL."""
    app = Flask("bare")

    @app.get("/api/v1/public/units/<uscc>")
    def unit(uscc: str) -> Response:
        return jsonify({"uscc": uscc})

    return app


def floor() -> Flask:
    """A bare Flask endpoint that runs the lookup's own SQL on one open connection per worker
    and returns the rows: what one database round trip costs, without the service around it."""
    import psycopg
    from sqlalchemy.dialects import postgresql

    from app.services.online.public import _LOOKUP

    compiled = _LOOKUP.compile(dialect=postgresql.psycopg.dialect())  # type: ignore[attr-defined]
    url = os.environ["CREDITFLOW_DATABASE_URL"]
    app, held = Flask("floor"), {}

    @app.get("/api/v1/public/units/<uscc>")
    def unit(uscc: str) -> Response:
        conn: Any = held.get("conn")
        if conn is None:
            conn = held["conn"] = psycopg.connect(url, autocommit=True)
        rows = conn.execute(str(compiled), compiled.construct_params({"code": uscc}),
                            prepare=True).fetchall()
        return Response(json.dumps(rows, default=str), mimetype="application/json")

    return app
