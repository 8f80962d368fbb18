"""The HTTP publisher: a signed POST of the batch's JSON Lines to the platform gateway.

Headers: ``Idempotency-Key`` (the batch id: the receiver keeps the first delivery of a key and
acknowledges repeats), ``X-Creditflow-Batch``, ``X-Creditflow-Sha256`` (of the body) and
``X-Creditflow-Signature: sha256=<HMAC-SHA256 of the body with the shared secret>``.
Connect and read timeouts; retries with exponential backoff for timeouts, dropped connections,
429 and 5xx only. Any other 4xx is permanent: the batch is marked failed and shown to staff.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterator

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
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url, self.secret = url, secret.encode()
        self.timeout = (connect_timeout, read_timeout)
        self.attempts, self.backoff, self.sleep = attempts, backoff, sleep

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
        last: Exception | None = None
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = requests.post(
                    self.url, data=_Body(items, size), headers=headers, timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = RetryableError(f"{type(exc).__name__}: {exc}")
                continue
            if response.status_code < 300 or response.status_code == 409:
                return  # 409: the platform already has this idempotency key
            message = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code not in RETRYABLE_STATUS:
                raise PermanentError(message)
            last = RetryableError(message)
        raise last or RetryableError("no attempt made")


class _Body:
    """A streamed body of known length (sent with Content-Length, never held in memory)."""

    def __init__(self, items: ItemSource, size: int) -> None:
        self.items, self.size = items, size

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        return iter(formats.jsonl(self.items()))
