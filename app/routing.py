"""Ids in paths: one converter for every route of the API and the pages (``<id:record_id>``).

Rows' ids, versions and counts are 32-bit integers in the database: a larger number in a
path is no row (404), never a query the database refuses (a 500 on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """A non-negative integer up to ``MAX_ID``."""

    def __init__(self, url_map: Map, *_args: Any, **_kwargs: Any) -> None:
        super().__init__(url_map, max=MAX_ID)


def install(app: Flask) -> None:
    """Name the converter ``id`` (before any blueprint registers its routes); each face
    installs it, so that either works alone and in either order."""
    app.url_map.converters["id"] = IdConverter
