"""A real server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Screenshots of each journey's last page go to ``test-output/screenshots`` (or
``$TEST_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("TEST_SCREENSHOTS", "test-output/screenshots"))


@pytest.fixture
def server(app, tmp_path) -> Iterator[str]:
    """The app served by a threaded WSGI server; its address."""
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)
    httpd.server_close()


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking",
                  "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, server, request):  # type: ignore[no-untyped-def]
    """A new browser context (its own cookies) per person; the last page of each is saved."""
    contexts = []

    def open_(who: str = "page"):  # type: ignore[no-untyped-def]
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        # A person who asked for a decision confirms it (``decline_next_dialog`` to think again).
        page.on("dialog", _accept)
        contexts.append((who, page, context))
        return page

    yield open_
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who, page, context in contexts:
        page.screenshot(path=str(SHOTS / f"{request.node.name}-{who}.png"), full_page=True)
        context.close()


def _accept(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.accept()


def decline_next_dialog(page) -> None:  # type: ignore[no-untyped-def]
    """The next confirmation the page asks for is declined; later ones are accepted again."""
    page.remove_listener("dialog", _accept)

    def decline(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.dismiss()
        page.on("dialog", _accept)

    page.once("dialog", decline)


def sign_in(page, server: str, username: str, password: str = "correct-horse-battery") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{server}/staff/")
