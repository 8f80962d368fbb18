"""Proofs uploaded with a restoration application: checked by content, stored outside the
web root (the ``uploads`` storage area) under random names, readable only through the views
that check who asks."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass

import filetype

from app.errors import ValidationFailed
from app.i18n import N_
from app.services.base.context import setting_int
from app.services.base.files import area
from app.storage import Exists

# What an upload may be, recognised by its first bytes (never by its name or declared type).
ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
FIELD = "proofs"
TOO_MANY = N_("上传的文件过多。")
EMPTY = N_("文件为空。")
TOO_LARGE = N_("文件超过大小限制。")
WRONG_TYPE = N_("只接受 PDF、JPEG 或 PNG 文件（按文件内容识别，与文件名无关）。")


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the sender gave and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its content type by content, size and digest."""

    filename: str
    data: bytes
    content_type: str
    sha256: str


@dataclass(frozen=True)
class Stored:
    """A checked upload written to the upload folder."""

    checked: Checked
    stored_name: str


def clean_name(filename: str) -> str:
    """The sender's file name for display only: no folders, no control characters, bounded."""
    base = os.path.basename((filename or "").replace("\\", "/"))
    printable = "".join(c for c in base if c.isprintable()).strip()
    return printable[:200] or "file"


def check_uploads(uploads: list[Upload]) -> list[Checked]:
    """Every upload checked, or ``ValidationFailed`` naming each bad file; nothing is written."""
    limit, count = setting_int("UPLOAD_MAX_BYTES"), setting_int("UPLOAD_MAX_FILES")
    if len(uploads) > count:
        raise ValidationFailed(TOO_MANY, {FIELD: [TOO_MANY]}, max_files=count)
    checked, problems = [], []
    for upload in uploads:
        name = clean_name(upload.filename)
        if not upload.data:
            problems.append((name, EMPTY))
        elif len(upload.data) > limit:
            problems.append((name, TOO_LARGE))
        else:
            kind = filetype.guess(upload.data)
            if kind is None or kind.mime not in ALLOWED:
                problems.append((name, WRONG_TYPE))
            else:
                digest = hashlib.sha256(upload.data).hexdigest()
                checked.append(Checked(name, upload.data, kind.mime, digest))
    if problems:
        raise ValidationFailed(problems[0][1], {FIELD: [m for _, m in problems]},
                               files=[n for n, _ in problems], max_bytes=limit)
    return checked


def store(checked: list[Checked]) -> list[Stored]:
    """Write each file under a new random name; never replaces a file (exclusive writes)."""
    stored: list[Stored] = []
    uploads = area("uploads")
    try:
        for item in checked:
            while True:
                name = f"{secrets.token_hex(16)}.{ALLOWED[item.content_type]}"
                try:
                    uploads.write(name, [item.data], exclusive=True)
                    break
                except Exists:
                    continue  # 128 random bits met an earlier name: draw again
            stored.append(Stored(item, name))
    except Exception:
        remove([s.stored_name for s in stored])
        raise
    return stored


def remove(names: list[str]) -> None:
    """Delete stored files (their application was refused, or their retention ended)."""
    uploads = area("uploads")
    for name in names:
        uploads.delete(os.path.basename(name))


def download_name(original_name: str, content_type: str) -> str:
    """The name a proof downloads under: the sender's name, with the extension of the type
    its content was recognised as (never the sender's own extension)."""
    stem = os.path.splitext(clean_name(original_name))[0] or "file"
    return f"{stem}.{ALLOWED.get(content_type, 'bin')}"


def read(stored_name: str) -> bytes:
    """A stored file's bytes; the name comes from the database, never from a request."""
    return area("uploads").read(os.path.basename(stored_name))
