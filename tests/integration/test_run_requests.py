""""Run now" hands the work to the scheduler: the request is a row, the leader's job runs it,
the outcome is read back; a run that breaks says so and the next one runs."""

from __future__ import annotations

import time

from sqlalchemy import select

from app.extensions import db
from app.models import AdminEvent, RunRequest
from app.scheduler import start_jobs
from app.services.disclosure import pipeline
from app.services.disclosure.runs import ask_for_run, get_run, run_requested
from tests import builders as b
from tests.pages import Session


def test_waiting_requests_are_answered_by_one_run(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer, admin = b.staff("officer"), b.staff("admin", "admin1")
    b.inspection(officer, b.unit(officer).uscc)
    b.penalty(officer, b.unit(officer).uscc)
    first = ask_for_run(admin, "inspection").id
    second = ask_for_run(admin).id
    assert get_run(first).status == "waiting"
    assert run_requested() == 2 and run_requested() == 0
    for run in (get_run(first), get_run(second)):
        assert run.status == "done" and run.started_at and run.finished_at
        assert run.outcome == {"delivered": {"inspection": 1, "penalty": 1},
                               "items": {"inspection": 1, "penalty": 1}, "failed": []}
    trail = db.session.scalars(select(AdminEvent.details)
                               .where(AdminEvent.action == "disclosure_run")).all()
    assert [d["request"] for d in trail] == [first, second]


def test_a_run_that_breaks_says_so_and_the_next_runs(ctx, tmp_path, monkeypatch):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer, admin = b.staff("officer"), b.staff("admin", "admin1")
    b.inspection(officer, b.unit(officer).uscc)

    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("the outbox disk is full")

    monkeypatch.setattr(pipeline, "make_publisher", broken)
    failed = ask_for_run(admin).id
    run_requested()
    assert get_run(failed).status == "failed"
    assert get_run(failed).error == "RuntimeError: the outbox disk is full"
    monkeypatch.undo()
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    fine = ask_for_run(admin).id
    run_requested()
    assert get_run(fine).status == "done"
    assert get_run(fine).outcome["delivered"] == {"inspection": 1}


def test_the_scheduler_answers_a_request_within_seconds(app, tmp_path):
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"), RUN_POLL_SECONDS=1)
    with app.app_context():
        officer, admin = b.staff("officer"), b.staff("admin", "admin1")
        b.inspection(officer, b.unit(officer).uscc)
        run_id = ask_for_run(admin).id
    scheduler = start_jobs(app)
    try:
        deadline = time.monotonic() + 15
        with app.app_context():
            while get_run(run_id).status in ("waiting", "running"):
                assert time.monotonic() < deadline, "the scheduler did not answer in 15 s"
                db.session.remove()  # the next look is a new transaction
                time.sleep(0.2)
            assert get_run(run_id).status == "done"
    finally:
        scheduler.shutdown()


def test_run_now_on_the_page_asks_and_the_list_shows_the_answer(app, tmp_path):
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer = b.staff("officer")
        b.staff("admin", "admin1")
        b.inspection(officer, b.unit(officer).uscc)
    admin = Session(app, "admin1")
    asked = admin.submit("/staff/disclosure/run", {}, page="/staff/disclosure/batches")
    assert asked.status_code == 302
    page = admin.text("/staff/disclosure/batches")
    assert "已请求立即推送（第 1 号请求）" in page and "等待调度程序" in page
    with app.app_context():
        run_requested()
        assert db.session.scalar(select(RunRequest.status)) == "done"
    page = admin.text("/staff/disclosure/batches")
    assert "已完成" in page and "推送 1 个批次" in page
