"""Rules an enforcement record must satisfy. Pure: no database.

What each field is, and when it is required, is declared with its kind
(``app/workflows/record_kinds.py``): ``clean_record`` checks every declared field by its type
and declaration, then the rules between fields that a kind has (dates in order, the
deliberation a decision needs, a natural person's ID, a register's payment)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum.cn import ric

from app.config import DEFAULTS
from app.errors import ValidationFailed
from app.i18n import N_
from app.uscc import without_invisible
from app.workflows import record_kinds as kinds
from app.workflows.record_kinds import Field
from app.workflows.vocabulary import (
    CATEGORIES,
    DELIBERATED_MEASURES,
    DELIBERATED_PENALTIES,
    ID_TYPES,
    MINOR_PENALTY_TYPES,
    PENALTY_TYPES,
)

# Dates outside this range are typing errors, not records (the service keeps 2000-2099).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


_ONE_OF = {
    "category": N_("类别须为 %(choices)s 之一。"),
    "status": N_("信用状态须为 %(choices)s 之一。"),
    "level": N_("失信等级须为 %(choices)s 之一。"),
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
                 deliberation_fine: Decimal = Decimal("30000"),
                 minor_fines: Mapping[str, Decimal] | None = None) -> dict[str, Any]:
    """Validate a new record's fields; return them cleaned (``category`` and every field of
    its kind), or raise with every field error. ``deliberation_fine``: a fine from which the
    decision needs collective deliberation; ``minor_fines``: the largest fine a minor penalty
    may have, by subject (``MINOR_FINE_LIMITS``; its default when not given)."""
    errors = _Errors()
    category = data.get("category")
    if not isinstance(category, str) or category not in kinds.KINDS:
        raise ValidationFailed.on("category", one_of("category", CATEGORIES.values))
    kind = kinds.kind(category)
    for name in sorted(set(data) - {"category", *kind.names}):
        if data[name] not in (None, "", []):
            errors.add(name, N_("不适用于类别 %(category)s。", category=category))
    out: dict[str, Any] = {"category": category}
    for each in kind.fields:
        out[each.name] = _clean_field(each, data.get(each.name), errors)
    if out.get("document_no"):
        out["document_no"] = document_number(out["document_no"])
    for each in kind.fields:
        _check_required(each, out, errors)
    decided = out.get("decided_on")
    if isinstance(decided, dt.date) and decided > today:
        errors.add("decided_on", N_("决定日期不能晚于今天。"))
    check = _CHECKS.get(category)
    if check is not None:
        check(out, errors, today)
    if out.get("tier") == "minor":
        _check_minor(out, errors, minor_fines or DEFAULTS["MINOR_FINE_LIMITS"])
    if kind.has("deliberation_ref"):
        _check_deliberation(out, errors, deliberation_fine)
    if kind.has("person_name"):
        _check_person(out, errors)
    if kind.has("paid_amount"):
        _check_payment(out, errors, today)
    if errors:
        raise ValidationFailed(N_("记录内容有误，请按提示修改。"), dict(errors))
    return out


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)
               if chr(code - 0xFEE0).isalnum()}
_YEAR_BRACKETS = re.compile(r"[\[［(（【〔]\s*(\d{4})\s*[\]］)）】〕]")


def document_number(text: str) -> str:
    """A document number as it is kept, so that one decision is one number however it was
    typed: full-width letters and digits as ASCII, zero-width characters and spaces removed,
    the year in the brackets GB/T 9704-2012 gives a 发文字号 (六角括号 〔2023〕, whatever
    were typed)."""
    plain = "".join(without_invisible(text.translate(_FULL_WIDTH)).split())
    return _YEAR_BRACKETS.sub(r"〔\1〕", plain)


def _with_choices(message: str, declared: Field) -> str:
    """A declared message, with the values its field accepts where it names them."""
    if "%(choices)s" in message and declared.words is not None:
        return N_(message, choices=", ".join(declared.words.offered))
    return message


def _clean_field(declared: Field, value: Any, errors: _Errors) -> Any:
    """One value by its declared type: text stripped (empty: None), a date in range, a
    count, an amount in yuan, a flag, a word (or words) of the field's vocabulary."""
    name, kind = declared.name, declared.type
    if isinstance(value, str) and kind not in (kinds.TEXT, kinds.LONG_TEXT):
        value = value.strip()
    if kind == kinds.FLAG:
        return bool(value)
    if kind == kinds.CHOICES:
        values = list(value or [])
        assert declared.words is not None
        if any(v not in declared.words.offered for v in values):
            errors.add(name, _with_choices(declared.invalid or ONE_OF_WORDS, declared))
        return values
    if value in (None, ""):
        return None
    if kind in (kinds.TEXT, kinds.LONG_TEXT):
        text = str(value).strip()
        if declared.size and len(text) > declared.size:
            errors.add(name, TOO_LONG)
        return text or None
    if kind == kinds.DATE:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            errors.add(name, N_("日期格式应为 2023-03-01。"))
            return None
        check_date(name, value, errors)
        return value
    if kind == kinds.COUNT:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            errors.add(name, N_("应为非负整数。"))
            return None
        return value
    if kind == kinds.MONEY:
        try:
            return money(value, name)
        except ValidationFailed as exc:
            errors.add(name, exc.message)
            return None
    if kind == kinds.CHOICE:
        assert declared.words is not None
        if value not in declared.words.offered:
            errors.add(name, _with_choices(declared.invalid or ONE_OF_WORDS, declared))
            return None
    return value


def _check_required(declared: Field, out: dict[str, Any], errors: _Errors) -> None:
    """A field required always, or when another field holds one of some values."""
    name = declared.name
    if name in errors:
        return
    empty = out.get(name) in (None, "", [])
    if declared.required and empty:
        errors.add(name, _with_choices(declared.required, declared))
        return
    when = declared.required_when
    if when is None:
        return
    other = out.get(when.field)
    held = set(other) if isinstance(other, list) else {other}
    if not out.get(name):  # an amount of zero is no amount
        if held & when.values:
            errors.add(name, when.message)
    elif not held & when.values and when.field not in errors:  # a fine on a warning
        words = kinds.kind(out["category"]).field(when.field).words
        errors.add(name, N_("%(field)s不含%(values)s，不应填写此项。",
                            field=kinds.kind(out["category"]).field(when.field).label,
                            values="或".join(words.zh(v) if words else v
                                            for v in sorted(when.values))))


MAX_COUNT = 1_000_000
TOO_LONG = N_("内容过长。")
ONE_OF_WORDS = N_("应为 %(choices)s 之一。")
Check = Callable[[dict[str, Any], "_Errors", dt.date], None]


def _check_penalty(out: dict[str, Any], errors: _Errors, _today: dt.date) -> None:
    """A penalty's period in effect starts with the decision."""
    until, decided = out.get("effective_until"), out.get("decided_on")
    if isinstance(until, dt.date) and isinstance(decided, dt.date) and until < decided:
        errors.add("effective_until", N_("处罚有效期不能早于决定日期。"))


def _check_minor(out: dict[str, Any], errors: _Errors, limits: Mapping[str, Decimal]) -> None:
    """轻微 only for a warning, 通报批评 or a fine within the simplified procedure's limit
    (行政处罚法 第51条: CNY 200 for a person, CNY 3,000 for an organisation; MINOR_FINE_LIMITS):
    a minor penalty is not published, so calling a larger one minor would hide it."""
    other = [t for t in out.get("penalty_types") or [] if t not in MINOR_PENALTY_TYPES]
    if other:
        errors.add("tier", N_("“轻微”只适用于警告、通报批评或简易程序的小额罚款"
                              "（行政处罚法第五十一条），%(kinds)s 不属于轻微。",
                              kinds="、".join(PENALTY_TYPES.zh(t) for t in other)))
        return
    subject = "person" if out.get("person_name") else "organisation"
    limit = limits[subject]
    fine = out.get("fine_amount")
    if isinstance(fine, Decimal) and fine > limit:
        errors.add("tier", N_("罚款 %(fine)s 元超过简易程序的限额 %(limit)s 元"
                              "（行政处罚法第五十一条），不属于轻微。",
                              fine=f"{fine:,.2f}", limit=f"{limit:,.0f}"))


def _check_inspection(out: dict[str, Any], errors: _Errors, today: dt.date) -> None:
    """Hazards found and rectified (none given: none), then the inspection's steps."""
    found, fixed = out.get("hazards_found"), out.get("hazards_rectified")
    out["hazards_found"] = found = 0 if found is None else found
    out["hazards_rectified"] = fixed = 0 if fixed is None else fixed
    if "hazards_found" not in errors and "hazards_rectified" not in errors and fixed > found:
        errors.add("hazards_rectified", N_("已整改隐患数须在 0 与发现隐患数之间。"))
    _check_inspection_steps(out, errors, today)


def _check_payment(out: dict[str, Any], errors: _Errors, today: dt.date) -> None:
    """A register's payment of the fine: an amount above zero and up to the fine, paid on a
    day between the decision and today (a receipt number only with a payment)."""
    paid, on = out.get("paid_amount"), out.get("paid_on")
    if paid is None:
        if on is not None or out.get("receipt_no"):
            errors.add("paid_amount", N_("填写缴款日期或票据号时须填写已缴罚款金额。"))
        return
    if paid <= 0:
        errors.add("paid_amount", N_("缴款金额须大于零。"))
    elif not out.get("fine_amount") or paid > out["fine_amount"]:
        errors.add("paid_amount", N_("已缴金额不能超过罚款金额。"))
    decided = out.get("decided_on")
    if not isinstance(on, dt.date):
        errors.add("paid_on", N_("填写已缴罚款金额时须填写缴款日期。"))
    elif on > today:
        errors.add("paid_on", N_("日期不能晚于今天。"))
    elif isinstance(decided, dt.date) and on < decided:
        errors.add("paid_on", N_("缴款日期不能早于处罚决定日期。"))


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


def _check_coercive_measure(out: dict[str, Any], errors: _Errors, _today: dt.date) -> None:
    started, lifted = out.get("started_on"), out.get("lifted_on")
    if isinstance(started, dt.date) and isinstance(lifted, dt.date) and lifted < started:
        errors.add("lifted_on", N_("解除日期不能早于开始日期。"))


def _check_licensing(out: dict[str, Any], errors: _Errors, _today: dt.date) -> None:
    start, end = out.get("valid_from"), out.get("valid_to")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors.add("valid_to", N_("有效期截止日期不能早于起始日期。"))


_CHECKS: dict[str, Check] = {
    "penalty": _check_penalty,
    "inspection": _check_inspection,
    "coercive_measure": _check_coercive_measure,
    "licensing": _check_licensing,
}
