"""The unit of work owns the transaction: a second one entered inside it is refused, and the
outer writes are neither discarded nor committed half done."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.database import NestedUnitOfWork, unit_of_work
from app.extensions import db
from app.models import Unit
from app.services.casework.units import register_unit
from app.uscc import with_check_character
from tests import builders as b


def test_a_nested_unit_of_work_is_refused_and_the_outer_one_still_commits(ctx):
    officer = b.staff("officer")
    before = db.session.scalar(select(func.count()).select_from(Unit))
    with unit_of_work() as session:
        session.add(Unit(uscc=with_check_character("91120110MA0000077"), name="外层单位",
                         credit_status="normal"))
        session.flush()
        with pytest.raises(NestedUnitOfWork):
            register_unit(officer, with_check_character("91120110MA0000078"), "内层单位")
    names = set(db.session.scalars(select(Unit.name)))
    assert "外层单位" in names and "内层单位" not in names
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before + 1


def test_after_a_failed_unit_of_work_the_next_one_runs(ctx):
    with pytest.raises(ZeroDivisionError), unit_of_work():
        1 / 0  # noqa: B018
    with unit_of_work() as session:
        session.add(Unit(uscc=with_check_character("91120110MA0000079"), name="之后的单位",
                         credit_status="normal"))
    assert "之后的单位" in set(db.session.scalars(select(Unit.name)))
