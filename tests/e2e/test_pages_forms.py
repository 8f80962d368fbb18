"""Every staff form refuses bad input: field errors in the page's language, what was typed
kept, nothing changed; a stale version is a clear conflict."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.credit.listings import propose_listing
from tests import builders as b
from tests.pages import Session

OLD = (dt.date.today() - dt.timedelta(days=400)).isoformat()
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def desk(app, tmp_path):
    """An officer, two supervisors, an admin; a listed unit with an unpaid fine."""
    app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        officer, sup = b.staff("officer", "wang"), b.staff("supervisor", "zhang")
        b.staff("supervisor", "li")
        b.staff("admin", "root")
        unit, record, listing = b.listed_unit(officer, sup)
        fresh = b.unit(officer)
        check = b.inspection(officer, fresh.uscc)
    return {"unit": unit.uscc, "record": record.id, "listing": listing.id,
            "fresh": fresh.uscc, "inspection": check.id}


def proposed(app, document_no, by=None):
    """A listing proposal by officer ``zhao``, or by the supervisor named ``by``."""
    with app.app_context():
        officer = b.staff("officer", "zhao")
        proposer = b.staff("supervisor", by) if by else officer
        u = b.unit(officer)
        rec = b.penalty(officer, u.uscc)
        return propose_listing(proposer, u.uscc, "general", "理由", [rec.id], document_no,
                               rec.decided_on)


def refused(browser, path, data, *messages, status=422, page=None):
    """Submit, expect a refusal showing ``messages``, and nothing written."""
    before = browser.counts()
    response = browser.submit(path, data, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == status, (path, response.status_code, html[-2000:])
    for message in messages:
        assert message in html, (path, message)
    assert browser.counts() == before
    return html


def test_register_unit(app, desk):
    wang = Session(app, "wang")
    html = refused(wang, "/staff/units/new", {"uscc": "91120110MA0000001X", "name": "某某商店"},
                   "统一社会信用代码校验位不正确")
    assert 'value="某某商店"' in html  # what was typed is kept
    refused(wang, "/staff/units/new", {"uscc": "123", "name": ""}, "应为18位", "此项必填")
    refused(wang, "/staff/units/new", {"uscc": desk["unit"], "name": "重名"}, "已", status=409)
    assert wang.submit("/staff/units/new", {"uscc": b.uscc(), "name": "新单位"}).status_code == 302


def test_register_unit_in_english(app, desk):
    wang = Session(app, "wang", lang="en")
    html = refused(wang, "/staff/units/new", {"uscc": "91120110MA0000001X", "name": ""},
                   "The check character of the unified social credit code is wrong",
                   "This field is required.")
    assert "此项必填" not in html
    html = refused(wang, "/staff/units/new", {"uscc": desk["unit"], "name": "Same code"},
                   f"Unified social credit code {desk['unit']} is already registered.",
                   status=409)  # a message with values, in the page's language
    assert "已登记" not in html
    html = refused(wang, "/staff/units/new", {"uscc": b.uscc(), "name": "ID",
                                              "legal_rep_id_type": "resident_id",
                                              "legal_rep_id_number": "110105194912310021"},
                   "Invalid resident ID number")


def test_add_record(app, desk):
    wang, path = Session(app, "wang"), f"/staff/units/{desk['fresh']}/records/new"
    refused(wang, path, {"category": "penalty", "document_no": "X1", "decided_on": OLD,
                         "tier": "general", "penalty_types": "fine"},
            "处罚种类含罚款时须填写罚款金额", "行政处罚须填写违法事实和处罚依据")
    refused(wang, path, {"category": "inspection", "document_no": "X2", "decided_on": FUTURE},
            "决定日期不能晚于今天")
    refused(wang, path, {"category": "inspection", "document_no": "X3", "decided_on": "soon"},
            "决定日期")
    refused(wang, path, {"category": "inspection", "document_no": "X4", "decided_on": OLD,
                         "hazards_found": "2", "hazards_rectified": "3"},
            "已整改隐患数须在 0 与发现隐患数之间")
    refused(wang, path, {"category": "coercive_measure", "document_no": "X5",
                         "decided_on": OLD, "measure_type": "seal_up"}, "请填写措施开始日期")
    refused(wang, path, {"category": "licensing", "document_no": "X6", "decided_on": OLD,
                         "licence_type": "ordinary", "licence_no": "L1", "valid_from": OLD,
                         "valid_to": "2000-01-01"}, "有效期截止日期不能早于起始日期")
    refused(wang, path, {"category": "nonsense", "document_no": "X7", "decided_on": OLD},
            "不是有效的选择")
    ok = wang.submit(path, {"category": "penalty", "document_no": "X8", "decided_on": OLD,
                            "tier": "general", "penalty_types": ["fine", "warning"],
                            "fine_amount": "3000", "facts": "堵塞消防通道",
                            "legal_basis": "消防法第六十条"})
    assert ok.status_code == 302
    refused(wang, path, {"category": "penalty", "document_no": "X8", "decided_on": OLD,
                         "tier": "general", "penalty_types": "warning", "facts": "f",
                         "legal_basis": "l"}, "X8", status=409)


def test_payment_and_rectification(app, desk):
    wang = Session(app, "wang")
    pay = f"/staff/records/{desk['record']}/payment"
    refused(wang, pay, {"amount": "0", "paid_on": OLD}, "缴款金额须大于零")
    refused(wang, pay, {"amount": "1.234", "paid_on": OLD}, "最多两位小数")
    refused(wang, pay, {"amount": "999999", "paid_on": OLD}, "缴款金额超过未缴金额")
    refused(wang, pay, {"amount": "100", "paid_on": FUTURE}, "日期不能晚于今天")
    refused(wang, pay, {"amount": "abc", "paid_on": ""}, "金额必须是十进制数字")
    fix = f"/staff/records/{desk['inspection']}/rectification"
    refused(wang, fix, {"rectified_on": FUTURE}, "日期不能晚于今天")
    refused(wang, fix, {"rectified_on": OLD, "hazards_count": "-1"}, "rectified_on" and "0")
    refused(wang, f"/staff/records/{desk['record']}/rectification", {"rectified_on": OLD},
            "只有监督检查和行政强制记录可以登记整改")
    assert wang.submit(pay, {"amount": "100", "paid_on": OLD}).status_code == 302


def test_a_revocation_proposal_needs_its_decision_number_date_and_reason(app, desk):
    zhang = Session(app, "zhang")
    path = f"/staff/records/{desk['record']}/revoke"
    refused(zhang, path, {"reason": "", "document_no": "", "revoked_on": ""}, "此项必填")
    refused(zhang, path, {"reason": "复议", "document_no": "撤1", "revoked_on": FUTURE},
            "不能晚于今天")
    path = f"/staff/units/{desk['unit']}/listing/revoke"
    refused(zhang, path, {"ground": "basis_revoked", "reason": "复核", "document_no": "撤2",
                          "decided_on": OLD}, "列入依据的决定尚未撤销")
    refused(zhang, path, {"ground": "whim", "reason": "复核", "document_no": "撤2",
                          "decided_on": OLD}, "不是有效的选择")


def test_propose_listing(app, desk):
    wang, path = Session(app, "wang"), f"/staff/units/{desk['fresh']}/listings/new"
    refused(wang, path, {"level": "general", "reason": "理由", "document_no": "L1",
                         "decided_on": OLD}, "请至少选择一条依据")
    refused(wang, path, {"level": "general", "reason": "理由", "document_no": "L1",
                         "decided_on": OLD, "basis_record_ids": str(desk["inspection"])},
            "所选内容不在可选范围内")  # an inspection is not offered as a basis


def test_decisions_need_another_supervisor_and_a_reason(app, desk):
    proposal = proposed(app, "L-77", by="qian")
    path = f"/staff/listings/{proposal.id}"
    qian, li = Session(app, "qian"), Session(app, "li")
    assert "建议人不能审核自己的建议" in qian.text(path)
    refused(qian, path, {"decision": "approve"}, "建议人不能审核自己的建议", status=409)
    refused(li, path, {"decision": "reject", "reason": ""}, "不同意时须填写理由")
    refused(li, path, {"decision": "maybe"}, "不是有效的选择")


def test_restoration_forms(app, desk):
    wang = Session(app, "wang")
    path = f"/staff/units/{desk['unit']}/restoration/new"
    refused(wang, path, {"note": "x"}, "须签署信用承诺书")
    with app.app_context():
        officer, sup = b.staff("officer", "sun"), b.staff("supervisor", "zhou")
        recent, _, _ = b.listed_unit(officer, sup, days_ago=10)
    refused(wang, f"/staff/units/{recent.uscc}/restoration/new", {"commitment_signed": "y"},
            "最短公示期未满", status=409)
    filed = wang.submit(path, {"commitment_signed": "y"})
    assert filed.status_code == 302
    decide = filed.headers["Location"]
    refused(Session(app, "zhang"), decide, {"decision": "approve"}, "罚款尚未缴清", status=409)
    refused(Session(app, "zhang"), decide, {"decision": "reject"}, "不同意时须填写理由")


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, desk):
    proposal = proposed(app, "L-88", by=None)
    path = f"/staff/listings/{proposal.id}"
    zhang, li = Session(app, "zhang"), Session(app, "li")
    zhang_token, li_token = zhang.csrf(path), li.csrf(path)
    page = li.text(path)
    version = page.split('name="version" value="')[1].split('"')[0]
    first = zhang.client.post(path, data={"decision": "approve", "version": version,
                                          "csrf_token": zhang_token})
    assert first.status_code == 302
    before = li.counts()
    second = li.client.post(path, data={"decision": "reject", "reason": "不同意",
                                        "version": version, "csrf_token": li_token})
    assert second.status_code == 409
    assert before == li.counts()
    assert "该建议已有决定" in second.get_data(as_text=True)


def test_admin_forms(app, desk):
    root = Session(app, "root")
    refused(root, "/staff/admin/users", {"username": "bad name", "display_name": "x",
                                         "role": "officer", "password": "long-enough-pw"},
            "用户名只能含字母")
    refused(root, "/staff/admin/users", {"username": "wang", "display_name": "x",
                                         "role": "officer", "password": "long-enough-pw"},
            "该用户名已存在", status=409)
    refused(root, "/staff/admin/users", {"username": "new", "display_name": "x",
                                         "role": "king", "password": "short"},
            "不是有效的选择", "密码至少10个字符")
    with app.app_context():
        from app.services.staff.accounts import list_users

        me = next(u for u in list_users() if u.username == "root")
    refused(root, f"/staff/admin/users/{me.id}", {"display_name": "root", "role": "officer",
                                                  "active": "y"},
            "管理员不能降低自己的角色", status=409)
    refused(root, "/staff/admin/calendar", {"year": "2027", "schedule": "2027-13-01,holiday"},
            "第 1 行：日期 2027-13-01 无效")
    refused(root, "/staff/admin/calendar", {"year": "2027", "schedule": "2028-01-01,holiday"},
            "2028-01-01 不在 2027 年内")
    refused(root, "/staff/admin/calendar", {"year": "1999", "schedule": ""}, "此项必填")
    refused(root, "/staff/admin/calendar",  # 春节 worked: a statutory day
            {"year": "2027", "schedule": "2027-01-01,holiday,元旦\n2027-02-06,workday"},
            "2027-02-06 是法定节假日")
    from app.calendar.statutory import statutory_holidays

    days = "".join(f"{d},holiday\n" for d in sorted(statutory_holidays(2027)))
    ok = root.submit("/staff/admin/calendar",
                     {"year": "2027", "schedule": days + "2027-02-20,workday,春节调休"})
    assert ok.status_code == 302
    assert "2027-02-20" in root.text("/staff/admin/calendar?year=2027")
