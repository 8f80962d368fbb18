"""The HTTP publisher: a signed POST of the batch to the platform gateway, and its receipt.

The body is JSON Lines: first the envelope (``envelope``: schema, batch id, category, created,
item count, counts by op, sha256 of the item lines), then the items as the file publisher
writes them. The request is signed over what identifies it: ``X-Creditflow-Signature:
v1=<HMAC-SHA256, with the shared secret, of "POST\\n<path>\\n<timestamp>\\n<idempotency key>\\n
<sha256 of the body>">``, with ``X-Creditflow-Timestamp`` (Unix seconds) and
``Idempotency-Key`` (the batch id); a receiver refuses a timestamp outside its replay window
(``REPLAY_WINDOW_SECONDS``) and a body whose digest is not ``X-Creditflow-Sha256``.

One delivery is one POST, redirects not followed. What the answer means (``read_answer``):

- a 2xx with a receipt (``RECEIPT_SCHEMA``, the batch's id) whose ``result`` is ``accepted``:
  delivered; items it lists in ``rejected`` are kept as refused, with the reason;
- a 2xx with ``result: refused``, or anything that is not a receipt for this batch (a gateway's
  HTML page, ``{"success": false}``): failed for good, the answer kept;
- a 3xx: failed for good (its ``Location`` in the error): the configured address is not the
  gateway's;
- 408, 425, 429 and every 5xx, a timeout or a dropped connection: retryable (carrying the
  receiver's ``Retry-After``); the pipeline, which owns retries and their backoff, tries again;
- any other 4xx: failed for good, the answer kept and shown to staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from app.publishers import formats
from app.publishers.base import (
    BatchInfo,
    ItemSource,
    PermanentError,
    Publisher,
    Receipt,
    RetryableError,
)

RETRYABLE_STATUS = frozenset({408, 425, 429})  # and every 5xx
RECEIPT_SCHEMA = "creditflow-receipt/1"
REPLAY_WINDOW_SECONDS = 300  # what a receiver should accept around its clock (documented)
ANSWER_KEPT = 2000  # characters of an answer kept with the batch


def envelope(batch: BatchInfo) -> bytes:
    """The body's first line: what the batch is, as the file publisher's manifest says."""
    doc = {"envelope": {
        "schema": formats.SCHEMA, "batch_id": batch.id, "category": batch.category,
        "created_at": batch.created_at, "item_count": batch.item_count, "ops": batch.ops,
        "items_sha256": batch.sha256}}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def body(batch: BatchInfo, items: ItemSource) -> Iterator[bytes]:
    """The body: the envelope, then the item lines (streamed)."""
    yield envelope(batch)
    yield from formats.jsonl(items())


def string_to_sign(method: str, path: str, timestamp: str, key: str, body_sha256: str) -> bytes:
    """What the signature covers, one value a line."""
    return "\n".join((method, path, timestamp, key, body_sha256)).encode()


def sign(secret: bytes, method: str, path: str, timestamp: str, key: str,
         body_sha256: str) -> str:
    """``v1=<hex HMAC-SHA256>`` of ``string_to_sign``."""
    canonical = string_to_sign(method, path, timestamp, key, body_sha256)
    return "v1=" + hmac.new(secret, canonical, hashlib.sha256).hexdigest()


class HttpPublisher(Publisher):
    name = "http"

    def __init__(
        self,
        url: str,
        secret: str,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
    ) -> None:
        self.url, self.secret = url, secret.encode()
        self.path = urlsplit(url).path or "/"
        self.timeout = (connect_timeout, read_timeout)

    def headers(self, batch: BatchInfo, body_sha256: str, now: float | None = None
                ) -> dict[str, str]:
        """The request's headers, signed at ``now`` (the clock: a retry is signed anew)."""
        timestamp = str(int(time.time() if now is None else now))
        return {
            "Content-Type": "application/x-ndjson; charset=utf-8",
            "Idempotency-Key": batch.id,
            "X-Creditflow-Batch": batch.id,
            "X-Creditflow-Category": batch.category,
            "X-Creditflow-Schema": formats.SCHEMA,
            "X-Creditflow-Timestamp": timestamp,
            "X-Creditflow-Sha256": body_sha256,
            "X-Creditflow-Signature": sign(self.secret, "POST", self.path, timestamp, batch.id,
                                           body_sha256),
        }

    def _deliver(self, batch: BatchInfo, items: ItemSource) -> Receipt:
        body_sha256, size = formats.digest(body(batch, items))
        try:
            response = requests.post(
                self.url, data=_Body(batch, items, size), headers=self.headers(batch, body_sha256),
                timeout=self.timeout, allow_redirects=False,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}") from exc
        return read_answer(batch, response.status_code, response.headers, response.text)


def read_answer(batch: BatchInfo, status: int, headers: Any, text: str) -> Receipt:
    """What the platform's answer means (the module's list), or the error it is."""
    answer = f"HTTP {status}: {text[:ANSWER_KEPT]}"
    if 300 <= status < 400:
        raise PermanentError(f"HTTP {status} redirect to {headers.get('Location', '?')} "
                             "(not followed: PLATFORM_URL must be the gateway's own address)")
    if status in RETRYABLE_STATUS or status >= 500:
        raise RetryableError(answer, retry_after(headers.get("Retry-After")))
    if status >= 400 or status < 200:
        raise PermanentError(answer)
    receipt = _receipt(text)
    if receipt is None or receipt.get("batch_id") != batch.id:
        raise PermanentError(f"HTTP {status}, but the answer is not a receipt for this batch "
                             f"({RECEIPT_SCHEMA}): {text[:ANSWER_KEPT]}")
    if receipt.get("result") != "accepted":
        raise PermanentError(f"refused by the platform: {receipt.get('reason') or text}"[
            :ANSWER_KEPT])
    rejected = receipt.get("rejected") or []
    return Receipt(text[:ANSWER_KEPT * 2], {
        int(r["item_id"]): str(r.get("reason") or "")[:500] for r in rejected})


def _receipt(text: str) -> dict[str, Any] | None:
    """The receipt in an answer, or None when the answer is not one (not JSON, another
    schema, a malformed ``rejected`` list)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("schema") != RECEIPT_SCHEMA:
        return None
    rejected = doc.get("rejected", [])
    if not isinstance(rejected, list) or not all(
            isinstance(r, dict) and isinstance(r.get("item_id"), int) for r in rejected):
        return None
    return doc


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None when
    absent or unreadable. Capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), 86400.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max((when - dt.datetime.now(dt.UTC)).total_seconds(), 0.0), 86400.0)


class _Body:
    """A streamed body of known length (sent with Content-Length, never held in memory)."""

    def __init__(self, batch: BatchInfo, items: ItemSource, size: int) -> None:
        self.batch, self.items, self.size = batch, items, size

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        return body(self.batch, self.items)
