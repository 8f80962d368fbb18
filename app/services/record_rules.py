"""Rules an enforcement record must satisfy, per category. Pure: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from app.errors import ValidationFailed
from app.i18n import N_
from app.models.records import CATEGORIES, TIERS
from app.workflows.vocabulary import LICENCE_TYPES, MEASURE_TYPES, PENALTY_TYPES

CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    "penalty": ("tier", "penalty_types", "fine_amount"),
    "inspection": ("hazards_found", "hazards_rectified"),
    "coercive_measure": ("measure_type", "started_on", "lifted_on"),
    "licensing": ("licence_type", "licence_no", "valid_from", "valid_to"),
}
COMMON_FIELDS = ("category", "document_no", "decided_on", "facts", "legal_basis")
# Dates outside this range are typing errors, not records (the service keeps 2000-2099).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


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


def clean_record(data: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Validate a new record's fields; return them cleaned, or raise with every field error."""
    errors = _Errors()
    category = data.get("category")
    if category not in CATEGORIES:
        raise ValidationFailed.on("category", f"Unknown category; one of {', '.join(CATEGORIES)}.")
    allowed = set(COMMON_FIELDS) | set(CATEGORY_FIELDS[category])
    for field in sorted(set(data) - allowed):
        if data[field] not in (None, "", []):
            errors.add(field, f"不适用于类别 {category}。")
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
    for field in ("decided_on", "started_on", "lifted_on", "valid_from", "valid_to"):
        check_date(field, out.get(field), errors)
    if errors:
        raise ValidationFailed(N_("记录内容有误，请按提示修改。"), dict(errors))
    return out


def _check_penalty(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("tier") not in TIERS:
        errors.add("tier", f"公示等级须为 {', '.join(TIERS)} 之一。")
    types = out.get("penalty_types") or []
    unknown = [t for t in types if t not in PENALTY_TYPES.offered]
    if not types or unknown:
        errors.add("penalty_types", f"处罚种类须从 {', '.join(PENALTY_TYPES.offered)} 中选择。")
    if out.get("fine_amount") not in (None, ""):
        try:
            out["fine_amount"] = money(out["fine_amount"])
        except ValidationFailed as exc:
            errors.add("fine_amount", exc.message)
    else:
        out["fine_amount"] = None
    if "fine" in types and not out.get("fine_amount"):
        errors.add("fine_amount", N_("处罚种类含罚款时须填写罚款金额（大于零）。"))
    for text in ("facts", "legal_basis"):
        if not out.get(text):
            errors.add(text, N_("行政处罚须填写违法事实和处罚依据。"))


def _check_inspection(out: dict[str, Any], errors: _Errors) -> None:
    found, fixed = out.get("hazards_found"), out.get("hazards_rectified")
    out["hazards_found"] = found = 0 if found is None else found
    out["hazards_rectified"] = fixed = 0 if fixed is None else fixed
    if not isinstance(found, int) or found < 0:
        errors.add("hazards_found", N_("发现隐患数须为非负整数。"))
    elif not isinstance(fixed, int) or fixed < 0 or fixed > found:
        errors.add("hazards_rectified", N_("已整改隐患数须在 0 与发现隐患数之间。"))


def _check_coercive_measure(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("measure_type") not in MEASURE_TYPES.offered:
        errors.add("measure_type", f"强制措施种类须为 {', '.join(MEASURE_TYPES.offered)} 之一"
                   "（责令停止施工、停止使用、停产停业是行政处罚，请登记为行政处罚）。")
    started, lifted = out.get("started_on"), out.get("lifted_on")
    if not isinstance(started, dt.date):
        errors.add("started_on", N_("请填写措施开始日期。"))
    elif lifted is not None and lifted < started:
        errors.add("lifted_on", N_("解除日期不能早于开始日期。"))


def _check_licensing(out: dict[str, Any], errors: _Errors) -> None:
    if out.get("licence_type") not in LICENCE_TYPES.offered:
        errors.add("licence_type", f"许可类别须为 {', '.join(LICENCE_TYPES.offered)} 之一。")
    out["licence_no"] = (out.get("licence_no") or "").strip() or None
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
