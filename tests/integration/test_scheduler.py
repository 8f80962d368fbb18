"""The leader lease, catching up missed runs, and the expiry sweep."""

from __future__ import annotations

import datetime as dt
import time

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import create_engine, func, select, text

from app import scheduler_lease as lease
from app.extensions import db
from app.models import DisclosureItem, Listing
from app.scheduler import Leadership, build_scheduler, start_jobs
from app.services.credit.expiry import sweep_expired_listings
from tests import builders as b


def test_one_holder_at_a_time_and_takeover_after_expiry(ctx):
    assert lease.try_acquire("s", "a", 30)
    assert not lease.try_acquire("s", "b", 30)
    assert lease.try_acquire("s", "a", 30)  # renewal
    db.session.execute(text("UPDATE scheduler_leases SET expires_at = :past"),
                       {"past": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)})
    db.session.commit()
    assert lease.try_acquire("s", "b", 30)  # a died: b takes over
    assert not lease.try_acquire("s", "a", 30)
    lease.release("s", "b")
    assert lease.try_acquire("s", "a", 30)


def test_a_standby_does_not_run_jobs(app):
    leader, standby = Leadership(app), Leadership(app)
    try:
        assert leader.tick() and leader.scheduler is not None
        assert not standby.tick() and standby.scheduler is None
    finally:
        for side in (leader, standby):
            if side.scheduler is not None:
                side.scheduler.shutdown(wait=False)


def test_a_leader_that_loses_the_database_stops_its_jobs_and_leads_again_after(app):
    """While the database cannot be reached the lease cannot be renewed: the jobs stop (no
    work is done that no lease covers), and the scheduler leads again when it is back."""
    leader = Leadership(app)
    broken = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens
    with app.app_context():
        original = db.engines[None]
    try:
        assert leader.tick() and leader.scheduler is not None
        with app.app_context():
            db.engines[None] = broken  # type: ignore[index]
        assert not leader.tick() and leader.scheduler is None
        with app.app_context():
            db.engines[None] = original  # type: ignore[index]
        assert leader.tick() and leader.scheduler is not None
    finally:
        with app.app_context():
            db.engines[None] = original  # type: ignore[index]
        broken.dispose()
        if leader.scheduler is not None:
            leader.scheduler.shutdown(wait=False)


def test_a_machine_that_was_off_catches_up_once(app, tmp_path):
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer = b.staff("officer")
        b.inspection(officer, b.unit(officer).uscc, decided_on=dt.date.today())
        start_jobs(app).shutdown()
        # The machine was off for three days: the stored next run lies in the past.
        store = SQLAlchemyJobStore(url=app.config["SQLALCHEMY_DATABASE_URI"],
                                   tablename="apscheduler_jobs")
        store.start(build_scheduler(app), "default")
        job = store.lookup_job("disclose-daily-inspection")
        job.next_run_time = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        store.update_job(job)
        store.shutdown()
        store.engine.dispose()
        scheduler = start_jobs(app)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                db.session.rollback()
                done = db.session.scalar(
                    select(func.count()).where(DisclosureItem.status == "delivered"))
                if done:
                    break
                time.sleep(0.2)
            assert done == 1
            job = scheduler.get_job("disclose-daily-inspection")
            assert job.next_run_time.timestamp() > time.time()  # once, then the next day
        finally:
            scheduler.shutdown()
    assert len(list((tmp_path / "outbox" / "inspection").iterdir())) == 1


def test_expiry_sweep_ends_or_flags(ctx):
    officer, sup = b.staff("officer"), b.staff("supervisor")
    paid, rec, _ = b.listed_unit(officer, sup, days_ago=400)  # general: max 12 months
    b.pay_in_full(officer, rec)
    owing, *_ = b.listed_unit(officer, sup, days_ago=400)
    fresh, *_ = b.listed_unit(officer, sup, days_ago=100)
    result = sweep_expired_listings()
    assert result.expired == [paid.uscc]
    assert list(result.blocked) == [owing.uscc] and "5000.00" in result.blocked[owing.uscc]
    flagged = db.session.scalar(select(Listing).where(Listing.unit_id == owing.id))
    assert flagged.status == "active" and flagged.expiry_blocked_on is not None
    assert fresh.uscc not in result.blocked
