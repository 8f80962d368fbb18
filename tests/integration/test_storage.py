"""The storage areas on both backends: a local folder and a real S3-compatible server (moto's
server mode, started by .ci/run): whole writes, exclusive names, reads, deletes, and the file
publisher's batches."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DisclosureBatch
from app.services.base.files import area
from app.services.disclosure.pipeline import run_disclosure
from app.storage import Exists, LocalStorage, S3Storage, Storage
from tests import builders as b
from tests.processes import s3_bucket


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path) -> Storage:  # type: ignore[no-untyped-def]
    if request.param == "local":
        return LocalStorage(tmp_path / "area")
    s = s3_bucket()
    return S3Storage(s["S3_BUCKET"], "test/", endpoint_url=s["S3_ENDPOINT_URL"],
                     region=s["S3_REGION"], access_key=s["S3_ACCESS_KEY_ID"],
                     secret_key=s["S3_SECRET_ACCESS_KEY"])


def test_files_are_written_whole_read_and_deleted(storage):
    storage.write("a/b.txt", [b"one ", b"two"])
    assert storage.read("a/b.txt") == b"one two" and storage.exists("a/b.txt")
    storage.write("a/b.txt", [b"three"])  # a plain write replaces
    assert storage.read("a/b.txt") == b"three"
    storage.delete("a/b.txt")
    storage.delete("a/b.txt")  # nothing there: no error
    assert not storage.exists("a/b.txt")
    with pytest.raises(FileNotFoundError):
        storage.read("a/b.txt")


def test_an_exclusive_write_never_replaces(storage):
    storage.write("proof.pdf", [b"first"], exclusive=True)
    with pytest.raises(Exists):
        storage.write("proof.pdf", [b"second"], exclusive=True)
    assert storage.read("proof.pdf") == b"first"


def test_a_failing_stream_leaves_nothing(storage):
    def broken() -> Iterator[bytes]:
        yield b"part"
        raise OSError("the source went away")

    with pytest.raises(OSError):
        storage.write("half.txt", broken())
    assert not storage.exists("half.txt")


def test_older_than_lists_only_old_files_of_its_folder(storage):
    storage.write("imports/a", [b"x"])
    storage.write("imports/b", [b"y"])
    storage.write("other/c", [b"z"])
    assert storage.older_than("imports", 3600) == []  # all written just now
    time.sleep(1.1)
    assert sorted(storage.older_than("imports", 1)) == ["imports/a", "imports/b"]
    assert storage.older_than("nowhere", 0) == []


def test_keys_stay_inside_the_area(storage, tmp_path):
    storage.write("../../escape.txt", [b"x"])
    assert not (tmp_path / "escape.txt").exists() and storage.exists("escape.txt")


def test_the_file_publisher_writes_batches_to_the_bucket(app, tmp_path):
    app.config.update(s3_bucket(), OUTBOX_DIR=str(tmp_path / "never-used"))
    with app.app_context():
        officer = b.staff("officer", "wang")
        record_id = b.inspection(officer, b.unit(officer).uscc).id
        summary = run_disclosure()
        assert summary.delivered == {"inspection": 1}
        outbox = area("outbox")
        (batch_id,) = db.session.scalars(select(DisclosureBatch.id)).all()
        manifest = json.loads(outbox.read(f"inspection/{batch_id}/manifest.json"))
        items = outbox.read(f"inspection/{batch_id}/items.jsonl").decode().splitlines()
    assert manifest["item_count"] == 1 and json.loads(items[0])["record_id"] == record_id
    assert not (tmp_path / "never-used").exists()

