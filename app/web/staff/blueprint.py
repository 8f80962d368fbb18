"""The staff pages' blueprint (``/staff``); its errors are pages too."""

from __future__ import annotations

from flask import Blueprint

from app.web.pages import error_page

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.register_error_handler(Exception, error_page)
