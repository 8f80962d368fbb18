"""The use cases ask the policy themselves: a role the table does not name is refused before
anything changes, whichever face (page, API, console, a script) calls the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden
from app.extensions import db
from app.models import AuditEvent, EnforcementRecord, FinePayment, Unit
from app.services.casework import records, units
from app.services.disclosure.batches import retry_batch
from app.services.online.access import issue_access_code
from tests import builders as b


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(t))  # type: ignore[arg-type]
                 for t in (Unit, EnforcementRecord, FinePayment, AuditEvent))


def test_an_admin_does_no_casework_and_an_officer_no_administration(ctx) -> None:  # type: ignore[no-untyped-def]
    officer, admin = b.staff("officer"), b.staff("admin")
    unit = b.unit(officer)
    fine = b.penalty(officer, unit.uscc, fine_amount=Decimal("5000"))
    before = _counts()
    refused = [
        lambda: units.register_unit(admin, "91120110MA05XYZW1X", "某公司"),
        lambda: b.inspection(admin, unit.uscc),
        lambda: records.record_payment(admin, fine.id, Decimal("5000"), dt.date.today()),
        lambda: issue_access_code(admin, unit.uscc),
        lambda: retry_batch("no-such-batch", officer),
    ]
    for call in refused:
        with pytest.raises(Forbidden) as exc:
            call()
        assert exc.value.extra["required_roles"]
    assert _counts() == before
