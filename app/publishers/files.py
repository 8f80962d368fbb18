"""The file publisher (the embedded default): a folder per batch in the outbox folder.

``<outbox>/<category>/<batch id>/items.jsonl``, ``items.csv`` and ``manifest.json``, each
written to a temporary name and renamed into place, the manifest last: a reader that sees the
manifest sees complete files. Delivering a batch again rewrites the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from app.publishers import formats
from app.publishers.base import BatchInfo, ItemSource, PermanentError, Publisher


def write_atomically(path: Path, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write ``chunks`` to ``path`` via a temporary file and a rename; return sha256 and size."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        sha, size = formats.digest(_tee(chunks, fh))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return sha, size


def _tee(chunks: Iterable[bytes], fh: BinaryIO) -> Iterable[bytes]:
    for chunk in chunks:
        fh.write(chunk)
        yield chunk


class FilePublisher(Publisher):
    name = "file"

    def __init__(self, outbox_dir: str | os.PathLike[str]) -> None:
        self.root = Path(outbox_dir)

    def folder(self, batch: BatchInfo) -> Path:
        return self.root / batch.category / batch.id

    def _deliver(self, batch: BatchInfo, items: ItemSource) -> None:
        folder = self.folder(batch)
        folder.mkdir(parents=True, exist_ok=True)
        sha, size = write_atomically(folder / "items.jsonl", formats.jsonl(items()))
        if sha != batch.sha256:
            raise PermanentError(f"payload of {batch.id} does not match its sha256")
        csv_sha, csv_size = write_atomically(
            folder / "items.csv", formats.csv_lines(batch.category, items())
        )
        files = {
            "items.jsonl": {"sha256": sha, "bytes": size},
            "items.csv": {"sha256": csv_sha, "bytes": csv_size},
        }
        info = {
            "batch_id": batch.id,
            "category": batch.category,
            "created_at": batch.created_at,
            "item_count": batch.item_count,
            "sha256": batch.sha256,
            "ops": batch.ops,
        }
        write_atomically(folder / "manifest.json", [formats.manifest(info, files)])
