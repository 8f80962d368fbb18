"""Faults with real processes: SIGKILL in the middle of runs; two schedulers and a dead leader."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import DisclosureItem, SchedulerLease
from app.services.disclosure.outbox import public_payload
from tests import builders as b
from tests.conftest import PG_URL


def seed_items(n: int, days_ago: int = 0) -> int:
    """``n`` pending inspection items (set-based insert), on one unit's record."""
    officer = b.staff("officer")
    decided = b.today_local() - dt.timedelta(days=days_ago)
    rec = b.inspection(officer, b.unit(officer).uscc, decided_on=decided)
    payload = public_payload("add", rec, None)
    # One record's many items: the seq of its add, so none overtakes another.
    seq = db.session.scalar(select(DisclosureItem.seq).where(DisclosureItem.record_id == rec.id))
    rows = [{"category": "inspection", "op": "add", "record_id": rec.id, "unit_id": rec.unit_id,
             "seq": seq,
             "payload": payload, "due_by": rec.publish_by, "status": "pending",
             "created_at": rec.created_at} for _ in range(n - 1)]
    db.session.execute(insert(DisclosureItem.__table__), rows)
    db.session.commit()
    return n


def env_for(database_url: str, outbox: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": database_url,
           "CREDITFLOW_OUTBOX_DIR": str(outbox), **extra}
    env.pop("TEST_DATABASE_URL", None)
    return env


def delivered_ids(outbox: Path) -> Counter[int]:
    """Item ids across the batches whose manifest was written (delivered files)."""
    ids: Counter[int] = Counter()
    for manifest in outbox.glob("*/*/manifest.json"):
        lines = (manifest.parent / "items.jsonl").read_text("utf-8").splitlines()
        ids.update(json.loads(line)["item_id"] for line in lines)
        assert len(lines) == json.loads(manifest.read_text("utf-8"))["item_count"]
    return ids


@pytest.mark.slow
def test_sigkill_at_random_points_loses_nothing_and_duplicates_nothing(app, database_url, tmp_path):
    with app.app_context():
        total = seed_items(3000)
    outbox = tmp_path / "outbox"
    # A killed process's delivery lease lapses after 2 s; then a later run takes the batch over.
    env = env_for(database_url, outbox, CREDITFLOW_BATCH_SIZE="150",
                  CREDITFLOW_DELIVERY_LEASE_SECONDS="2")
    command = [sys.executable, "-m", "app.cli", "disclose", "run"]
    rng, kills = random.Random(2026), 0

    def all_delivered() -> bool:
        with app.app_context():
            return not db.session.scalar(
                select(func.count()).where(DisclosureItem.status != "delivered"))

    for _ in range(60):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.4, 1.6) if kills < 6 else 60)
            if proc.returncode == 0 and all_delivered():
                break
            time.sleep(1)  # let the leases of killed runs lapse
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
    else:
        pytest.fail("the pipeline never completed")
    assert kills >= 2  # the kills really interrupted runs
    with app.app_context():
        undelivered = db.session.scalar(
            select(func.count()).where(DisclosureItem.status != "delivered"))
        in_batches = db.session.execute(
            select(DisclosureItem.batch_id, func.count()).group_by(DisclosureItem.batch_id)
        ).all()
    assert undelivered == 0
    assert sum(n for _, n in in_batches) == total and all(b_ for b_, _ in in_batches)
    ids = delivered_ids(outbox)
    assert len(ids) == total and set(ids.values()) == {1}  # every item, each in one batch


def wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.skipif(
    not PG_URL, reason="two scheduler processes: PostgreSQL runs (CI's second pass)"
)
def test_two_schedulers_deliver_once_and_the_standby_takes_over(app, database_url, tmp_path):
    with app.app_context():
        first = seed_items(400, days_ago=60)  # overdue: the urgent sweep takes them
    outbox = tmp_path / "outbox"
    env = env_for(database_url, outbox, CREDITFLOW_URGENT_SWEEP_SECONDS="1",
                  CREDITFLOW_LEASE_SECONDS="10", CREDITFLOW_LEASE_RENEW_SECONDS="1",
                  CREDITFLOW_BATCH_SIZE="50")
    logs = [tmp_path / f"scheduler{i}.log" for i in range(2)]
    outputs = [open(log, "w") for log in logs]  # noqa: SIM115
    procs = [subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler"], env=env,
                              stdout=out, stderr=subprocess.STDOUT) for out in outputs]
    try:
        assert wait_for(lambda: len(delivered_ids(outbox)) >= first, 60)

        def holder_pid() -> int:
            with app.app_context():
                holder = db.session.scalar(select(SchedulerLease.holder))
            return int(holder.split(":")[1])

        pids = [proc.pid for proc in procs]
        leader = pids.index(holder_pid())
        standby = 1 - leader
        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait()
        killed_at = time.monotonic()
        assert wait_for(lambda: holder_pid() == pids[standby], 60)  # the standby took over
        assert time.monotonic() - killed_at < 60
        assert "leading" in logs[standby].read_text()
        with app.app_context():
            second = seed_items(300, days_ago=60)
        assert wait_for(lambda: len(delivered_ids(outbox)) >= first + second, 60)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        for out in outputs:
            out.close()
    ids = delivered_ids(outbox)
    assert len(ids) == first + second and set(ids.values()) == {1}
