"""The detachment's figures: the seed report's 2023 paragraph reproduced exactly from a
district built through the services, periods and streets, and the credit work counted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import update

from app.demo import SEED_2023, SEED_LISTED, load_year
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import DisclosureBatch
from app.models._types import utcnow
from app.services.credit import restoration
from app.services.disclosure.pipeline import run_disclosure
from app.services.reporting import statistics
from app.services.reporting.statistics import Period, figures, period_of, year_period
from tests import builders as b

# The seed report's sentence, as the district's clerk wrote it by hand.
SEED_SENTENCE = ("共检查单位1625家次，发现隐患2336处，督促整改火灾隐患2213处，"
                 "下发《责令改正通知书》1067份，行政处罚152起，临时查封34家，责令“三停”27家，"
                 "罚款185.49万元，整改销案重大隐患6家。")


@pytest.fixture
def year_2023(ctx):  # type: ignore[no-untyped-def]
    made = load_year(2023)
    db.session.remove()
    return made


def test_the_seed_years_figures_are_the_reports(year_2023, runner):
    found = figures(year_period(2023))
    assert found["enforcement"] == SEED_2023
    assert statistics.paragraph(found["enforcement"]) == SEED_SENTENCE
    assert found["credit"]["listed"] == SEED_LISTED >= 100
    assert found["credit"]["listed_by_level"] == {"general": SEED_LISTED}
    out = runner.invoke(args=["stats", "--year", "2023", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["enforcement"] == SEED_2023
    text = runner.invoke(args=["stats", "--year", "2023"]).output
    assert SEED_SENTENCE in text
    with pytest.raises(Conflict):
        load_year(2023)  # loaded once


def test_periods_and_streets_split_the_year(year_2023):
    quarters = [figures(period_of(2023, quarter=q))["enforcement"] for q in range(1, 5)]
    assert sum(q["inspections"] for q in quarters) == SEED_2023["inspections"]
    assert sum(q["penalties"] for q in quarters) == SEED_2023["penalties"]
    months = [figures(period_of(2023, month=m))["enforcement"]["hazards_found"]
              for m in range(1, 13)]
    assert sum(months) == SEED_2023["hazards_found"]
    streets = statistics.streets()
    assert len(streets) == 11
    by_street = [figures(year_period(2023), s)["enforcement"]["inspections"] for s in streets]
    assert sum(by_street) == SEED_2023["inspections"] and all(by_street)
    assert figures(year_period(2022))["enforcement"]["inspections"] == 0


def test_periods_are_named_and_have_a_previous_one():
    assert period_of(2023, quarter=2) == Period(dt.date(2023, 4, 1), dt.date(2023, 6, 30),
                                                "2023年第二季度")
    assert period_of(2024, month=2).end == dt.date(2024, 2, 29)
    assert year_period(2023).previous() == year_period(2022)
    assert period_of(2023, quarter=1).previous().start == dt.date(2022, 10, 1)
    span = period_of(start=dt.date(2023, 3, 10), end=dt.date(2023, 3, 19))
    assert span.previous() == Period(dt.date(2023, 2, 28), dt.date(2023, 3, 9),
                                     "2023-02-28—2023-03-09")
    for bad in ({}, {"year": 1999}, {"year": 2023, "quarter": 5},
                {"year": 2023, "month": 13}, {"start": dt.date(2023, 2, 1)},
                {"start": dt.date(2023, 2, 1), "end": dt.date(2023, 1, 1)}):
        with pytest.raises(ValidationFailed):
            period_of(**bad)  # type: ignore[arg-type]


def test_the_credit_work_is_counted(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    other = b.staff("supervisor")
    unit, record, listing = b.listed_unit(officer, supervisor, days_ago=400)
    b.pay_in_full(officer, record)
    request = restoration.file_request(officer, unit.uscc, True, "已缴清罚款")
    restoration.approve_request(other, request.id)
    b.inspection(officer, b.unit(officer).uscc)
    revoked = b.inspection(officer, b.unit(officer).uscc, hazards_found=9).id
    run_disclosure()
    b.revoke_record(officer, supervisor, revoked, "复查认定有误")
    run_disclosure()
    db.session.execute(update(DisclosureBatch).values(delivered_at=utcnow()))
    db.session.commit()
    today = b.today_local()
    found = figures(period_of(start=today - dt.timedelta(days=800), end=today + dt.timedelta(40)))
    credit = found["credit"]
    assert credit["listed"] == 1 and credit["restored_listings"] == 1
    assert credit["median_days_to_decision"] is not None and credit["median_days_to_decision"] < 1
    # the revoked inspection's and the listing's own (the unit left the list)
    assert credit["withdrawals"] == 2 and credit["withdrawals_on_time"] == 2
    assert credit["disclosed"] >= 3 and credit["disclosed_late"] >= 1  # the old penalty
    assert found["enforcement"]["hazards_found"] == 3  # the revoked inspection does not count
