"""Setting up the JSON API (``/api/v1``), its OpenAPI description and a locally served docs
page; independent of the pages."""

from __future__ import annotations

from typing import Any

import swagger_ui_bundle
from flask import Blueprint, Flask, send_from_directory
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.exceptions import HTTPException

from app import responders, routing
from app.api import (
    actions,
    disclosure,
    errors,
    imports,
    objections,
    public,
    revocations,
    statistics,
    units,
)
from app.api.schemas import ErrorOut

DOCS_ASSETS = "/api/docs/assets/"


class CreditflowApi(Api):
    """flask-smorest's Api with our error body for HTTP errors."""

    ERROR_SCHEMA = ErrorOut

    def handle_http_exception(self, error: HTTPException) -> Any:
        # flask-smorest answers every HTTP error of the app: let the face of the path answer.
        return responders.respond(error)


api = CreditflowApi()
# Paths' ids are documented as what they are: integers from 0 to MAX_ID.
api.register_converter(routing.IdConverter, integerconverter2paramschema)


def init_api(app: Flask) -> None:
    """Bind the API, its blueprints, the docs assets and the error handlers to ``app``."""
    routing.install(app)  # before the routes that use it
    app.config.update(
        API_TITLE="creditflow",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=DOCS_ASSETS,
        API_SPEC_OPTIONS={
            "info": {
                "description": "Credit work of a fire-rescue detachment. Staff calls carry "
                "`Authorization: Bearer TOKEN` (`creditflow tokens create NAME`). Errors are "
                '`{"code", "message", "errors"}`.'
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    api.init_app(app)
    api.register_blueprint(units.blp)
    api.register_blueprint(actions.blp)
    api.register_blueprint(revocations.blp)
    api.register_blueprint(objections.blp)
    api.register_blueprint(disclosure.blp)
    api.register_blueprint(public.blp)
    api.register_blueprint(statistics.blp)
    api.register_blueprint(imports.blp)
    app.add_url_rule("/metrics", "metrics", disclosure.metrics)

    assets = Blueprint("api_docs_assets", __name__)

    @assets.route(DOCS_ASSETS + "<path:filename>")
    def docs_asset(filename: str) -> Any:
        """Swagger UI files, served from the installed package (no CDN)."""
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    app.register_blueprint(assets)
    errors.register(app)
