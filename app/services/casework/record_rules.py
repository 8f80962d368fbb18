"""Rules an enforcement record must satisfy, per category. Pure: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum.cn import ric

from app.errors import ValidationFailed
from app.i18n import N_
from app.models.records import CATEGORIES, TIERS
from app.workflows.vocabulary import (
    DELIBERATED_MEASURES,
    DELIBERATED_PENALTIES,
    ID_TYPES,
    LICENCE_TYPES,
    MEASURE_TYPES,
    PENALTY_TYPES,
)

DELIBERATION = ("deliberation_ref", "deliberation_on")
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    "penalty": ("tier", "penalty_types", "fine_amount", "confiscation_amount",
                "licence_affected", "effective_until", "person_name", "person_id_type",
                "person_id_number", *DELIBERATION),
    "inspection": ("hazards_found", "hazards_rectified", "correction_notice_no",
                   "correction_notice_on", "major_hazard", "major_hazard_listed_on",
                   "major_hazard_closed_on"),
    "coercive_measure": ("measure_type", "started_on", "lifted_on", *DELIBERATION),
    "licensing": ("licence_type", "licence_no", "valid_from", "valid_to", "certificate_name",
                  "person_name", "person_id_type", "person_id_number"),
}
COMMON_FIELDS = ("category", "document_no", "decided_on", "facts", "legal_basis")
# What a correction (更正, after an objection) may change: what was misread or mistyped. Not
# the category, the unit or the penalty's tier: a wrong one is revoked and entered anew.
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "penalty": ("document_no", "decided_on", "facts", "legal_basis", "penalty_types",
                "fine_amount", "confiscation_amount", "licence_affected", "effective_until"),
    "inspection": ("document_no", "decided_on", "facts", "legal_basis", "hazards_found",
                   "hazards_rectified"),
    "coercive_measure": ("document_no", "decided_on", "facts", "legal_basis", "measure_type",
                         "started_on", "lifted_on"),
    "licensing": ("document_no", "decided_on", "facts", "legal_basis", "licence_no",
                  "valid_from", "valid_to", "certificate_name"),
}
# Dates outside this range are typing errors, not records (the service keeps 2000-2099).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


_ONE_OF = {
    "category": N_("类别须为 %(choices)s 之一。"),
    "status": N_("信用状态须为 %(choices)s 之一。"),
    "tier": N_("公示等级须为 %(choices)s 之一。"),
    "level": N_("失信等级须为 %(choices)s 之一。"),
    "licence_type": N_("许可类别须为 %(choices)s 之一。"),
}


def one_of(field: str, choices: tuple[str, ...] | list[str]) -> str:
    """"须为 … 之一" for ``field``, naming the values it accepts (translated by its id)."""
    return N_(_ONE_OF[field], choices=", ".join(choices))


BAD_RESIDENT_ID = N_("居民身份证号码无效（须为18位且校验位正确）。")


def checked_id(
    id_type: str | None, number: str | None, type_field: str, number_field: str
) -> tuple[str | None, str | None]:
    """A person's ID: a known type and a number of that type (a resident ID with its check
    digit, GB 11643), both or neither; the number without spaces, in capitals."""
    if not id_type and not number:
        return None, None
    if id_type not in ID_TYPES.offered:
        raise ValidationFailed.on(type_field, N_("请选择证件类型。"))
    text = "".join((number or "").split()).upper()
    if id_type == "resident_id" and not ric.is_valid(text):
        raise ValidationFailed.on(number_field, BAD_RESIDENT_ID)
    if id_type != "resident_id" and (not 5 <= len(text) <= 30 or not text.isalnum()):
        raise ValidationFailed.on(number_field, N_("证件号码须为5至30位字母或数字。"))
    return id_type, text


def _check_person(out: dict[str, Any], errors: _Errors) -> None:
    """A natural person as the subject: a name and an ID, or none of the three."""
    out["person_name"] = (out.get("person_name") or "").strip() or None
    given = out["person_name"] or out.get("person_id_type") or out.get("person_id_number")
    if not given:
        out["person_id_type"] = out["person_id_number"] = None
        return
    if not out["person_name"] or len(out["person_name"]) > 100:
        errors.add("person_name", N_("行政相对人为自然人时须填写姓名（不超过100字）。"))
    try:
        out["person_id_type"], out["person_id_number"] = checked_id(
            out.get("person_id_type"), out.get("person_id_number"),
            "person_id_type", "person_id_number")
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            errors[field] = messages
    if not out.get("person_id_type"):
        errors.add("person_id_type", N_("行政相对人为自然人时须填写证件类型和号码。"))


def check_date(field: str, value: dt.date | None, errors: dict[str, list[str]]) -> None:
    """A date between 2000 and 2099, or a field error."""
    if isinstance(value, dt.date) and not EARLIEST <= value <= LATEST:
        errors.setdefault(field, []).append("日期须在2000年至2099年之间。")


class _Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def money(value: Any, field: str = "fine_amount") -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed.on(field, N_("金额必须是十进制数字。")) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed.on(field, N_("金额不能为负数。"))
    if amount >= Decimal("1e12"):  # checked first: quantize fails on such numbers
        raise ValidationFailed.on(field, N_("金额超出范围。"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed.on(field, N_("金额以元为单位，最多两位小数。"))
    return amount.quantize(Decimal("0.01"))


def clean_record(data: dict[str, Any], today: dt.date,
                 deliberation_fine: Decimal = Decimal("30000")) -> dict[str, Any]:
    """Validate a new record's fields; return them cleaned, or raise with every field error.
    ``deliberation_fine``: a fine from which the decision needs collective deliberation."""
    errors = _Errors()
    category = data.get("category")
    if category not in CATEGORIES:
        raise ValidationFailed.on("category", one_of("category", CATEGORIES))
    allowed = set(COMMON_FIELDS) | set(CATEGORY_FIELDS[category])
    for field in sorted(set(data) - allowed):
        if data[field] not in (None, "", []):
            errors.add(field, N_("不适用于类别 %(category)s。", category=category))
    out = {k: data.get(k) for k in allowed}
    out["document_no"] = (out.get("document_no") or "").strip()
    if not out["document_no"]:
        errors.add("document_no", N_("文书编号不能为空。"))
    decided = out.get("decided_on")
    if not isinstance(decided, dt.date):
        errors.add("decided_on", N_("请填写决定日期。"))
    elif decided > today:
        errors.add("decided_on", N_("决定日期不能晚于今天。"))
    for text in ("facts", "legal_basis"):
        out[text] = (out.get(text) or "").strip() or None
    _CHECKS[category](out, errors)
    if category == "inspection":
        _check_inspection_steps(out, errors, today)
    if "deliberation_ref" in CATEGORY_FIELDS[category]:
        _check_deliberation(out, errors, deliberation_fine)
    if "person_name" in CATEGORY_FIELDS[category]:
        _check_person(out, errors)
    if "detention" in (out.get("penalty_types") or []) and not out.get("person_name"):
        errors.add("person_name", N_("行政拘留的行政相对人是自然人，请填写其姓名和证件。"))
    for field in ("decided_on", "started_on", "lifted_on", "valid_from", "valid_to",
                  "effective_until", "correction_notice_on", "major_hazard_listed_on",
                  "major_hazard_closed_on", "deliberation_on"):
        check_date(field, out.get(field), errors)
    if errors:
        raise ValidationFailed(N_("记录内容有误，请按提示修改。"), dict(errors))
    return out


def _check_penalty(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("tier") not in TIERS:
        errors.add("tier", one_of("tier", TIERS))
    types = out.get("penalty_types") or []
    unknown = [t for t in types if t not in PENALTY_TYPES.offered]
    if not types or unknown:
        errors.add("penalty_types", N_("处罚种类须从 %(choices)s 中选择。",
                                           choices=", ".join(PENALTY_TYPES.offered)))
    if out.get("fine_amount") not in (None, ""):
        try:
            out["fine_amount"] = money(out["fine_amount"])
        except ValidationFailed as exc:
            errors.add("fine_amount", exc.message)
    else:
        out["fine_amount"] = None
    if "fine" in types and not out.get("fine_amount"):
        errors.add("fine_amount", N_("处罚种类含罚款时须填写罚款金额（大于零）。"))
    _check_penalty_details(out, types, errors)
    for text in ("facts", "legal_basis"):
        if not out.get(text):
            errors.add(text, N_("行政处罚须填写违法事实和处罚依据。"))


def _check_penalty_details(out: dict[str, Any], types: list[str], errors: _Errors) -> None:
    """The 双公示 details a penalty's types call for: the amount confiscated, the licence
    suspended or revoked, and how long the penalty is in effect."""
    if out.get("confiscation_amount") not in (None, ""):
        try:
            out["confiscation_amount"] = money(out["confiscation_amount"], "confiscation_amount")
        except ValidationFailed as exc:
            errors.add("confiscation_amount", exc.message)
    else:
        out["confiscation_amount"] = None
    if "confiscation" in types and not out.get("confiscation_amount"):
        errors.add("confiscation_amount", N_("处罚种类含没收时须填写没收金额（大于零）。"))
    out["licence_affected"] = (out.get("licence_affected") or "").strip() or None
    if {"licence_suspension", "licence_revocation"} & set(types) and not out["licence_affected"]:
        errors.add("licence_affected", N_("暂扣或吊销许可证件时须填写证照名称及编号。"))
    until, decided = out.get("effective_until"), out.get("decided_on")
    if isinstance(until, dt.date) and isinstance(decided, dt.date) and until < decided:
        errors.add("effective_until", N_("处罚有效期不能早于决定日期。"))


def _check_inspection(out: dict[str, Any], errors: _Errors) -> None:
    found, fixed = out.get("hazards_found"), out.get("hazards_rectified")
    out["hazards_found"] = found = 0 if found is None else found
    out["hazards_rectified"] = fixed = 0 if fixed is None else fixed
    if not isinstance(found, int) or found < 0:
        errors.add("hazards_found", N_("发现隐患数须为非负整数。"))
    elif not isinstance(fixed, int) or fixed < 0 or fixed > found:
        errors.add("hazards_rectified", N_("已整改隐患数须在 0 与发现隐患数之间。"))


def _check_inspection_steps(out: dict[str, Any], errors: _Errors, today: dt.date) -> None:
    """The 《责令改正通知书》 issued (number and date, both or neither, on or after the
    inspection), and a major fire hazard (重大火灾隐患) with its 挂牌督办 and 销案 dates."""
    decided = out.get("decided_on")
    out["correction_notice_no"] = (out.get("correction_notice_no") or "").strip() or None
    number, on = out["correction_notice_no"], out.get("correction_notice_on")
    if bool(number) != isinstance(on, dt.date):
        errors.add("correction_notice_no" if not number else "correction_notice_on",
                   N_("责令改正通知书须同时填写文书编号和日期。"))
    elif isinstance(on, dt.date) and isinstance(decided, dt.date) and on < decided:
        errors.add("correction_notice_on", N_("责令改正通知书日期不能早于检查日期。"))
    out["major_hazard"] = bool(out.get("major_hazard"))
    listed, closed = out.get("major_hazard_listed_on"), out.get("major_hazard_closed_on")
    if (listed or closed) and not out["major_hazard"]:
        errors.add("major_hazard", N_("挂牌督办和销案日期只适用于重大火灾隐患。"))
    if isinstance(closed, dt.date) and isinstance(listed, dt.date) and closed < listed:
        errors.add("major_hazard_closed_on", N_("销案日期不能早于挂牌督办日期。"))
    for field in ("correction_notice_on", "major_hazard_listed_on", "major_hazard_closed_on"):
        day = out.get(field)
        if isinstance(day, dt.date) and day > today:
            errors.add(field, N_("日期不能晚于今天。"))


def needs_deliberation(out: dict[str, Any], fine_threshold: Decimal) -> bool:
    """Whether the decision needs collective deliberation (集体讨论): a fine of
    ``fine_threshold`` or more, the 三停, a 临时查封 or 强制执行 (vocabulary: DELIBERATED_*)."""
    if out.get("category") == "penalty":
        fine = out.get("fine_amount")
        return (isinstance(fine, Decimal) and fine >= fine_threshold) or bool(
            DELIBERATED_PENALTIES & set(out.get("penalty_types") or []))
    return out.get("measure_type") in DELIBERATED_MEASURES


def _check_deliberation(out: dict[str, Any], errors: _Errors, threshold: Decimal) -> None:
    """The deliberation's reference and date: both or neither, not after the decision, and
    required where the decision needs one."""
    needed = needs_deliberation(out, threshold)
    out["deliberation_ref"] = (out.get("deliberation_ref") or "").strip() or None
    ref, on, decided = out["deliberation_ref"], out.get("deliberation_on"), out.get("decided_on")
    if needed and not ref:
        errors.add("deliberation_ref", N_("该决定须经集体讨论（罚款 %(amount)s 元及以上、“三停”、"
                                          "临时查封、强制执行），请填写集体讨论记录编号和日期。",
                                          amount=f"{threshold:,.0f}"))
    if bool(ref) != isinstance(on, dt.date):
        errors.add("deliberation_on" if ref else "deliberation_ref",
                   N_("集体讨论须同时填写记录编号和日期。"))
    elif isinstance(on, dt.date) and isinstance(decided, dt.date) and on > decided:
        errors.add("deliberation_on", N_("集体讨论日期不能晚于决定日期。"))


def _check_coercive_measure(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("measure_type") not in MEASURE_TYPES.offered:
        errors.add("measure_type", N_("强制措施种类须为 %(choices)s 之一（责令停止施工、停止使用、"
                                      "停产停业是行政处罚，请登记为行政处罚）。",
                                      choices=", ".join(MEASURE_TYPES.offered)))
    started, lifted = out.get("started_on"), out.get("lifted_on")
    if not isinstance(started, dt.date):
        errors.add("started_on", N_("请填写措施开始日期。"))
    elif lifted is not None and lifted < started:
        errors.add("lifted_on", N_("解除日期不能早于开始日期。"))


def _check_licensing(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("licence_type") not in LICENCE_TYPES.offered:
        errors.add("licence_type", one_of("licence_type", LICENCE_TYPES.offered))
    out["licence_no"] = (out.get("licence_no") or "").strip() or None
    out["certificate_name"] = (out.get("certificate_name") or "").strip() or None
    if not out["licence_no"]:
        errors.add("licence_no", N_("请填写许可编号。"))
    start, end = out.get("valid_from"), out.get("valid_to")
    if not isinstance(start, dt.date):
        errors.add("valid_from", N_("请填写有效期起始日期。"))
    if not isinstance(end, dt.date):
        errors.add("valid_to", N_("请填写有效期截止日期。"))
    elif isinstance(start, dt.date) and end < start:
        errors.add("valid_to", N_("有效期截止日期不能早于起始日期。"))


_CHECKS = {
    "penalty": _check_penalty,
    "inspection": _check_inspection,
    "coercive_measure": _check_coercive_measure,
    "licensing": _check_licensing,
}
