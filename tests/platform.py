"""A public credit platform of the tests' own, on 127.0.0.1: it verifies each request and
applies it by sequence with the very code docs/disclosure.md gives platform developers (the
``python verify-example`` block), answers with receipts, and keeps what the public would see.

A test scripts answers ahead of the contract (``script``: a redirect, a 507, a 200 with a
failure body) and items to refuse (``refuse``); ``state`` is what the platform ends up holding.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[1] / "docs" / "disclosure.md"


def documented_receiver() -> dict[str, Any]:
    """The functions of the documented verification example, run as written."""
    text = DOCS.read_text("utf-8")
    found = re.search(r"```python verify-example\n(.*?)```", text, re.S)
    assert found, "docs/disclosure.md has no verification example"
    scope: dict[str, Any] = {}
    exec(compile(found.group(1), str(DOCS), "exec"), scope)  # noqa: S102 - our own docs
    return scope


Answer = tuple[int, dict[str, str], bytes]


class Platform:
    """The receiving platform; ``url`` is its gateway."""

    def __init__(self, secret: str, path: str = "/batches") -> None:
        receiver = documented_receiver()
        self.verify, self.apply = receiver["verify"], receiver["apply"]
        self.secret, self.path = secret.encode(), path
        self.script: list[Answer] = []  # answered first, one per POST, before the contract
        self.refuse: Callable[[dict[str, Any]], str | None] = lambda item: None
        self.held: dict[int, int] = {}  # highest seq applied per record
        self.state: dict[int, dict[str, Any]] = {}  # what the public sees, per record
        self.receipts: dict[str, dict[str, Any]] = {}  # per idempotency key
        self.posts: list[str] = []  # the key of every POST, in order
        self.bodies: list[bytes] = []  # and its body
        self.gets = 0
        self.refused_requests: list[str] = []  # why a request failed verification
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> Answer:
        with self.lock:
            self.posts.append(headers.get("Idempotency-Key") or "")
            self.bodies.append(body)
            if self.script:
                return self.script.pop(0)
            why = self.verify(self.secret, method, path, headers, body)
            if why:
                self.refused_requests.append(why)
                return 401, {}, json.dumps({"error": why}).encode()
            key = headers["Idempotency-Key"]
            if key not in self.receipts:
                self.receipts[key] = self._take(body)
            return 200, {"Content-Type": "application/json"}, json.dumps(
                self.receipts[key], ensure_ascii=False).encode()

    def _take(self, body: bytes) -> dict[str, Any]:
        """The documented ``apply``, after leaving out the items this platform refuses."""
        lines = body.decode("utf-8").splitlines()
        kept, rejected = [lines[0]], []
        for line in lines[1:]:
            reason = self.refuse(json.loads(line))
            if reason:
                rejected.append({"item_id": json.loads(line)["item_id"], "reason": reason})
            else:
                kept.append(line)
        receipt = self.apply("\n".join(kept).encode(), self.held, self.state)
        receipt["rejected"] = rejected
        return dict(receipt)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - where a followed redirect would land
                platform.gets += 1
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, answer = platform.answer("POST", self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler


def lines_of(body: bytes) -> list[dict[str, Any]]:
    """The items of a body (without its envelope)."""
    return [json.loads(line) for line in body.decode("utf-8").splitlines()[1:]]


def receipt_for(body: bytes, **extra: Any) -> bytes:
    """An accepting receipt for a body (for the tests' simpler platforms)."""
    envelope = json.loads(body.decode("utf-8").split("\n", 1)[0])["envelope"]
    return json.dumps({"schema": "creditflow-receipt/1", "batch_id": envelope["batch_id"],
                       "result": "accepted", "rejected": [], **extra}).encode()
