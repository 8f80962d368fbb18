import csv
import io
import json

import pytest

from app.publishers import formats
from app.publishers.fields import (
    FIELDS,
    licence_state,
    mask,
    mask_id,
    public_fields,
    subject_kind,
)
from app.publishers.formats import Item

AUTH = {"name": "天津市东丽区消防救援支队", "uscc": "11120110MB1234567C"}
UNIT = {"uscc": "91120110MA0000001W", "name": "金钟物流", "legal_representative": "王明"}


def payload(category, **kw):
    base = {"op": "add", "record_id": 1, "category": category, "unit": UNIT, "authority": AUTH,
            "document_no": "D-1", "decided_on": "2026-11-02", "facts": "f", "legal_basis": "b",
            "status": "active"}
    base.update(kw)
    return base


PAYLOADS = {
    "penalty": payload("penalty", tier="general", penalty_types=["warning", "fine"],
                       fine_amount="30000.00", publicity_until="2027-11-02"),
    "licensing": payload("licensing", licence_type="verification", licence_no="N-1",
                         valid_from="2026-11-02", valid_to="2029-11-01"),
    "inspection": payload("inspection", hazards_found=3, hazards_rectified=1),
    "coercive_measure": payload("coercive_measure", measure_type="seal_up",
                                started_on="2026-11-02", lifted_on=None),
}


def test_ids_and_mobiles_in_free_text_are_masked():
    text = "联系人身份证110101199003071234，手机13812345678，座机022-24391234"
    assert mask(text) == "联系人身份证110101********1234，手机138****5678，座机022-24391234"
    assert mask("代码91120110MA0000001W不动") == "代码91120110MA0000001W不动"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证 110101 19900307 123X 号", "身份证 110101********123X 号"),  # separated
        ("证号110101-1990-0307-1234。", "证号110101********1234。"),
        ("ID110101199003071234abc", "ID110101********1234abc"),  # glued to letters
        ("身份证号11010119900307123x", "身份证号110101********123x"),
        ("旧证110101900307123号", "旧证110101******123号"),  # 15-digit, first generation
        ("电话+86 138 1234 5678", "电话+86138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("手机138-1234-5678x", "手机138****5678x"),
        ("手机 139 0000 1111。", "手机 139****1111。"),
        ("护照E12345678，通行证EA1234567", "护照E******78，通行证EA*****67"),
        # left alone: company codes, landlines, amounts, dates, standards, document numbers
        ("座机022-24391234", "座机022-24391234"),
        ("罚款13000元，2023-12-15复查", "罚款13000元，2023-12-15复查"),
        ("依据GB 50016-2014", "依据GB 50016-2014"),
        ("津东消行罚决字〔2023〕0012号", "津东消行罚决字〔2023〕0012号"),
    ],
)
def test_personal_numbers_are_masked_however_they_are_written(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("category", sorted(PAYLOADS))
def test_each_category_fills_its_fields_in_order(category):
    fields = public_fields(category, PAYLOADS[category])
    assert list(fields) == FIELDS[category]
    assert fields["行政相对人代码_1（统一社会信用代码）"] == UNIT["uscc"]
    assert fields["数据来源单位"] == AUTH["name"]


def test_penalty_uses_the_national_codes_and_amounts_in_wan_yuan():
    fields = public_fields("penalty", PAYLOADS["penalty"])
    assert fields["处罚类别"] == "1;2"
    assert fields["罚款金额（万元）"] == "3.000000"
    assert fields["处罚内容"] == "警告；罚款人民币30000.00元"
    assert fields["公示截止期"] == "2027-11-02"


def item(i, category, p):
    fields = json.dumps(public_fields(category, p), ensure_ascii=False)
    return Item(i, p["op"], category, i, i, fields)


def test_personal_data_is_masked_in_payloads():
    p = payload("penalty", tier="general", penalty_types=["warning"],
                facts="当事人张三（身份证号120110198501011234，电话13900001111）")
    line = formats.jsonl_line(item(1, "penalty", p)).decode()
    assert "120110198501011234" not in line and "13900001111" not in line
    assert json.loads(line)["fields"]["违法事实"].startswith(
        "当事人张三（身份证号120110********1234"
    )


def test_jsonl_is_deterministic_and_csv_opens_in_excel():
    items = [item(i, "inspection", PAYLOADS["inspection"]) for i in range(1, 4)]
    a = formats.digest(formats.jsonl(items))
    assert a == formats.digest(formats.jsonl(items))
    lines = b"".join(formats.jsonl(items)).decode().splitlines()
    assert [json.loads(x)["item_id"] for x in lines] == [1, 2, 3]
    raw = b"".join(formats.csv_lines("inspection", items))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["操作", "条目编号", "记录编号"] and len(rows) == 4
    assert raw.count(b"\r\n") == 4


def test_withdrawals_say_why():
    p = payload("penalty", op="withdraw", status="revoked", penalty_types=["warning"])
    assert public_fields("penalty", p)["备注"] == "撤销公示"


@pytest.mark.parametrize(
    ("number", "shown"),
    [("11010519491231002X", "110105********002X"), ("110105491231002", "110105******002"),
     ("E12345678", "E1*****78"), ("H1234567", "H1****67"), ("", "")],
)
def test_an_id_number_field_is_masked(number, shown):
    assert mask_id(number) == shown


def test_the_subject_kind_follows_the_code():
    assert subject_kind("92120110MA05L0XX2P") == "个体工商户"
    assert subject_kind("91120110MA0000001W") == "法人及非法人组织"
    assert subject_kind("52120110MJ0000000X") == "法人及非法人组织"


@pytest.mark.parametrize(
    ("status", "valid_to", "as_of", "state"),
    [("active", "2027-01-01", "2026-11-29", "有效"), ("active", "2026-11-28", "2026-11-29", "过期"),
     ("revoked", "2027-01-01", "2026-11-29", "撤销")],
)
def test_a_licence_state_follows_its_validity(status, valid_to, as_of, state):
    assert licence_state({"status": status, "valid_to": valid_to, "as_of": as_of}) == state


@pytest.mark.parametrize("danger", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                    "\tcmd", "\rcmd"])
def test_csv_cells_cannot_start_a_formula_while_the_json_lines_stay_exact(danger):
    it = item(1, "inspection", payload("inspection", facts=danger))
    rows = list(csv.reader(io.StringIO(b"".join(formats.csv_lines("inspection", [it]))
                                       .decode("utf-8-sig"), newline="")))
    column = rows[0].index("检查结果")
    assert rows[1][column] == "'" + danger
    assert json.loads(formats.jsonl_line(it))["fields"]["检查结果"] == danger


def test_every_published_column_reads_plainly():
    from app.publishers.fields import FIELDS, NOT_SHOWN, PLAIN

    for category in FIELDS:
        unread = [c for c in FIELDS[category] if c not in PLAIN and c not in NOT_SHOWN]
        assert not unread, f"{category}: give the public page a word for {unread}"
