"""Public field sets of the four categories, in the style of the national 双公示 standard.

Penalty and licensing use the national field names; inspections and coercive measures, for
which no national standard exists, use fields of the same style (docs/disclosure.md).
Personal ID numbers and mobile numbers in free text are masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.i18n import N_
from app.workflows import record_kinds
from app.workflows.record_kinds import Field
from app.workflows.vocabulary import (
    DISCLOSURE_CATEGORIES,
    ID_TYPES,
    LICENCE_DOCUMENT_OTHER,
    LICENCE_DOCUMENTS,
    LICENCE_DOCUMENTS_BEFORE,
    LICENCE_TYPES,
    LISTING,
    LONG_TERM_UNTIL,
    PENALTY_CLASSES,
    PENALTY_TYPES,
    TIERS,
    UNDER_OBJECTION,
)

# 行政相对人代码_1 … _6, in the standard's order (DOMAIN.md, 双公示 fields). Since 三证合一 a
# unit's 统一社会信用代码 replaces the other five, which creditflow does not hold: they are
# published empty, in their places.
SUBJECT_CODES = ["行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
                 "行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）",
                 "行政相对人代码_5（事业单位证书号）", "行政相对人代码_6（社会组织登记证号）"]
SUBJECT = ["行政相对人名称", "行政相对人类别", *SUBJECT_CODES, "法定代表人",
           "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码"]
SOURCE = ["数据来源单位", "数据来源单位统一社会信用代码", "备注"]



# A listing's own columns (失信名单): no national standard at hand, so in the style of the
# 双公示 files (docs/disclosure.md): the list, the level, the decision, its reasons and basis,
# its window and state, and the deciding authority.
LISTING_COLUMNS = ["失信名单名称", "失信等级", "列入决定文书号", "列入事由", "列入依据", "列入日期",
                   "公示截止期", "移出日期", "当前状态", "认定机关", "认定机关统一社会信用代码"]
LISTING_NAME = "消防安全领域失信名单"


class _FieldSets(Mapping[str, list[str]]):
    """Each category's published columns: the subject's, the kind's (as declared in
    ``app/workflows/record_kinds.py``, in the standard's order; a listing's LISTING_COLUMNS)
    and the source's."""

    def __getitem__(self, category: str) -> list[str]:
        if category == LISTING:
            return SUBJECT + LISTING_COLUMNS + SOURCE
        return SUBJECT + list(record_kinds.kind(category).published_columns) + SOURCE

    def __iter__(self) -> Iterator[str]:
        return iter(DISCLOSURE_CATEGORIES)

    def __len__(self) -> int:
        return len(DISCLOSURE_CATEGORIES)


FIELDS: Mapping[str, list[str]] = _FieldSets()

# Digit runs in free text, with single spaces or dashes between digits allowed ("110101 1990
# 0307 1234", "138-1234-5678") and an ID's check character X; letters around them do not
# protect them ("身份证号ID110101199003071234").
_SEP = r"[ \-\u2010\uff0d]"
_DIGIT_RUN = re.compile(rf"(?<!\d)\d(?:{_SEP}?\d)*(?:{_SEP}?[Xx])?(?!\d)")
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
# Passports and travel permits: one or two letters and 7-8 digits (E12345678, EA1234567).
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])([A-Za-z]{1,2})(\d{7,8})(?![0-9A-Za-z])")
_ENOUGH_DIGITS = re.compile(r"\d(?:\D?\d){6}")


def _mask_run(match: re.Match[str]) -> str:
    text = match.group()
    digits = re.sub(_SEP, "", text)
    if len(digits) == 18 and digits[:17].isdigit():  # resident ID: keep 6 + 4
        return f"{digits[:6]}********{digits[-4:]}"
    tail = ""
    if digits[-1] in "Xx":  # an X that is not an ID's check character stays as written
        digits, tail = digits[:-1], text[-1]
    if len(digits) == 15:  # first-generation resident ID: keep 6 + 3
        return f"{digits[:6]}******{digits[-3:]}{tail}"
    if _MOBILE.fullmatch(digits):  # mobile, with or without 86: keep 3 + 4 of the number
        return f"{digits[:-8]}****{digits[-4:]}{tail}"
    return text


def mask(text: str | None) -> str:
    """Mask personal numbers in free text: resident IDs (18 digits keep 6 + 4, 15 keep 6 + 3),
    mobile numbers (keep 3 + 4, with +86, spaces or dashes) and passport numbers (keep the
    letters and the last 2 digits). Company codes and landlines stay."""
    if not text:
        return ""
    if _ENOUGH_DIGITS.search(text) is None:  # the common case: nothing to mask
        return text
    text = _DIGIT_RUN.sub(_mask_run, text)
    return _PASSPORT.sub(lambda m: m[1] + "*" * (len(m[2]) - 2) + m[2][-2:], text)


def mask_id(number: str | None) -> str:
    """An ID number as published: a resident ID keeps 6 + 4 (15 digits: 6 + 3), any other
    keeps its first and last two characters."""
    text = "".join((number or "").split())
    if not text:
        return ""
    if len(text) == 18:
        return f"{text[:6]}********{text[-4:]}"
    if len(text) == 15:
        return f"{text[:6]}******{text[-3:]}"
    keep = 2 if len(text) > 6 else 1
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def subject_kind(uscc: str) -> str:
    """行政相对人类别 from the code: GB 32100 gives 个体工商户 the registration authority 9
    (工商) with organisation type 2; every other code is a 法人及非法人组织."""
    return "个体工商户" if uscc.startswith("92") else "法人及非法人组织"


def _wan(yuan: str | None) -> str:
    if yuan in (None, ""):
        return ""
    return f"{(Decimal(yuan) / Decimal(10000)).quantize(Decimal('0.000001')):f}"


_LISTING_ENDED = {"restored": "已信用修复，移出失信名单", "expired": "公示期满，移出失信名单",
                  "revoked": "失信名单已撤销"}


EXTENDED_LISTING = "名单最长公示期已届满，义务尚未履行完毕，继续公示至履行完毕"


def _listing_remark(p: dict[str, Any]) -> str:
    """A listing item's 备注: why it left the list, or that it stays past its maximum."""
    status = p.get("status")
    if status == "revoked":
        why = mask(p.get("end_reason"))
        return f"失信名单已撤销：{why}" if why else "失信名单已撤销"
    if status in _LISTING_ENDED:
        return _LISTING_ENDED[status]
    parts = [EXTENDED_LISTING] if p.get("extended") else []
    if p.get("objection") and p.get("op") != "withdraw":
        parts.insert(0, UNDER_OBJECTION)
    return "；".join(parts)


def _remark(p: dict[str, Any]) -> str:
    op = p.get("op")
    if p.get("category") == LISTING:
        return _listing_remark(p)
    if p.get("note"):
        marked = p.get("objection") and op != "withdraw"
        return f"{UNDER_OBJECTION}；{mask(p['note'])}" if marked else mask(p["note"])
    if op == "withdraw":
        if p.get("status") == "revoked":  # the reason is public (行政处罚法 第48条)
            why = mask(p.get("revoked_reason"))
            return f"撤销公示：{why}" if why else "撤销公示"
        if p.get("publicity_status") == "ended_early":
            return "信用修复，提前终止公示"
        return "公示期满，终止公示"
    parts = []
    if p.get("extended"):
        parts.append("最长公示期已届满，罚款尚未缴清，继续公示至缴清")
    if p.get("objection") and op != "withdraw":
        parts.insert(0, UNDER_OBJECTION)  # 异议处理中: contested, being checked
    return "；".join(parts)


def _common(p: dict[str, Any]) -> dict[str, str]:
    unit, authority = p["unit"], p["authority"]
    person = p.get("person")
    if person:  # a natural person: a masked ID instead of a code and a representative
        return {
            "行政相对人名称": person["name"], "行政相对人类别": "自然人",
            "证件类型": ID_TYPES.zh(person["id_type"]), "证件号码": mask_id(person["id_number"]),
            "数据来源单位": authority["name"], "数据来源单位统一社会信用代码": authority["uscc"],
            "备注": _remark(p),
        }
    return {
        "行政相对人名称": unit["name"], "行政相对人类别": subject_kind(unit["uscc"]),
        "行政相对人代码_1（统一社会信用代码）": unit["uscc"],
        "法定代表人": unit.get("legal_representative") or "",
        "法定代表人证件类型": ID_TYPES.zh(unit["id_type"]) if unit.get("id_type") else "",
        "法定代表人证件号码": mask_id(unit.get("id_number")),
        "数据来源单位": authority["name"], "数据来源单位统一社会信用代码": authority["uscc"],
        "备注": _remark(p),
    }


def _penalty(p: dict[str, Any], a: dict[str, str]) -> dict[str, str]:
    kinds = [(PENALTY_TYPES.code(t), PENALTY_TYPES.zh(t)) for t in p.get("penalty_types") or []]
    parts = [name for code, name in kinds if code != "2"]
    if p.get("fine_amount"):
        parts.append(f"罚款人民币{p['fine_amount']}元")
    return {
        "违法行为类型": mask(p.get("violation_type")) or violation_of(p.get("facts")),
        "处罚类别": ";".join(sorted({code for code, _ in kinds})), "处罚内容": "；".join(parts),
        # In effect until then (a one-off penalty: its decision date); not its publicity.
        "处罚有效期": p.get("effective_until") or p["decided_on"],
        "公示截止期": p.get("publicity_until") or "",
        "处罚机关": a["name"], "处罚机关统一社会信用代码": a["uscc"],
    }


_FIRST_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
VIOLATION_TYPE_SIZE = 200


def violation_of(facts: str | None) -> str:
    """违法行为类型 of a penalty entered without one: the first sentence of its facts (masked,
    at most ``VIOLATION_TYPE_SIZE`` characters): what the record itself says was done."""
    found = _FIRST_SENTENCE.search(mask(facts).strip())
    return found.group().strip()[:VIOLATION_TYPE_SIZE] if found else ""


def licence_document(p: dict[str, Any]) -> str:
    """行政许可决定文书名称 by 许可事项 and decision date (LICENCE_DOCUMENTS): an "other" item
    its 许可证书名称, else the generic name."""
    item = p.get("licence_item") or "public_gathering"
    since, before = LICENCE_DOCUMENTS_BEFORE
    if str(p.get("decided_on") or "") < since and item in before:
        return before[item]
    return LICENCE_DOCUMENTS.get(item) or p.get("certificate_name") or LICENCE_DOCUMENT_OTHER


def _licensing(p: dict[str, Any], a: dict[str, str]) -> dict[str, str]:
    return {
        "行政许可决定文书名称": licence_document(p),
        "有效期至": p.get("valid_to") or LONG_TERM_UNTIL,
        "许可类别": LICENCE_TYPES.code(p["licence_type"]) if p.get("licence_type") else "",
        "许可机关": a["name"], "许可机关统一社会信用代码": a["uscc"],
        "当前状态": licence_state(p),
    }


def licence_state(p: dict[str, Any]) -> str:
    """当前状态: 撤销 once revoked, 过期 once past its validity (as of the item), else 有效."""
    if p.get("status") != "active":
        return "撤销"
    valid_to, as_of = p.get("valid_to"), p.get("as_of")
    return "过期" if valid_to and as_of and str(valid_to) < str(as_of) else "有效"


def _inspection(_p: dict[str, Any], a: dict[str, str]) -> dict[str, str]:
    return {"检查类别": "消防监督检查", "检查机关": a["name"],
            "检查机关统一社会信用代码": a["uscc"]}


def _coercive(_p: dict[str, Any], a: dict[str, str]) -> dict[str, str]:
    return {"实施机关": a["name"], "实施机关统一社会信用代码": a["uscc"]}


def _listing(p: dict[str, Any], a: dict[str, str]) -> dict[str, str]:
    ended = p.get("status") != "active"
    return {
        "失信名单名称": LISTING_NAME, "失信等级": TIERS.zh(p["level"]),
        "列入决定文书号": p["document_no"], "列入事由": mask(p.get("reason")),
        "列入依据": "；".join(p.get("basis") or []), "列入日期": p["decided_on"],
        "公示截止期": p.get("publicity_until") or "", "移出日期": p.get("ended_on") or "",
        "当前状态": "已移出" if ended else "列入", "认定机关": a["name"],
        "认定机关统一社会信用代码": a["uscc"],
    }


# The columns the publisher computes (from several fields, the authority, the item's date);
# the columns a field feeds as it is are written by ``_declared``.
_COMPUTED: dict[str, Callable[[dict[str, Any], dict[str, str]], dict[str, str]]] = {
    "penalty": _penalty, "licensing": _licensing, "inspection": _inspection,
    "coercive_measure": _coercive, LISTING: _listing,
}


def _as_published(declared: Field, value: Any) -> str:
    """A field's value as its 双公示 column writes it (``Field.publish_as``)."""
    how = declared.publish_as
    if how == "masked":
        return mask(value)
    if how == "wan":
        return _wan(value)
    if how == "count":
        return str(value or 0)
    if how == "zh" and declared.words is not None:
        return declared.words.zh(value) if value else ""
    if isinstance(value, list):
        return "、".join(declared.words.zh(v) for v in value) if declared.words else ""
    return "" if value is None else str(value)


def _declared(category: str, p: dict[str, Any]) -> dict[str, str]:
    if category not in record_kinds.KINDS:
        return {}
    return {f.published: _as_published(f, p.get(f.name))
            for f in record_kinds.kind(category).fields if f.published}


def public_fields(category: str, payload: dict[str, Any]) -> dict[str, str]:
    """The item's public fields, in the category's field order."""
    computed = _COMPUTED.get(category)
    values = {**_common(payload), **_declared(category, payload),
              **(computed(payload, payload["authority"]) if computed else {})}
    return {name: values.get(name, "") for name in FIELDS[category]}


# The public page's words for the published columns (names, not exchange field names): each
# column's label (a message id) and how its value reads; columns not listed here are not
# shown on the page (the authority's code, the empty legacy subject codes, the 公示截止期 the
# page gives in the record's heading). ``test_every_published_column_reads_plainly`` holds
# every kind's columns to this list.
TEXT_, WORD, WAN, CLASSES, LICENCE_CLASS, UNTIL = "text", "word", "wan", "classes", "class", "until"
PLAIN: dict[str, tuple[str, str]] = {
    "行政相对人名称": (N_("名称"), TEXT_), "行政相对人类别": (N_("主体类别"), WORD),
    "行政相对人代码_1（统一社会信用代码）": (N_("统一社会信用代码"), TEXT_),
    "行政处罚决定书文号": (N_("决定书文号"), TEXT_), "违法行为类型": (N_("违法行为"), TEXT_),
    "违法事实": (N_("违法事实"), TEXT_), "处罚依据": (N_("处罚依据"), TEXT_),
    "处罚类别": (N_("处罚种类"), CLASSES), "处罚内容": (N_("处罚内容"), TEXT_),
    "罚款金额（万元）": (N_("罚款金额"), WAN),
    "没收违法所得、没收非法财物的金额（万元）": (N_("没收金额"), WAN),
    "暂扣或吊销证照名称及编号": (N_("暂扣或吊销的证照"), TEXT_),
    "处罚决定日期": (N_("决定日期"), TEXT_), "处罚有效期": (N_("处罚有效期至"), TEXT_),
    "处罚机关": (N_("处罚机关"), TEXT_),
    "行政许可决定文书名称": (N_("决定文书"), TEXT_),
    "行政许可决定文书号": (N_("决定书文号"), TEXT_),
    "许可类别": (N_("许可类别"), LICENCE_CLASS), "许可证书名称": (N_("许可证书名称"), TEXT_),
    "许可编号": (N_("许可编号"), TEXT_), "许可内容": (N_("许可内容"), TEXT_),
    "许可决定日期": (N_("决定日期"), TEXT_), "有效期自": (N_("有效期自"), TEXT_),
    "有效期至": (N_("有效期至"), UNTIL), "许可机关": (N_("许可机关"), TEXT_),
    "当前状态": (N_("当前状态"), WORD),
    "检查文书号": (N_("检查文书号"), TEXT_), "检查类别": (N_("检查类别"), WORD),
    "检查日期": (N_("检查日期"), TEXT_), "检查结果": (N_("检查结果"), TEXT_),
    "检查依据": (N_("检查依据"), TEXT_), "发现隐患数": (N_("发现隐患数"), TEXT_),
    "已整改隐患数": (N_("已整改隐患数"), TEXT_), "检查机关": (N_("检查机关"), TEXT_),
    "行政强制决定书文号": (N_("决定书文号"), TEXT_), "强制措施种类": (N_("强制措施种类"), WORD),
    "实施依据": (N_("实施依据"), TEXT_), "决定日期": (N_("决定日期"), TEXT_),
    "措施开始日期": (N_("措施开始日期"), TEXT_), "措施解除日期": (N_("措施解除日期"), TEXT_),
    "实施机关": (N_("实施机关"), TEXT_), "数据来源单位": (N_("数据来源单位"), TEXT_),
    "失信名单名称": (N_("名单"), TEXT_), "失信等级": (N_("失信等级"), WORD),
    "列入决定文书号": (N_("决定书文号"), TEXT_), "列入事由": (N_("列入事由"), TEXT_),
    "列入依据": (N_("列入依据"), TEXT_), "列入日期": (N_("列入日期"), TEXT_),
    "移出日期": (N_("移出日期"), TEXT_), "认定机关": (N_("认定机关"), TEXT_),
    "备注": (N_("备注"), TEXT_),
}
NOT_SHOWN = frozenset({*SUBJECT_CODES[1:], "公示截止期", "处罚机关统一社会信用代码",
                       "许可机关统一社会信用代码", "检查机关统一社会信用代码",
                       "实施机关统一社会信用代码", "数据来源单位统一社会信用代码",
                       "认定机关统一社会信用代码",
                       "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型",
                       "证件号码"})


@dataclass(frozen=True)
class Plain:
    """One line of a record on the public page: a label and a value, both message ids to
    translate (``words``), or a value to show as it is; ``yuan``: an amount in yuan."""

    label: str
    value: str
    words: tuple[str, ...] = ()
    yuan: str = ""


def plain(fields: Mapping[str, str]) -> list[Plain]:
    """A published item's fields as a reader is told them: in the item's order, under plain
    labels, codes as their names, amounts in yuan, a long-term licence as 长期."""
    out = []
    for column, value in fields.items():
        how = PLAIN.get(column)
        if how is None or not value:
            continue
        label, kind = how
        if kind == WORD:
            out.append(Plain(label, "", (value,)))
        elif kind == CLASSES:
            out.append(Plain(label, "", tuple(PENALTY_CLASSES.zh(c) for c in value.split(";"))))
        elif kind == LICENCE_CLASS:
            out.append(Plain(label, "", (LICENCE_TYPES.zh(LICENCE_TYPES.by_code(value)),)))
        elif kind == WAN:
            yuan = (Decimal(value) * 10000).quantize(Decimal("0.01"))
            out.append(Plain(label, "", yuan=f"{yuan:,.2f}".removesuffix(".00")))
        elif kind == UNTIL and value == LONG_TERM_UNTIL:
            out.append(Plain(label, "", (LONG_TERM,)))
        else:
            out.append(Plain(label, value))
    return out


LONG_TERM = N_("长期")
# The published words the page translates (行政相对人类别, 当前状态, 检查类别).
PLAIN_WORDS = (N_("法人及非法人组织"), N_("个体工商户"), N_("自然人"), N_("有效"), N_("撤销"),
               N_("过期"), N_("消防监督检查"), N_("列入"), N_("已移出"))
