"""Retention (docs/operations.md): published batch files go after BATCH_FILE_RETENTION_DAYS
(the payload stays in the database), reminder mails lose their address after
REMINDER_RETENTION_DAYS (the row stays, so the reminder is never written again), checked
spreadsheets never confirmed after IMPORT_STAGED_HOURS."""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlalchemy import select, update

from app.extensions import db
from app.models import DisclosureBatch, Notification
from app.models._types import utcnow
from app.services.casework.importing import prune_staged, stage, staged
from app.services.disclosure.batches import payload, prune_batch_files
from app.services.disclosure.pipeline import run_disclosure
from app.services.notifications.reminders import REMOVED, prune_reminders
from tests import builders as b


def test_batch_files_go_after_their_retention_and_the_payload_stays(ctx, tmp_path):
    outbox = tmp_path / "outbox"
    ctx.config.update(OUTBOX_DIR=str(outbox), BATCH_FILE_RETENTION_DAYS=90)
    officer = b.staff("officer")
    b.inspection(officer, b.unit(officer).uscc)
    run_disclosure()
    batch_id = db.session.scalar(select(DisclosureBatch.id))
    folder = outbox / "inspection" / batch_id
    assert sorted(p.name for p in folder.iterdir()) == ["items.csv", "items.jsonl",
                                                       "manifest.json"]
    assert prune_batch_files() == 0  # delivered today
    db.session.execute(update(DisclosureBatch).values(
        delivered_at=utcnow() - dt.timedelta(days=91)))
    db.session.commit()
    ctx.config["BATCH_FILE_RETENTION_DAYS"] = 0
    assert prune_batch_files() == 0 and folder.exists()  # 0 keeps them
    ctx.config["BATCH_FILE_RETENTION_DAYS"] = 90
    assert prune_batch_files() == 1 and list(folder.iterdir()) == []
    assert prune_batch_files() == 0
    batch = db.session.get_one(DisclosureBatch, batch_id, populate_existing=True)
    assert batch.files_removed_at is not None
    assert b"record_id" in b"".join(payload(batch, "jsonl"))  # still served from the database


def test_old_reminders_lose_their_address_and_waiting_ones_keep_it(ctx):
    ctx.config.update(REMINDER_RETENTION_DAYS=365)
    old = utcnow() - dt.timedelta(days=400)
    for n, (status, created) in enumerate([("sent", old), ("failed", old), ("pending", old),
                                           ("sent", utcnow())]):
        db.session.add(Notification(kind="eligible", recipient=f"unit{n}@example.cn",
                                    params={"name": "东丽物流"}, dedup_key=f"k{n}",
                                    status=status, created_at=created))
    db.session.commit()
    assert prune_reminders() == 2 and prune_reminders() == 0
    rows = db.session.execute(select(Notification.dedup_key, Notification.recipient,
                                     Notification.params)
                              .order_by(Notification.dedup_key)).all()
    assert [(k, r) for k, r, _ in rows] == [("k0", REMOVED), ("k1", REMOVED),
                                            ("k2", "unit2@example.cn"),
                                            ("k3", "unit3@example.cn")]
    assert rows[0][2] is None and rows[2][2] == {"name": "东丽物流"}


def test_checked_files_wait_for_confirmation_then_go(ctx, tmp_path):
    ctx.config.update(UPLOAD_DIR=str(tmp_path / "uploads"), IMPORT_STAGED_HOURS=24)
    first = stage(b"first file")
    second = stage(b"second file", previous=first)  # the clerk uploaded again
    assert staged(first) is None and staged(second) == b"second file"
    assert staged("../../etc/passwd") is None
    third = stage(b"another clerk's file")
    assert prune_staged() == 0  # none is a day old
    day_ago = time.time() - 25 * 3600
    os.utime(tmp_path / "uploads" / "imports" / second, (day_ago, day_ago))
    assert prune_staged() == 1
    assert staged(second) is None and staged(third) == b"another clerk's file"
