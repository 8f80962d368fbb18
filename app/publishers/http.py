"""The HTTP publisher: a signed POST of the batch's JSON Lines to the platform gateway.

Headers: ``Idempotency-Key`` (the batch id: the receiver keeps the first delivery of a key and
acknowledges repeats), ``X-Creditflow-Batch``, ``X-Creditflow-Sha256`` (of the body) and
``X-Creditflow-Signature: sha256=<HMAC-SHA256 of the body with the shared secret>``.
Connect and read timeouts. One delivery is one POST: a timeout, a dropped connection, a 429 or
a 5xx is retryable (carrying the receiver's ``Retry-After``), and the pipeline, which owns
retries and their backoff, tries again later, no sooner than asked; any other 4xx is
permanent: the batch is marked failed and shown to staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import requests

from app.publishers import formats
from app.publishers.base import (
    BatchInfo,
    ItemSource,
    PermanentError,
    Publisher,
    RetryableError,
)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


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
        self.timeout = (connect_timeout, read_timeout)

    def signature(self, items: ItemSource) -> tuple[str, int]:
        """HMAC-SHA256 of the body and its length, computed in a streaming pass."""
        mac, size = hmac.new(self.secret, digestmod=hashlib.sha256), 0
        for chunk in formats.jsonl(items()):
            mac.update(chunk)
            size += len(chunk)
        return "sha256=" + mac.hexdigest(), size

    def _deliver(self, batch: BatchInfo, items: ItemSource) -> None:
        signature, size = self.signature(items)
        headers = {
            "Content-Type": "application/x-ndjson; charset=utf-8",
            "Idempotency-Key": batch.id,
            "X-Creditflow-Batch": batch.id,
            "X-Creditflow-Category": batch.category,
            "X-Creditflow-Sha256": batch.sha256,
            "X-Creditflow-Signature": signature,
        }
        try:
            response = requests.post(
                self.url, data=_Body(items, size), headers=headers, timeout=self.timeout
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code < 300 or response.status_code == 409:
            return  # 409: the platform already has this idempotency key
        message = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code not in RETRYABLE_STATUS:
            raise PermanentError(message)
        raise RetryableError(message, retry_after(response.headers.get("Retry-After")))


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

    def __init__(self, items: ItemSource, size: int) -> None:
        self.items, self.size = items, size

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        return iter(formats.jsonl(self.items()))
