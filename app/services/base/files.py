"""The storage areas of the running app (``app.storage``): ``uploads`` for proofs, ``outbox``
for the file publisher's batches; local folders or one S3-compatible bucket, as configured."""

from __future__ import annotations

from typing import Literal

from flask import current_app

from app.storage import LocalStorage, S3Storage, Storage

Area = Literal["uploads", "outbox"]


def area(name: Area) -> Storage:
    """The storage of ``name``; an S3 client is made once per process and bucket."""
    config = current_app.config
    if config["STORAGE"] == "local":  # the folder as configured now (tests move it)
        return LocalStorage(config["UPLOAD_DIR" if name == "uploads" else "OUTBOX_DIR"])
    key = (config["S3_ENDPOINT_URL"], config["S3_BUCKET"], config["S3_PREFIX"] + name + "/")
    cache: dict[tuple[str, str, str], Storage] = current_app.extensions.setdefault(
        "creditflow.storage", {})
    if key not in cache:
        cache[key] = S3Storage(config["S3_BUCKET"], key[2], endpoint_url=key[0],
                               region=config["S3_REGION"],
                               access_key=config["S3_ACCESS_KEY_ID"],
                               secret_key=config["S3_SECRET_ACCESS_KEY"])
    return cache[key]
