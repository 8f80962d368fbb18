"""The publisher interface: ``deliver`` wraps ``_deliver`` with timing, logging and the split
between retryable and permanent failures (the shape of GOV.UK Notify's provider clients)."""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.publishers.formats import Item

log = logging.getLogger("creditflow.publishers")


class DeliveryError(Exception):
    """Delivery failed; ``retryable`` says whether trying again later may succeed, and
    ``retry_after`` (seconds), when the receiver said, not before when."""

    retryable = True
    retry_after: float | None = None


class RetryableError(DeliveryError):
    retryable = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    retryable = False


@dataclass(frozen=True)
class BatchInfo:
    """What a publisher knows of a batch: it never touches the database."""

    id: str
    category: str
    created_at: str
    item_count: int
    sha256: str
    ops: dict[str, int]


ItemSource = Callable[[], Iterable[Item]]


@dataclass(frozen=True)
class Receipt:
    """What the receiver answered to a delivery it accepted: its answer as text (empty for a
    publisher that gets none) and the items it refused, by id, with its reason."""

    text: str = ""
    rejected: dict[int, str] = field(default_factory=dict)


class Publisher(ABC):
    """Delivers one batch. Delivering the same batch again must publish nothing twice."""

    name = "publisher"

    def deliver(self, batch: BatchInfo, items: ItemSource) -> Receipt:
        """Deliver ``batch`` (``items`` may be called more than once: each call streams anew)
        and return the receiver's receipt; a failure raises ``DeliveryError``."""
        started = time.monotonic()
        try:
            receipt = self._deliver(batch, items)
        except DeliveryError as exc:
            log.warning("%s: batch %s failed (%s): %s", self.name, batch.id,
                        "retryable" if exc.retryable else "permanent", exc)
            raise
        except OSError as exc:
            log.warning("%s: batch %s failed (retryable): %s", self.name, batch.id, exc)
            raise RetryableError(str(exc)) from exc
        log.info("%s: batch %s (%d items, %d refused) delivered in %.2f s", self.name, batch.id,
                 batch.item_count, len(receipt.rejected), time.monotonic() - started)
        return receipt

    @abstractmethod
    def _deliver(self, batch: BatchInfo, items: ItemSource) -> Receipt: ...
