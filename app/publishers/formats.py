"""Batch payloads: JSON Lines with an ``op`` per item, a CSV that opens in Excel, a manifest.

Every function streams: items come in as an iterable and go out line by line, so a batch of
any size is written in constant memory. The JSON Lines bytes are deterministic for a given set
of items, so a batch's sha256 stays the same however often it is delivered.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.publishers.fields import FIELDS, public_fields

SCHEMA = "creditflow-disclosure/1"
BOM = "\ufeff"


@dataclass(frozen=True)
class Item:
    """One disclosure item as the formats need it."""

    id: int
    op: str
    category: str
    record_id: int
    payload: dict[str, Any]


def jsonl_line(item: Item) -> bytes:
    """One line: the operation, the ids, and the public fields."""
    doc = {
        "op": item.op,
        "item_id": item.id,
        "record_id": item.record_id,
        "category": item.category,
        "fields": public_fields(item.category, item.payload),
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def jsonl(items: Iterable[Item]) -> Iterator[bytes]:
    """The JSON Lines payload, a line at a time."""
    for item in items:
        yield jsonl_line(item)


def csv_lines(category: str, items: Iterable[Item]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel reads it as UTF-8), CRLF rows, a header of the field names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(["操作", "条目编号", "记录编号", *FIELDS[category]])
    yield BOM.encode() + flush()
    for item in items:
        fields = public_fields(category, item.payload)
        writer.writerow([item.op, item.id, item.record_id, *fields.values()])
        yield flush()


def digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """sha256 and size of a stream of bytes."""
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def manifest(batch: dict[str, Any], files: dict[str, dict[str, Any]]) -> bytes:
    """The batch's manifest: what it is, how many items by op, and each file's sha256."""
    doc = {"schema": SCHEMA, **batch, "files": files}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"
