"""Helpers for the unit self-service tests: a listed unit with an access code, sample files."""

from __future__ import annotations

import io
import zlib
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from app.services.online.access import issue_access_code
from tests import builders as b
from tests.pages import Session

# Real (tiny) files: what the upload check must accept, recognised by their first bytes.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)
HTML = b"<!doctype html><script>alert(1)</script>"
ZIP = zlib.compress(b"x")  # neither of the three


def listed(app: Flask, officer: Any, supervisor: Any, days_ago: int = 400,
           **unit: Any) -> tuple[Any, str]:
    """A listed unit (with a legal representative) and a fresh access code for it."""
    with app.app_context():
        return _listed(officer, supervisor, days_ago, **unit)


def _listed(officer: Any, supervisor: Any, days_ago: int, **unit: Any) -> tuple[Any, str]:
    fields = {"legal_representative": "张伟", "contact_phone": "13812345678", **unit}
    u, _, _ = b.listed_unit(officer, supervisor, days_ago=days_ago, **fields)
    return u, issue_access_code(officer, u.uscc)


class UnitBrowser(Session):
    """A unit's browser on the self-service pages."""

    def __init__(self, app: Flask, address: str = "10.0.0.1", lang: str | None = None):
        super().__init__(app, lang=lang)
        self.client.environ_base["REMOTE_ADDR"] = address

    def unit_sign_in(self, uscc: str, code: str) -> TestResponse:
        token = self.csrf("/self/login")
        return self.client.post("/self/login",
                                data={"uscc": uscc, "access_code": code, "csrf_token": token})

    def apply(self, name: str, representative: str = "张伟",
              files: list[tuple[bytes, str]] = (), agree: bool = True,  # type: ignore[assignment]
              path: str = "/self/apply", form_page: str | None = None) -> TestResponse:
        """Sign and submit an application: to leave the list, or ``path`` of a penalty's
        (with the CSRF token of ``form_page`` where ``path`` shows no form)."""
        token = self.csrf(form_page or path)
        data: dict[str, Any] = {"signed_name": name, "signed_representative": representative,
                                "csrf_token": token, "note": "已整改"}
        if agree:
            data["agree"] = "y"
        data["proofs"] = [(io.BytesIO(content), filename) for content, filename in files]
        return self.client.post(path, data=data, content_type="multipart/form-data")
