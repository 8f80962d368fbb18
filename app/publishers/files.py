"""The file publisher (the embedded default): a folder per batch in the outbox storage area
(a local folder the platform collects from, or a bucket of an S3-compatible store).

``<category>/<batch id>/items.jsonl``, ``items.csv`` and ``manifest.json``, each written whole
or not at all (a temporary name renamed into place, or one object PUT), the manifest last: a
reader that sees the manifest sees complete files. Delivering a batch again rewrites the same
bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator

from app.publishers import formats
from app.publishers.base import BatchInfo, ItemSource, PermanentError, Publisher, Receipt
from app.storage import LocalStorage, Storage


class Measured:
    """The bytes of a stream as they pass: sha256 and size."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks, self.sha, self.size = chunks, hashlib.sha256(), 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sha.update(chunk)
            self.size += len(chunk)
            yield chunk

    def facts(self) -> dict[str, object]:
        return {"sha256": self.sha.hexdigest(), "bytes": self.size}


class FilePublisher(Publisher):
    name = "file"

    def __init__(self, outbox: Storage | str | os.PathLike[str]) -> None:
        self.outbox = outbox if isinstance(outbox, Storage) else LocalStorage(outbox)

    def _deliver(self, batch: BatchInfo, items: ItemSource) -> Receipt:
        folder = f"{batch.category}/{batch.id}"
        jsonl = Measured(formats.jsonl(items()))
        self.outbox.write(f"{folder}/items.jsonl", jsonl)
        if jsonl.facts()["sha256"] != batch.sha256:
            raise PermanentError(f"payload of {batch.id} does not match its sha256")
        csv = Measured(formats.csv_lines(batch.category, items()))
        self.outbox.write(f"{folder}/items.csv", csv)
        info = {
            "batch_id": batch.id,
            "category": batch.category,
            "created_at": batch.created_at,
            "item_count": batch.item_count,
            "sha256": batch.sha256,
            "ops": batch.ops,
        }
        files = {"items.jsonl": jsonl.facts(), "items.csv": csv.facts()}
        self.outbox.write(f"{folder}/manifest.json", [formats.manifest(info, files)])
        return Receipt()  # a folder answers nothing: what was written is what was delivered
