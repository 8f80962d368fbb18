"""Builders for test data, in one place. Call them inside an app context."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from app.extensions import db
from app.models import EnforcementRecord, Unit
from app.services.base.context import today
from app.services.casework import records
from app.services.casework.record_rules import needs_deliberation
from app.services.casework.units import register_unit
from app.services.credit import listings, restoration, revocations
from app.services.disclosure.pipeline import run_disclosure
from app.services.staff.accounts import actor_of, create_token, create_user
from app.uscc import with_check_character
from app.workflows.facts import Actor

_seq = itertools.count(1)


def uscc(n: int | None = None) -> str:
    """A valid code in Dongli District (120110)."""
    n = next(_seq) if n is None else n
    return with_check_character(f"91120110MA{n:07d}")


def staff(role: str = "officer", name: str | None = None) -> Actor:
    username = name or f"{role}{next(_seq)}"
    return actor_of(create_user(username, role, "correct-horse-battery", username))


def token(actor: Actor) -> str:
    from app.extensions import db
    from app.models import User

    return create_token(db.session.get(User, actor.id).username)


def unit(actor: Actor, **kw: Any):  # type: ignore[no-untyped-def]
    return register_unit(
        actor, kw.pop("uscc", uscc()), kw.pop("name", f"测试单位{next(_seq)}"), **kw
    )


def penalty(actor: Actor, unit_code: str, **kw: Any):  # type: ignore[no-untyped-def]
    data = {
        "category": "penalty",
        "document_no": f"津东消行罚决字〔2026〕{next(_seq)}号",
        "decided_on": today() - dt.timedelta(days=400),
        "tier": "general",
        "penalty_types": ["fine"],
        "fine_amount": "5000.00",
        "facts": "消防设施未保持完好有效",
        "legal_basis": "《中华人民共和国消防法》第六十条",
    }
    data.update(kw)
    if "deliberation_ref" not in kw and needs_deliberation(
            {**data, "fine_amount": Decimal(str(data["fine_amount"] or 0))}, Decimal("30000")):
        data.update(deliberation_ref=f"东消集议〔2026〕{next(_seq)}号",  # as the law asks
                    deliberation_on=data["decided_on"])
    return records.add_record(actor, unit_code, data)


def inspection(actor: Actor, unit_code: str, **kw: Any):  # type: ignore[no-untyped-def]
    data = {
        "category": "inspection",
        "document_no": f"津东消监检字〔2026〕{next(_seq)}号",
        "decided_on": today() - dt.timedelta(days=30),
        "hazards_found": 3,
        "hazards_rectified": 0,
    }
    data.update(kw)
    return records.add_record(actor, unit_code, data)


def listed_unit(officer: Actor, supervisor: Actor, level: str = "general", days_ago: int = 400,
                **unit_fields: Any):  # type: ignore[no-untyped-def]
    """A unit listed on a penalty decided ``days_ago`` days ago; returns (unit, record, listing).

    ``unit_fields``: the unit's optional fields (name, legal_representative, contact_email …).
    """
    u = unit(officer, **unit_fields)
    rec = penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=days_ago))
    lst = listings.propose_listing(
        officer, u.uscc, level, "拒不改正消防违法行为", [rec.id],
        f"津东消信列字〔2026〕{next(_seq)}号", today() - dt.timedelta(days=days_ago),
    )
    listings.approve_listing(supervisor, lst.id)
    return u, rec, lst


def pay_in_full(actor: Actor, rec) -> None:  # type: ignore[no-untyped-def]
    records.record_payment(actor, rec.id, rec.fine_outstanding, today())


def restoration_ready(officer: Actor, supervisor: Actor):  # type: ignore[no-untyped-def]
    """A listed unit with its fine paid and a request filed by ``officer``."""
    u, rec, lst = listed_unit(officer, supervisor)
    pay_in_full(officer, rec)
    req = restoration.file_request(officer, u.uscc, True, "已缴清罚款")
    return u, rec, lst, req


def public_penalty(actor: Actor, days_ago: int = 200, **kw: Any):  # type: ignore[no-untyped-def]
    """A unit with a penalty decided ``days_ago`` days ago and delivered to the platform
    (``OUTBOX_DIR`` must be set); returns (unit, record)."""
    u = unit(actor)
    rec = penalty(actor, u.uscc, decided_on=today() - dt.timedelta(days=days_ago), **kw)
    unit_id, record_id = u.id, rec.id
    run_disclosure("penalty")  # ends the session: hand back rows of the new one
    return db.session.get_one(Unit, unit_id), db.session.get_one(EnforcementRecord, record_id)


def today_local() -> dt.date:
    """Today in the detachment's time zone (needs an app context)."""
    return today()


def revoke_record(proposer: Actor, approver: Actor, record_id: int, reason: str = "撤销",
                  on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Revoke a decision the only way there is: one person proposes, a supervisor approves."""
    proposal = revocations.propose_record_revocation(
        proposer, record_id, reason, f"东消撤字〔2026〕{next(_seq)}号", on or today())
    return revocations.approve_revocation(approver, proposal.id)


def revoke_listing(proposer: Actor, approver: Actor, uscc: str, reason: str = "复议撤销",
                   ground: str = "reconsideration", on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Revoke a unit's active listing: proposed, then approved by a second supervisor."""
    proposal = revocations.propose_listing_revocation(
        proposer, uscc, ground, reason, f"东复决字〔2026〕{next(_seq)}号", on or today())
    return revocations.approve_revocation(approver, proposal.id)


def unit_records_of(unit_id: int):  # type: ignore[no-untyped-def]
    """The unit's records, newest decision first."""
    return records.records_of(unit_id)


def with_statutory_days(year: int, days: list[Any]) -> list[Any]:
    """A test's schedule for ``year`` with every statutory holiday not already listed added
    as a day off (a schedule without them is refused: 《全国年节及纪念日放假办法》)."""
    from app.calendar.statutory import statutory_holidays
    from app.services.staff.holidays import ScheduleDay

    listed = {d.day for d in days}
    return [*days, *(ScheduleDay(d, "holiday") for d in sorted(statutory_holidays(year))
                     if d not in listed)]
