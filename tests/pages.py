"""A signed-in browser session through the test client: forms carry their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.integration.helpers import row_counts

PASSWORD = "correct-horse-battery"  # what tests.builders.staff gives every account
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Session:
    """One person's browser: sign in, open pages, submit forms as the page would."""

    def __init__(self, app: Flask, username: str | None = None, lang: str | None = None,
                 address: str = "127.0.0.1"):
        self.app = app
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address
        if lang:
            self.client.get(f"/lang/{lang}")
        if username:
            response = self.sign_in(username)
            assert response.status_code == 302, response.get_data(as_text=True)

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = CSRF.search(page)
        if match is None and not self.app.config.get("WTF_CSRF_ENABLED", True):
            return ""
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, username: str, password: str = PASSWORD) -> TestResponse:
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf()},
        )

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def text(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def submit(self, path: str, data: dict[str, Any], page: str | None = None) -> TestResponse:
        """POST ``data`` to ``path`` with the CSRF token of ``page`` (``path`` by default)."""
        token = self.csrf(page or path)
        return self.client.post(path, data={**data, "csrf_token": token})

    def counts(self) -> dict[str, int]:
        with self.app.app_context():
            return row_counts()
