"""What the printed notices share: the self-service address a unit types or scans, and its QR
code, drawn here as inline SVG (segno; nothing is fetched from the internet)."""

from __future__ import annotations

import segno
from flask import url_for
from markupsafe import Markup

from app.services.base.context import setting_str


def self_service_url(uscc: str | None = None) -> str:
    """The self-service sign-in address under the service's public address (``BASE_URL``,
    the one reminders link to), with the unit's code filled in when given."""
    path = url_for("self.login", uscc=uscc) if uscc else url_for("self.login")
    return setting_str("BASE_URL").rstrip("/") + path


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code (error correction M), an inline SVG that prints sharp."""
    code = segno.make(text, error="m", micro=False)
    return Markup(code.svg_inline(scale=4, dark="#000", light="#fff", border=2, omitsize=True,
                                  title=text, svgclass="qr"))
