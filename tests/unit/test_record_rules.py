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
        "deliberation_ref": "东消集议〔2026〕1号",  # a fine of 30,000 is deliberated
        "deliberation_on": TODAY,
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


NO_DELIBERATION = {"deliberation_ref": None, "deliberation_on": None}


@pytest.mark.parametrize("data", [
    penalty(**NO_DELIBERATION),  # CNY 30,000: from the threshold on
    penalty(**NO_DELIBERATION, fine_amount="50000.00"),
    penalty(**NO_DELIBERATION, penalty_types=["suspension"], fine_amount=None),
    penalty(**NO_DELIBERATION, penalty_types=["warning", "stop_use"], fine_amount=None),
    {"category": "coercive_measure", "document_no": "C", "decided_on": TODAY,
     "measure_type": "enforcement", "started_on": TODAY},
])
def test_decisions_reserved_for_collective_deliberation_need_its_reference(data):
    assert "deliberation_ref" in errors_of(data)


def test_smaller_decisions_need_no_deliberation_and_the_threshold_is_a_setting():
    assert clean_record(penalty(**NO_DELIBERATION, fine_amount="29999.99"), TODAY)
    assert clean_record({"category": "coercive_measure", "document_no": "C",
                         "decided_on": TODAY, "measure_type": "other", "started_on": TODAY},
                        TODAY)
    with pytest.raises(ValidationFailed):
        clean_record(penalty(**NO_DELIBERATION, fine_amount="20000"), TODAY,
                     deliberation_fine=Decimal("20000"))


@pytest.mark.parametrize(("extra", "field"), [
    ({"deliberation_on": None}, "deliberation_on"),
    ({"deliberation_ref": None, "fine_amount": "100"}, "deliberation_ref"),
    ({"deliberation_on": TODAY + dt.timedelta(days=1)}, "deliberation_on"),
])
def test_a_deliberation_has_a_reference_and_a_date_before_the_decision(extra, field):
    data = penalty(**extra)
    data["decided_on"] = TODAY
    assert field in errors_of(data)


def inspection(**kw):
    return {"category": "inspection", "document_no": "I", "decided_on": TODAY - dt.timedelta(9),
            "hazards_found": 2, "hazards_rectified": 1, **kw}


def test_an_inspection_carries_its_correction_notice_and_a_major_hazard():
    out = clean_record(inspection(correction_notice_no=" 东消改字〔2026〕1号 ",
                                  correction_notice_on=TODAY, major_hazard=True,
                                  major_hazard_listed_on=TODAY - dt.timedelta(5),
                                  major_hazard_closed_on=TODAY), TODAY)
    assert out["correction_notice_no"] == "东消改字〔2026〕1号" and out["major_hazard"] is True
    assert clean_record(inspection(), TODAY)["major_hazard"] is False


@pytest.mark.parametrize(("extra", "field"), [
    ({"correction_notice_no": "N-1"}, "correction_notice_on"),
    ({"correction_notice_on": TODAY}, "correction_notice_no"),
    ({"correction_notice_no": "N-1", "correction_notice_on": TODAY - dt.timedelta(30)},
     "correction_notice_on"),
    ({"correction_notice_no": "N-1", "correction_notice_on": TODAY + dt.timedelta(1)},
     "correction_notice_on"),
    ({"major_hazard_listed_on": TODAY}, "major_hazard"),
    ({"major_hazard": True, "major_hazard_listed_on": TODAY,
      "major_hazard_closed_on": TODAY - dt.timedelta(1)}, "major_hazard_closed_on"),
    ({"major_hazard": True, "major_hazard_closed_on": TODAY + dt.timedelta(1)},
     "major_hazard_closed_on"),
])
def test_an_inspections_notice_and_hazard_dates_are_checked(extra, field):
    assert field in errors_of(inspection(**extra))


# 轻微 is what the simplified procedure could decide (行政处罚法 第51条), issue 24.
@pytest.mark.parametrize(("types", "fine", "person", "minor"), [
    (["warning"], None, False, True),
    (["public_criticism"], None, False, True),
    (["fine"], "3000", False, True),
    (["fine"], "3000.01", False, False),
    (["fine"], "200", True, True),
    (["fine"], "201", True, False),
    (["suspension", "fine"], "300000", False, False),  # a 三停 is never minor
    (["licence_revocation"], None, False, False),
    (["closure"], None, False, False),
])
def test_minor_is_only_what_the_simplified_procedure_covers(types, fine, person, minor):
    data = penalty(tier="minor", penalty_types=types, fine_amount=fine, deliberation_ref=None,
                   deliberation_on=None)
    if "suspension" in types:
        data.update(deliberation_ref="东消集议〔2026〕2号", deliberation_on=TODAY)
    if person:
        data.update(person_name="张三", person_id_type="resident_id",
                    person_id_number="11010519491231002X")
    if minor:
        assert clean_record(data, TODAY)["tier"] == "minor"
    else:
        assert "tier" in errors_of(data)
    limits = {"person": Decimal("500"), "organisation": Decimal("5000")}  # a setting
    if types == ["fine"] and not person:
        assert clean_record(data, TODAY, minor_fines=limits)["tier"] == "minor"
