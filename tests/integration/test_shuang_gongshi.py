"""双公示 fields as the standard has them: the subject's kind from its code, the legal
representative's ID (kept, published masked, never on the district's own page), amounts
confiscated, licences suspended or revoked, how long a penalty is in effect, licence codes
and a licence's state following its validity."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import DisclosureItem
from app.services.base.context import today
from app.services.casework import records
from app.services.credit.expiry import sweep_expired
from app.services.disclosure.pipeline import run_disclosure
from app.services.online import public
from app.uscc import with_check_character
from tests import builders as b


def payloads(record_id: int) -> list[dict]:
    return list(db.session.scalars(select(DisclosureItem.payload).where(
        DisclosureItem.record_id == record_id).order_by(DisclosureItem.id)))


@pytest.fixture
def officer(ctx, tmp_path):
    ctx.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    return b.staff("officer")


def test_an_individual_business_and_its_representatives_id(officer):
    code = with_check_character("92120110MA0000777")
    u = b.unit(officer, uscc=code, legal_representative="王明",
               legal_rep_id_type="resident_id", legal_rep_id_number="110105 19491231 002x")
    assert u.legal_rep_id_number == "11010519491231002X"  # kept in full for staff
    rec = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=200))
    fields = payloads(rec.id)[0]
    assert fields["行政相对人类别"] == "个体工商户"
    assert fields["法定代表人证件类型"] == "居民身份证"
    assert fields["法定代表人证件号码"] == "110105********002X"
    run_disclosure()
    page = public.unit_page(code)
    assert page["records"] and "法定代表人证件号码" not in page["records"][0]["fields"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"legal_rep_id_type": "resident_id", "legal_rep_id_number": "110105194912310021"},
      "legal_rep_id_number"),
     ({"legal_rep_id_type": "spaceship", "legal_rep_id_number": "X1234567"}, "legal_rep_id_type"),
     ({"legal_rep_id_number": "E12345678"}, "legal_rep_id_type"),
     ({"legal_rep_id_type": "passport", "legal_rep_id_number": "E1"}, "legal_rep_id_number")],
)
def test_bad_representative_ids_are_refused(officer, fields, error):
    with pytest.raises(ValidationFailed) as info:
        b.unit(officer, **fields)
    assert error in info.value.errors


def test_penalty_details_confiscation_licences_and_effect(officer):
    u = b.unit(officer)
    rec = b.penalty(officer, u.uscc, penalty_types=["confiscation", "licence_revocation"],
                    fine_amount=None, confiscation_amount="12345.60",
                    licence_affected="消防安全检查合格证 DLXF2025001",
                    effective_until=today(), decided_on=today() - dt.timedelta(days=30))
    fields = payloads(rec.id)[0]
    assert fields["没收违法所得、没收非法财物的金额（万元）"] == "1.234560"
    assert fields["暂扣或吊销证照名称及编号"] == "消防安全检查合格证 DLXF2025001"
    assert fields["处罚有效期"] == today().isoformat() != fields["公示截止期"]
    plain = b.penalty(officer, u.uscc, penalty_types=["warning"], fine_amount=None,
                      decided_on=today() - dt.timedelta(days=30))
    assert payloads(plain.id)[0]["处罚有效期"] == plain.decided_on.isoformat()
    for data, field in [({"penalty_types": ["confiscation"]}, "confiscation_amount"),
                        ({"penalty_types": ["licence_suspension"]}, "licence_affected"),
                        ({"effective_until": today() - dt.timedelta(days=500)},
                         "effective_until")]:
        with pytest.raises(ValidationFailed) as info:
            b.penalty(officer, u.uscc, **{"fine_amount": None, "penalty_types": ["warning"],
                                          **data})
        assert field in info.value.errors


def test_a_licence_is_published_by_code_and_as_lapsed_once_past_its_validity(officer):
    u = b.unit(officer)
    start = today() - dt.timedelta(days=400)
    lic = records.add_record(officer, u.uscc, {
        "category": "licensing", "document_no": "津东消许字〔2025〕0001号", "decided_on": start,
        "licence_type": "verification", "licence_no": "DLXF2025001", "valid_from": start,
        "valid_to": today() + dt.timedelta(days=1), "certificate_name": "消防安全检查合格证",
        "facts": "公众聚集场所投入使用、营业前消防安全检查"})
    first = payloads(lic.id)[0]
    assert (first["许可类别"], first["许可证书名称"], first["当前状态"]) == (
        "4", "消防安全检查合格证", "有效")
    assert sweep_expired().licences_lapsed == []
    lic.valid_to = today() - dt.timedelta(days=1)  # its validity ended yesterday
    db.session.commit()
    assert sweep_expired().licences_lapsed == [lic.id]
    assert sweep_expired().licences_lapsed == []  # once
    assert payloads(lic.id)[-1]["当前状态"] == "过期"


def test_a_natural_person_as_the_subject(officer):
    u = b.unit(officer)
    with pytest.raises(ValidationFailed) as info:  # only public security detains (消防法 第62条)
        b.penalty(officer, u.uscc, penalty_types=["detention"], fine_amount=None,
                  person_name="李四", person_id_type="resident_id",
                  person_id_number="11010519491231002X")
    assert "penalty_types" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        b.penalty(officer, u.uscc, person_name="李四", fine_amount=None,
                  penalty_types=["warning"])  # a name without an ID
    assert "person_id_type" in info.value.errors
    rec = b.penalty(officer, u.uscc, penalty_types=["fine"], fine_amount="500",
                    person_name="李四", person_id_type="resident_id",
                    person_id_number="11010519491231002X",
                    decided_on=today() - dt.timedelta(days=10))
    fields = payloads(rec.id)[0]
    assert (fields["行政相对人名称"], fields["行政相对人类别"]) == ("李四", "自然人")
    assert fields["证件类型"] == "居民身份证" and fields["证件号码"] == "110105********002X"
    assert fields["行政相对人代码_1（统一社会信用代码）"] == "" and fields["法定代表人"] == ""
    code = u.uscc
    run_disclosure()
    shown = public.unit_page(code)["records"][0]["fields"]
    assert "行政相对人名称" not in shown and "证件号码" not in shown  # not on the district's page
    organisation = b.penalty(officer, code, penalty_types=["warning"], fine_amount=None,
                             decided_on=today() - dt.timedelta(days=30))
    assert payloads(organisation.id)[0]["证件号码"] == ""
