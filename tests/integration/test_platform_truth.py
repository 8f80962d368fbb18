"""What the platform ends up holding, against a real HTTP platform of the tests' own
(tests/platform.py: the documented verification and order-keeping code, run as written): a
redirect, a 200 with a failure body, a 507 and a 520, items refused in a receipt, a refused
batch re-sent after the record's withdrawal, an add re-sent after its update, a replayed
request, and a restore from backup."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.database import dispose_engines, unit_of_work
from app.extensions import db
from app.models import BatchAttempt, DisclosureBatch, DisclosureItem, EnforcementRecord
from app.publishers.base import BatchInfo
from app.publishers.http import HttpPublisher, body
from app.services.base.context import today
from app.services.casework import records
from app.services.disclosure import pipeline
from app.services.disclosure.batches import resend_batch, retry_batch
from tests import builders as b
from tests.conftest import PG_URL
from tests.platform import Platform, lines_of

SECRET = "the-platform-shared-secret"


@pytest.fixture
def platform(ctx) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    gateway = Platform(SECRET)
    ctx.config.update(PUBLISHER="http", PLATFORM_URL=gateway.url, PLATFORM_SECRET=SECRET,
                      RETRY_BASE_SECONDS=1)
    yield gateway
    gateway.close()


def _batches() -> list[DisclosureBatch]:
    db.session.expire_all()
    return list(db.session.scalars(select(DisclosureBatch).order_by(DisclosureBatch.created_at,
                                                                    DisclosureBatch.id)))


def _items(batch_id: str) -> list[DisclosureItem]:
    return list(db.session.scalars(select(DisclosureItem).where(DisclosureItem.batch_id == batch_id)
                                   .order_by(DisclosureItem.id)))


def _due_now() -> None:
    db.session.execute(DisclosureBatch.__table__.update().values(next_attempt_at=None))
    db.session.commit()


def _inspections(n: int = 2) -> list[int]:
    officer = b.staff("officer")
    unit = b.unit(officer)
    return [b.inspection(officer, unit.uscc).id for _ in range(n)]


def test_a_redirect_is_a_failure_and_is_not_followed(platform):
    ids = _inspections()
    platform.script = [(301, {"Location": "/moved/batches"}, b"")]
    summary = pipeline.run_disclosure("inspection")
    (batch,) = _batches()
    assert summary.failed == [batch.id] and batch.status == "failed"
    assert "redirect to /moved/batches" in batch.last_error
    assert platform.gets == 0 and platform.state == {}  # not followed, nothing published
    assert {i.status for i in _items(batch.id)} == {"claimed"}
    retry_batch(batch.id, b.staff("admin"))  # the address fixed: an admin sends it again
    pipeline.run_disclosure("inspection")
    assert _batches()[0].status == "delivered" and sorted(platform.state) == ids


@pytest.mark.parametrize("answer", [b'{"success": false}', b"ok", b"<html>gateway</html>",
                                    b'{"schema": "creditflow-receipt/1", "batch_id": "other",'
                                    b' "result": "accepted"}'])
def test_a_2xx_that_is_not_a_receipt_for_the_batch_is_not_delivery(platform, answer):
    ids = _inspections()
    platform.script = [(200, {"Content-Type": "application/json"}, answer)]
    pipeline.run_disclosure("inspection")
    (batch,) = _batches()
    assert batch.status == "failed" and "not a receipt" in batch.last_error
    assert answer.decode()[:20] in batch.last_error  # the answer is kept for staff
    assert platform.state == {}
    retry_batch(batch.id, b.staff("admin"))
    pipeline.run_disclosure("inspection")
    assert _batches()[0].status == "delivered" and sorted(platform.state) == ids


def test_a_receipt_that_refuses_the_batch_fails_it_with_the_reason(platform):
    _inspections(1)

    def refusing(method, path, headers, payload):  # type: ignore[no-untyped-def]
        return 200, {}, json.dumps({"schema": "creditflow-receipt/1", "result": "refused",
                                    "batch_id": headers["Idempotency-Key"],
                                    "reason": "分类未知"}).encode()

    platform.answer = refusing  # type: ignore[method-assign]
    pipeline.run_disclosure("inspection")
    (batch,) = _batches()
    assert batch.status == "failed" and "refused by the platform: 分类未知" in batch.last_error
    assert platform.state == {}


@pytest.mark.parametrize("status", [507, 520, 500, 408])
def test_every_5xx_and_a_timeout_status_is_retried(platform, status):
    ids = _inspections()
    platform.script = [(status, {}, b"insufficient storage")]
    pipeline.run_disclosure("inspection")
    (batch,) = _batches()
    assert batch.status == "retrying" and batch.last_error.startswith(f"HTTP {status}")
    _due_now()
    pipeline.run_disclosure("inspection")
    assert _batches()[0].status == "delivered" and sorted(platform.state) == ids


def test_items_refused_in_a_receipt_are_kept_shown_and_not_published(platform, app):
    officer = b.staff("officer")
    unit = b.unit(officer)
    kept = b.penalty(officer, unit.uscc, decided_on=today() - dt.timedelta(days=20)).id
    refused = b.penalty(officer, unit.uscc, decided_on=today() - dt.timedelta(days=20)).id
    platform.refuse = lambda item: "处罚依据缺少条款" if item["record_id"] == refused else None
    pipeline.run_disclosure("penalty")
    (batch,) = _batches()
    assert batch.status == "delivered" and batch.rejected_count == 1
    assert '"rejected"' in batch.receipt
    by_record = {i.record_id: i for i in _items(batch.id)}
    assert by_record[refused].status == "rejected"
    assert by_record[refused].rejection == "处罚依据缺少条款"
    assert by_record[kept].status == "delivered" and by_record[kept].rejection is None
    assert sorted(platform.state) == [kept]
    publicity = dict(db.session.execute(select(EnforcementRecord.id,
                                               EnforcementRecord.publicity_status)).all())
    assert publicity[kept] == "public" and publicity[refused] != "public"
    admin = b.token(b.staff("admin"))
    with app.test_client() as client:
        answer = client.get(f"/api/v1/disclosure/batches/{batch.id}",
                            headers={"Authorization": f"Bearer {admin}"}).get_json()
    assert answer["rejected_count"] == 1
    assert [(i["record_id"], i["rejection"]) for i in answer["items"]
            if i["status"] == "rejected"] == [(refused, "处罚依据缺少条款")]


def test_a_refused_batch_resent_after_the_withdrawal_never_brings_the_record_back(platform):
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    unit = b.unit(officer)
    record = b.inspection(officer, unit.uscc).id
    platform.script = [(400, {}, '{"error": "field 检查类别 unknown"}'.encode())]
    pipeline.run_disclosure("inspection")
    (refused,) = _batches()
    refused_id = refused.id
    assert refused.status == "failed" and "检查类别" in refused.last_error
    b.revoke_record(officer, supervisor, record)  # its withdraw is delivered
    pipeline.run_disclosure("inspection")
    assert [x.status for x in _batches()] == ["failed", "delivered"]
    posts = len(platform.posts)
    retry_batch(refused_id, b.staff("admin"))  # an admin re-sends the refused add
    pipeline.run_disclosure("inspection")
    assert _batches()[0].status == "superseded" and len(platform.posts) == posts  # never sent
    assert [i.status for i in _items(refused_id)] == ["superseded"]
    attempt = db.session.scalars(select(BatchAttempt).where(BatchAttempt.batch_id == refused_id)
                                 .order_by(BatchAttempt.number.desc())).first()
    assert attempt.outcome == "superseded"
    assert record not in platform.state  # the truth: withdrawn


def test_an_add_resent_after_its_update_is_left_out(platform):
    officer = b.staff("officer")
    unit = b.unit(officer)
    record = b.inspection(officer, unit.uscc, hazards_found=3).id
    other = b.inspection(officer, unit.uscc).id
    pipeline.run_disclosure("inspection")
    first_id = _batches()[0].id
    with unit_of_work() as session:
        row = session.get_one(EnforcementRecord, record)
        records.correct_record(session, officer, row, {"hazards_found": 5}, "笔误", {})
    pipeline.run_disclosure("inspection")
    assert [x.status for x in _batches()] == ["delivered", "delivered"]
    held = dict(platform.state)
    resend_batch(first_id, b.staff("admin"))  # the platform says it lost the first batch
    pipeline.run_disclosure("inspection")
    first = _batches()[0]
    assert first.status == "delivered" and first.item_count == 1
    statuses = {i.record_id: i.status for i in _items(first_id)}
    assert statuses == {record: "superseded", other: "delivered"}
    assert platform.posts[-1] == first_id  # the same key, without the overtaken add
    assert [(i["record_id"], i["op"]) for i in lines_of(platform.bodies[-1])] == [(other, "add")]
    assert platform.state == held and held[record]["发现隐患数"] == "5"


def test_a_replayed_request_is_refused_outside_the_window_and_under_another_key(platform):
    batch = BatchInfo("20261203T000000-inspection-00000000", "inspection",
                      "2026-12-03T00:00:00+00:00", 0, "e3b0c442", {})
    publisher = HttpPublisher(platform.url, SECRET)
    payload = b"".join(body(batch, lambda: []))
    digest = hashlib.sha256(payload).hexdigest()
    signed_at = time.time()
    headers = publisher.headers(batch, digest, now=signed_at)
    verify = platform.verify
    assert verify(SECRET.encode(), "POST", "/batches", headers, payload, now=signed_at) is None
    late = signed_at + 301
    assert "replay window" in verify(SECRET.encode(), "POST", "/batches", headers, payload,
                                     now=late)
    other_key = {**headers, "Idempotency-Key": "another-batch"}
    assert verify(SECRET.encode(), "POST", "/batches", other_key, payload,
                  now=signed_at) == "bad signature"
    assert verify(SECRET.encode(), "POST", "/other", headers, payload,
                  now=signed_at) == "bad signature"
    assert verify(SECRET.encode(), "POST", "/batches", headers, payload + b"x",
                  now=signed_at) == "body does not match its digest"
    later = publisher.headers(batch, digest, now=signed_at + 60)  # every attempt signed anew
    assert later["X-Creditflow-Signature"] != headers["X-Creditflow-Signature"]


def _sqlite_copy(source: str, target: str) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _backup(url: str, to: str) -> None:
    if url.startswith("sqlite"):  # the sqlite3 shell's .backup, as docs/operations.md
        _sqlite_copy(make_url(url).database or "", to)
        return
    u = make_url(url)
    subprocess.run(["pg_dump", f"--host={u.host}", f"--port={u.port or 5432}",
                    f"--username={u.username}", "--format=custom", f"--file={to}",
                    str(u.database)], check=True, timeout=300,
                   env={**os.environ, "PGPASSWORD": u.password or ""})


def _restore(url: str, dump: str) -> None:
    dispose_engines()
    if url.startswith("sqlite"):
        _sqlite_copy(dump, make_url(url).database or "")
        return
    u = make_url(url)
    subprocess.run(["pg_restore", f"--host={u.host}", f"--port={u.port or 5432}",
                    f"--username={u.username}", "--clean", "--if-exists", "--no-owner",
                    "--single-transaction", f"--dbname={u.database}", dump],
                   check=True, timeout=300, env={**os.environ, "PGPASSWORD": u.password or ""})


def test_a_restore_from_backup_applies_nothing_twice(platform, database_url, tmp_path):
    officer = b.staff("officer")
    unit = b.unit(officer)
    first = b.inspection(officer, unit.uscc, hazards_found=1)
    second = b.inspection(officer, unit.uscc, hazards_found=2)
    first_id, second_id, officer_id = first.id, second.id, officer
    db.session.remove()
    dump = str(tmp_path / ("backup.dump" if PG_URL else "backup.db"))
    _backup(database_url, dump)  # the items are pending in the backup
    pipeline.run_disclosure("inspection")
    with unit_of_work() as session:  # a change after the backup, delivered, then lost
        records.correct_record(session, officer_id,
                               session.get_one(EnforcementRecord, first_id),
                               {"hazards_found": 7}, "笔误", {})
    pipeline.run_disclosure("inspection")
    assert platform.state[first_id]["发现隐患数"] == "7"
    applied_before = sum(r["applied"] for r in platform.receipts.values())
    assert applied_before == 3

    _restore(database_url, dump)
    db.session.remove()
    assert {i.status for i in db.session.scalars(select(DisclosureItem))} == {"pending"}
    pipeline.run_disclosure("inspection")  # the restored pending items go out again
    again = _batches()[-1]
    assert again.status == "delivered"
    receipt = platform.receipts[again.id]
    assert (receipt["applied"], receipt["ignored"]) == (0, 2)  # nothing applied twice
    with unit_of_work() as session:  # the lost change re-entered: its item is newer
        records.correct_record(session, officer_id,
                               session.get_one(EnforcementRecord, first_id),
                               {"hazards_found": 8}, "重新录入恢复前的更正", {})
    pipeline.run_disclosure("inspection")
    assert platform.receipts[_batches()[-1].id]["applied"] == 1
    assert platform.state[first_id]["发现隐患数"] == "8"
    assert platform.state[second_id]["发现隐患数"] == "2"
