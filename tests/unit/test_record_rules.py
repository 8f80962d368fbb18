import datetime as dt
from decimal import Decimal

import pytest

from app.errors import ValidationFailed
from app.services.casework.record_rules import clean_record, money

TODAY = dt.date(2026, 11, 28)


def penalty(**kw):
    data = {
        "category": "penalty",
        "document_no": "X-1",
        "decided_on": TODAY,
        "tier": "general",
        "penalty_types": ["fine"],
        "fine_amount": "30000",
        "facts": "f",
        "legal_basis": "b",
    }
    data.update(kw)
    return data


def errors_of(data):
    with pytest.raises(ValidationFailed) as info:
        clean_record(data, TODAY)
    return info.value.errors


def test_a_valid_penalty_is_cleaned():
    out = clean_record(penalty(), TODAY)
    assert out["fine_amount"] == Decimal("30000.00")


@pytest.mark.parametrize(
    "bad", ["-1", "abc", "1.234", "NaN", "Infinity", "1e20", "1E+40", "9" * 40]
)
def test_money_must_be_a_non_negative_decimal_with_cents(bad):
    with pytest.raises(ValidationFailed):
        money(bad)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (penalty(fine_amount="-5"), "fine_amount"),
        (penalty(fine_amount=None), "fine_amount"),
        (penalty(tier="huge"), "tier"),
        (penalty(penalty_types=["flogging"]), "penalty_types"),
        (penalty(decided_on=TODAY + dt.timedelta(days=1)), "decided_on"),
        (penalty(hazards_found=3), "hazards_found"),
        (penalty(document_no="  "), "document_no"),
        ({"category": "coercive_measure", "document_no": "C", "decided_on": TODAY,
          "measure_type": "seal_up", "started_on": TODAY, "lifted_on": TODAY - dt.timedelta(1)},
         "lifted_on"),
        ({"category": "licensing", "document_no": "L", "decided_on": TODAY,
          "licence_type": "ordinary", "licence_no": "N", "valid_from": TODAY,
          "valid_to": TODAY - dt.timedelta(1)}, "valid_to"),
        ({"category": "inspection", "document_no": "I", "decided_on": TODAY,
          "hazards_found": 1, "hazards_rectified": 2}, "hazards_rectified"),
    ],
)
def test_bad_fields_are_named(data, field):
    assert field in errors_of(data)


def test_unknown_category_is_refused():
    assert "category" in errors_of({"category": "parking"})
