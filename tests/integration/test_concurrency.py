"""Two people approving the same request at once: exactly one wins, the other gets a conflict."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict
from app.extensions import db
from app.models import AuditEvent, DisclosureItem, Unit
from app.services.credit import restoration
from tests import builders as b


def race(app, calls):  # type: ignore[no-untyped-def]
    """Run each call in its own thread and app context, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = calls[i]()
            except (Conflict, StaleDataError) as exc:
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
def test_two_supervisors_approve_the_same_request_at_once(app, round_):
    with app.app_context():
        officer = b.staff("officer")
        sup_a, sup_b = b.staff("supervisor"), b.staff("supervisor")
        u, rec, lst, req = b.restoration_ready(officer, sup_a)
        unit_id, req_id = u.id, req.id
        events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        db.session.remove()
    outcomes = race(app, [lambda: restoration.approve_request(sup_a, req_id),
                          lambda: restoration.approve_request(sup_b, req_id)])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit.credit_status == "restored"
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert events == events_before + 1
        # the listing's end is published once, as its own item (the penalty keeps its window)
        ended = db.session.scalars(select(DisclosureItem.payload).where(
            DisclosureItem.unit_id == unit_id, DisclosureItem.op == "withdraw")).all()
        assert [p["备注"] for p in ended] == ["已信用修复，移出失信名单"]


def test_a_writer_holding_an_old_row_loses_to_the_one_that_committed(app):
    """The optimistic lock itself: two sessions read version N, only one update lands."""
    with app.app_context():
        officer, sup = b.staff("officer"), b.staff("supervisor")
        u, *_ = b.listed_unit(officer, sup)
        unit_id = u.id
        db.session.remove()
    with app.app_context():
        first = db.session()
        stale = db.session.session_factory(expire_on_commit=False)
        try:
            mine = stale.get(Unit, unit_id)
            stale.commit()  # end the read (SQLite would refuse a write on an old snapshot)
            theirs = first.get(Unit, unit_id)
            theirs.credit_status = "restoration_requested"
            first.commit()
            mine.credit_status = "normal"
            with pytest.raises(StaleDataError):
                stale.commit()
            stale.rollback()
            assert first.get(Unit, unit_id).credit_status == "restoration_requested"
        finally:
            stale.close()
