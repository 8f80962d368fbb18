"""The HTTP publisher: a signed POST of the batch's JSON Lines to the platform gateway.

Headers: ``Idempotency-Key`` (the batch id: the receiver keeps the first delivery of a key and
acknowledges repeats), ``X-Creditflow-Batch``, ``X-Creditflow-Sha256`` (of the body) and
``X-Creditflow-Signature: sha256=<HMAC-SHA256 of the body with the shared secret>``.
Connect and read timeouts; retries with exponential backoff and jitter for timeouts, dropped
connections, 429 and 5xx only, waiting at least what the receiver's ``Retry-After`` asks; a
wait longer than ``max_wait`` ends this delivery, and the pipeline tries again no sooner than
asked. Any other 4xx is permanent: the batch is marked failed and shown to staff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import time
from collections.abc import Callable, Iterator
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
        attempts: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 30.0,
    ) -> None:
        self.url, self.secret = url, secret.encode()
        self.timeout = (connect_timeout, read_timeout)
        self.attempts, self.backoff, self.sleep = attempts, backoff, sleep
        self.max_wait = max_wait

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
        last: RetryableError | None = None
        for attempt in range(self.attempts):
            if attempt:
                # Equal jitter: senders that failed together do not come back together.
                delay = self.backoff * 2 ** (attempt - 1)
                delay = delay / 2 + random.uniform(0, delay / 2)
                asked = last.retry_after if last is not None and last.retry_after else 0.0
                if asked > self.max_wait:
                    raise last or RetryableError("no attempt made")  # the pipeline waits
                self.sleep(max(delay, asked))
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
            last = RetryableError(message, retry_after(response.headers.get("Retry-After")))
        raise last or RetryableError("no attempt made")


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
