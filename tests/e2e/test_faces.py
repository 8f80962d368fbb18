"""The JSON API and the pages set up independently, in either order, or alone: each answers
its own errors in its own form, and CSRF guards the pages' forms, never the API."""

from __future__ import annotations

import pytest
from flask import Flask

from app import config
from app.api.setup import init_api
from app.extensions import db, limiter
from app.web.setup import init_web


def build(*setups) -> Flask:  # type: ignore[no-untyped-def]
    app = Flask("app", instance_relative_config=True)
    app.config.update(config.load(app.instance_path, {
        "DATABASE_URL": "sqlite://", "TESTING": True,
        "SECRET_KEY": "s" * 16, "AUDIT_KEY": "k" * 16}))
    db.init_app(app)
    limiter.init_app(app)
    for setup in setups:
        setup(app)
    return app


@pytest.mark.parametrize("order", [(init_api, init_web), (init_web, init_api)],
                         ids=["api-first", "pages-first"])
def test_either_order_gives_each_face_its_own_answers(order):
    client = build(*order).test_client()
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["code"] == "not_found"
    page = client.get("/staff/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    form = client.post("/login", data={"username": "x", "password": "y"})  # no CSRF token
    assert form.status_code == 400 and "页面已过期" in form.get_data(as_text=True)
    call = client.post("/api/v1/units", json={"uscc": "x", "name": "y"})  # no token, no CSRF
    assert call.status_code == 401 and call.get_json()["code"] == "unauthorized"


def test_the_api_alone_and_the_pages_alone():
    api_only = build(init_api).test_client()
    assert api_only.get("/api/v1/no-such-thing").get_json()["code"] == "not_found"
    assert api_only.get("/api/openapi.json").status_code == 200
    pages_only = build(init_web).test_client()
    missing = pages_only.get("/api/v1/units")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
