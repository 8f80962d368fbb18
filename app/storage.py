"""Where files live: proofs that units upload and the batch files the file publisher writes.

One interface, two backends: a folder on this host (the embedded default) or a bucket of an
S3-compatible object store, which every web process, the scheduler and every host see alike.
Names (keys) are relative paths such as ``3fa9….pdf`` or ``penalty/<batch>/items.csv``; they
come from the service, never from a request. Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any

STORAGES = ("local", "s3")  # CREDITFLOW_STORAGE


class Exists(Exception):
    """An exclusive write found a file of that name."""


class Storage(ABC):
    """Named files in one area (the uploads, the outbox)."""

    @abstractmethod
    def write(self, key: str, chunks: Iterable[bytes], *, exclusive: bool = False) -> None:
        """Store ``chunks`` under ``key``, whole or not at all (a reader never sees a part);
        ``exclusive``: refuse (``Exists``) rather than replace a file of that name."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The bytes stored under ``key`` (``FileNotFoundError`` if there are none)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens if it is not there."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def older_than(self, prefix: str, seconds: float) -> list[str]:
        """The keys under the folder ``prefix`` written more than ``seconds`` ago."""

    @abstractmethod
    def where(self) -> str:
        """The area's address, for the operator (no credentials)."""


class LocalStorage(Storage):
    """A folder on this host, readable by the service's user only."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / _clean(key)

    def write(self, key: str, chunks: Iterable[bytes], *, exclusive: bool = False) -> None:
        path = self.path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if exclusive:
                try:
                    os.link(draft, path)  # never replaces an existing file
                except FileExistsError:
                    raise Exists(key) from None
            else:
                os.replace(draft, path)
        finally:
            if os.path.exists(draft):
                os.unlink(draft)

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def older_than(self, prefix: str, seconds: float) -> list[str]:
        folder, cutoff = self.path(prefix), time.time() - seconds
        if not folder.is_dir():
            return []
        return [f"{prefix.rstrip('/')}/{entry.name}" for entry in os.scandir(folder)
                if entry.is_file() and not entry.name.startswith(".")
                and entry.stat().st_mtime < cutoff]

    def where(self) -> str:
        return str(self.root)


class S3Storage(Storage):
    """A bucket (under a prefix) of an S3-compatible store: AWS, MinIO, Ceph, a cloud's own."""

    SPOOL = 8 * 1024 * 1024  # larger payloads go through a temporary file, not memory

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str = "",
                 region: str = "", access_key: str = "", secret_key: str = "") -> None:
        import boto3  # the `s3` extra; only a deployment that names this backend needs it
        from botocore.config import Config

        self.bucket, self.prefix, self.endpoint = bucket, prefix, endpoint_url
        options: dict[str, Any] = {"config": Config(retries={"max_attempts": 3,
                                                             "mode": "standard"},
                                                    connect_timeout=5, read_timeout=30)}
        if endpoint_url:
            options["endpoint_url"] = endpoint_url
        if region:
            options["region_name"] = region
        if access_key:
            options["aws_access_key_id"] = access_key
            options["aws_secret_access_key"] = secret_key
        self.client = boto3.client("s3", **options)
        self.missing = (self.client.exceptions.NoSuchKey,)

    def _key(self, key: str) -> str:
        return self.prefix + _clean(key)

    def write(self, key: str, chunks: Iterable[bytes], *, exclusive: bool = False) -> None:
        with tempfile.SpooledTemporaryFile(max_size=self.SPOOL) as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.seek(0)
            if exclusive:  # a conditional PUT: the store refuses a second object of the name
                try:
                    self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=fh,
                                           IfNoneMatch="*")
                except self.client.exceptions.ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") == "PreconditionFailed":
                        raise Exists(key) from None
                    raise
            else:
                self.client.upload_fileobj(fh, self.bucket, self._key(key))

    def read(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.missing:
            raise FileNotFoundError(key) from None
        return bytes(answer["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def older_than(self, prefix: str, seconds: float) -> list[str]:
        folder = self._key(prefix).rstrip("/") + "/"
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=folder, Delimiter="/"):
            keys += [item["Key"][len(self.prefix):] for item in page.get("Contents", ())
                     if item["LastModified"] < cutoff]
        return keys

    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" + (f" at {self.endpoint}"
                                                      if self.endpoint else "")


def _clean(key: str) -> str:
    """A relative key without ``..`` or a leading slash (keys come from the service, but a
    mistake must not reach outside the area)."""
    parts = [p for p in key.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise ValueError(f"empty storage key {key!r}")
    return "/".join(parts)
