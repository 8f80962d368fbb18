"""Staff pages (``/staff``): the work queue, units, records, listings, restoration, disclosure,
administration. Each view parses a form, calls one service function and renders."""

from __future__ import annotations

from flask import Blueprint

from app.web.pages import error_page

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.register_error_handler(Exception, error_page)  # errors on these pages are pages too

from app.web.staff import (  # noqa: E402,F401 - the views register themselves on bp
    admin,
    disclosure,
    listings,
    records,
    restoration,
    revocations,
    units,
)
