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


# The standard's columns, in order (DOMAIN.md, 双公示 fields): 30 for a penalty, 28 for a
# licence. Written out here, not taken from the code, so a column lost or moved fails.
PENALTY_COLUMNS = [
    "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）",
    "行政相对人代码_2（工商注册号）", "行政相对人代码_3（组织机构代码）",
    "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
    "行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据",
    "处罚类别", "处罚内容", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关",
    "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注"]
LICENCE_COLUMNS = [
    *PENALTY_COLUMNS[:13], "行政许可决定文书名称", "行政许可决定文书号", "许可类别", "许可证书名称",
    "许可编号", "许可内容", "许可决定日期", "有效期自", "有效期至", "许可机关",
    "许可机关统一社会信用代码", "当前状态", "数据来源单位", "数据来源单位统一社会信用代码", "备注"]


def licence(officer, uscc, **fields):
    start = fields.pop("decided_on", today() - dt.timedelta(days=30))
    return records.add_record(officer, uscc, {
        "category": "licensing", "document_no": f"津东消许字〔{start.year}〕{start:%m%d}号",
        "decided_on": start, "licence_type": "verification", "licence_no": "DLXF-1",
        "valid_from": start, "facts": "公众聚集场所投入使用、营业前消防安全检查", **fields})


def test_the_files_have_the_standards_columns_in_order(officer):
    u = b.unit(officer)
    rec = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=10))
    lic = licence(officer, u.uscc, valid_to=today() + dt.timedelta(days=300))
    assert list(payloads(rec.id)[0]) == PENALTY_COLUMNS
    assert list(payloads(lic.id)[0]) == LICENCE_COLUMNS
    assert payloads(rec.id)[0]["行政相对人代码_2（工商注册号）"] == ""


def test_the_violation_type_is_the_records_own(officer):
    u = b.unit(officer)
    named = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=10),
                      violation_type="占用、堵塞、封闭疏散通道、安全出口")
    unnamed = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=9),
                        facts="埋压、圈占消火栓。经查，该单位于 2026 年堆放货物。")
    assert payloads(named.id)[0]["违法行为类型"] == "占用、堵塞、封闭疏散通道、安全出口"
    # without one: the facts' first sentence
    assert payloads(unnamed.id)[0]["违法行为类型"] == "埋压、圈占消火栓"
    with pytest.raises(ValidationFailed) as info:
        b.penalty(officer, u.uscc, violation_type="长" * 201)
    assert "violation_type" in info.value.errors


def test_the_licence_decision_is_named_by_its_item_and_may_be_long_term(officer):
    from app.publishers.fields import licence_document

    u = b.unit(officer)
    current = licence(officer, u.uscc)  # no end date: 长期
    other = licence(officer, u.uscc, decided_on=today() - dt.timedelta(days=20),
                    licence_item="other", certificate_name="某项许可证",
                    valid_to=today() + dt.timedelta(days=10))
    now = payloads(current.id)[0]
    assert now["行政许可决定文书名称"] == "公众聚集场所投入使用、营业前消防安全检查意见书"
    assert (now["有效期至"], now["当前状态"]) == ("2099-12-31", "有效")
    assert current.valid_to is None  # nothing invented in the register
    # before 消防法 (2021修正) the decision was the 合格证 (a register of old licences, exported)
    assert licence_document({"decided_on": "2021-04-28"}).endswith("消防安全检查合格证")
    assert payloads(other.id)[0]["行政许可决定文书名称"] == "某项许可证"
    assert sweep_expired().licences_lapsed == []  # a long-term licence never lapses
    with pytest.raises(ValidationFailed) as info:
        licence(officer, u.uscc, licence_item="spaceport")
    assert "licence_item" in info.value.errors


def test_the_public_page_reads_in_words(officer):
    from app.publishers.fields import plain

    u = b.unit(officer)
    rec = b.penalty(officer, u.uscc, decided_on=today() - dt.timedelta(days=10),
                    penalty_types=["fine", "suspension"], fine_amount="20000")
    fields = payloads(rec.id)[0]
    assert (fields["处罚类别"], fields["罚款金额（万元）"]) == ("2;4", "2.000000")  # the exchange
    lines = {p.label: p for p in plain(fields)}
    assert lines["处罚种类"].words == ("罚款", "责令停产停业")
    assert lines["罚款金额"].yuan == "20,000"
    assert "行政相对人代码_1（统一社会信用代码）" not in lines and "统一社会信用代码" in lines
    assert not any("（万元）" in label or "_" in label for label in lines)
