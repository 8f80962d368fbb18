"""Batch payloads: JSON Lines with an ``op`` per item, a CSV that opens in Excel, a manifest.

Every item carries ``seq``, its record's sequence number: it grows with every change of the
record (``outbox.next_seq``), and a receiver applies an item only when its ``seq`` is higher
than the one it holds for the record, so no re-sent or late batch brings back an older state.

An item carries its public fields as the JSON text stored with it when the change happened (the
snapshot, already masked): a line is that text with the operation and ids around it, so the
JSON Lines bytes are the same every time a batch is delivered, and no item is decoded and
encoded again. Every function streams: items come in as an iterable and go out line by line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.publishers.fields import FIELDS
from app.workflows.vocabulary import LISTING

# /2: every item carries its record's ``seq``; /3: the subject codes 行政相对人代码_2 … _6 in
# their places (the penalty file has the standard's 30 columns, licensing 28)
SCHEMA = "creditflow-disclosure/3"
BOM = "\ufeff"


@dataclass(frozen=True)
class Item:
    """One disclosure item: its operation, ids, its record's sequence number and the JSON
    text of its public fields."""

    id: int
    op: str
    category: str
    record_id: int | None  # None: a listing's own item
    seq: int
    fields_json: str
    listing_id: int | None = None

    @property
    def subject(self) -> int | None:
        """The id a receiver keeps its ``seq`` by: the record's, or a listing item's listing."""
        return self.listing_id if self.record_id is None else self.record_id


def jsonl_line(item: Item) -> bytes:
    """``{"op", "item_id", "record_id", "seq", "category", "fields"}`` on one line; a
    listing's own item has ``"record_id": null`` and its ``listing_id``."""
    subject = (f'"record_id":{item.record_id}' if item.record_id is not None
               else f'"record_id":null,"listing_id":{item.listing_id}')
    return (
        f'{{"op":"{item.op}","item_id":{item.id},{subject},'
        f'"seq":{item.seq},"category":"{item.category}","fields":{item.fields_json}}}\n'
    ).encode()


CHUNK = 1000  # items per chunk of a streamed file: a million items, a thousand writes


def jsonl(items: Iterable[Item]) -> Iterator[bytes]:
    """The JSON Lines payload, ``CHUNK`` lines at a time."""
    lines: list[bytes] = []
    for item in items:
        lines.append(jsonl_line(item))
        if len(lines) == CHUNK:
            yield b"".join(lines)
            lines.clear()
    if lines:
        yield b"".join(lines)


# Text a spreadsheet would run as a formula (OWASP CSV injection): a CSV cell that starts so
# gets a leading apostrophe, an export's cell Excel's quote prefix; JSON Lines keep the value.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def csv_lines(category: str, items: Iterable[Item]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel reads it as UTF-8), CRLF rows, a header of the field names;
    every cell that would start a formula (``FORMULA_STARTS``) prefixed with an apostrophe.
    The one writer of CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = FIELDS[category]

    def flush() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    subject = "名单编号" if category == LISTING else "记录编号"
    writer.writerow(["操作", "条目编号", subject, "顺序号", *names])
    yield BOM.encode() + flush()
    first, loads, count = _FORMULA_FIRST, json.loads, 0
    for item in items:
        fields = loads(item.fields_json)
        values = [fields.get(n, "") for n in names]
        # Inline, not a function per cell: a million items have twenty million cells.
        writer.writerow([item.op, item.id, item.subject, item.seq, *(
            "'" + v if isinstance(v, str) and v[:1] in first else v for v in values)])
        count += 1
        if count == CHUNK:
            yield flush()
            count = 0
    if count:
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
