"""marshmallow schemas at the HTTP boundary: load requests into plain values, dump results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate as v

from app.models.records import CATEGORIES, TIERS
from app.models.units import CREDIT_STATUSES
from app.publishers.fields import mask_id
from app.routing import MAX_ID
from app.workflows import record_kinds
from app.workflows.credit import TRIGGERS
from app.workflows.publicity import STATES as PUBLICITY_STATES
from app.workflows.publicity import TRIGGERS as RECORD_TRIGGERS
from app.workflows.vocabulary import ID_TYPES

NO_NUL = "^[^\\u0000]*$"


class Text(f.String):
    """A string, described as one without NUL characters: the boundary refuses them with a
    400 (PostgreSQL cannot store them), so the description says so."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {"pattern": NO_NUL, **(kwargs.get("metadata") or {})}
        super().__init__(*args, **kwargs)

ID = v.Range(min=1, max=MAX_ID)
COUNT = v.Range(min=0, max=1_000_000)
# Money is yuan with at most two decimals, returned as a decimal string ("30000.00") so that
# no client rounds it through a float; input takes the same string (a JSON number is accepted).
MONEY = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d{1,2})?$",
         "example": "30000.00"}


def money_in(**kw: object) -> f.Decimal:
    """An amount in a request: a decimal string in yuan (validated by the service)."""
    description = str(kw.pop("description", "yuan, a decimal string such as \"30000.00\""))
    metadata = {**MONEY, "description": description}
    return f.Decimal(as_string=True, allow_nan=False, metadata=metadata, **kw)  # type: ignore[arg-type]


def money_out(**kw: object) -> f.Decimal:
    """An amount in a response: always a decimal string in yuan with two decimals."""
    return f.Decimal(as_string=True, metadata={**MONEY, "description": "yuan"},
                     **kw)  # type: ignore[arg-type]


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Strict(ma.Schema):
    """Input schemas: unknown fields are errors, and so are NUL characters anywhere."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def refuse_nul(self, data: object, **_kw: object) -> object:
        if _has_nul(data):
            raise ma.ValidationError("Text must not contain NUL characters.", "_schema")
        return data


class UnitIn(Strict):
    uscc = Text(required=True, validate=v.Length(max=40))
    name = Text(required=True, validate=v.Length(min=1, max=200))
    address = Text(load_default=None, validate=v.Length(max=300))
    street = Text(load_default=None, validate=v.Length(max=100))
    legal_representative = Text(load_default=None, validate=v.Length(max=100))
    contact_phone = Text(load_default=None, validate=v.Length(max=40))
    contact_email = Text(load_default=None, validate=v.Length(max=254))
    legal_rep_id_type = Text(load_default=None, validate=v.OneOf(ID_TYPES.offered))
    legal_rep_id_number = Text(load_default=None, validate=v.Length(max=40), metadata={
        "description": "kept in full, published and shown masked"})


class UnitQuery(Strict):
    q = Text(load_default=None, validate=v.Length(max=200))
    status = Text(load_default=None, validate=v.OneOf(CREDIT_STATUSES))
    street = Text(load_default=None, validate=v.Length(max=100))
    page = f.Integer(load_default=1, validate=v.Range(min=1, max=100000))
    per_page = f.Integer(load_default=20, validate=v.Range(min=1, max=200))


class ListingOut(ma.Schema):
    id = f.Integer()
    level = Text()
    reason = Text()
    document_no = Text()
    decided_on = f.Date()
    min_until = f.Date(metadata={"description": "earliest date to apply for restoration"})
    max_until = f.Date(metadata={"description": "publicity ends by itself at this date"})
    status = Text()
    proposed_by = f.Integer()
    decided_by = f.Integer(allow_none=True)
    decision_note = Text(allow_none=True)
    ended_on = f.Date(allow_none=True)
    basis_record_ids = f.List(f.Integer())
    expiry_blocked_on = f.Date(
        allow_none=True, metadata={"description": "maximum period passed, obligations unmet"}
    )
    expiry_blocked_reason = f.String(allow_none=True)


class TriggerStateOut(ma.Schema):
    trigger = Text()
    allowed = f.Boolean()
    reasons = f.List(f.Dict())


def _value(obj: Any, name: str) -> Any:
    """An attribute of a row, or a key of a dict built from one."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _masked_id(unit: Any) -> str:
    """The legal representative's ID number as staff and clients see it: masked."""
    return mask_id(_value(unit, "legal_rep_id_number"))


class UnitOut(ma.Schema):
    id = f.Integer()
    uscc = Text()
    name = Text()
    address = Text(allow_none=True)
    street = Text(allow_none=True)
    legal_representative = Text(allow_none=True)
    contact_phone = Text(allow_none=True)
    contact_email = Text(allow_none=True)
    legal_rep_id_type = Text(allow_none=True)
    legal_rep_id_number = f.Function(_masked_id, metadata={"description": "masked"})
    credit_status = Text()
    version = f.Integer()
    created_at = f.DateTime()


class UnitDetailOut(UnitOut):
    allowed_triggers = f.List(Text())
    triggers = f.List(f.Nested(TriggerStateOut))
    active_listing = f.Nested(ListingOut, allow_none=True)


class UnitPageOut(ma.Schema):
    items = f.List(f.Nested(UnitOut))
    total = f.Integer()
    page = f.Integer()
    per_page = f.Integer()


_IN_TYPES: dict[str, Any] = {
    record_kinds.DATE: lambda **kw: f.Date(**kw),
    record_kinds.COUNT: lambda **kw: f.Integer(strict=True, validate=COUNT, **kw),
    record_kinds.MONEY: lambda **kw: money_in(**kw),
    record_kinds.FLAG: lambda **kw: f.Boolean(**kw),
}


def _field_in(declared: record_kinds.Field) -> f.Field:
    """The API's input field of a declared record field (checked again by the entry rules)."""
    kw: dict[str, Any] = {"load_default": None}
    if declared.help and declared.type == record_kinds.MONEY:
        kw["description"] = declared.help
    elif declared.help:
        kw["metadata"] = {"description": declared.help}
    if declared.type in (record_kinds.TEXT, record_kinds.LONG_TEXT):
        return Text(validate=v.Length(max=declared.size) if declared.size else None, **kw)
    words = declared.words.offered if declared.words else ()
    if declared.type == record_kinds.CHOICE:
        return Text(validate=v.OneOf(words), **kw)
    if declared.type == record_kinds.CHOICES:
        return f.List(Text(validate=v.OneOf(words)), **kw)
    if declared.type == record_kinds.MONEY:
        kw["allow_none"] = True
    return _IN_TYPES[declared.type](**kw)


def record_in_schema() -> type[ma.Schema]:
    """A record as the API takes it: the category and every declared field offered through
    the API (``record_kinds``); the fields every kind requires are required."""
    fields: dict[str, f.Field] = {
        "category": Text(required=True, validate=v.OneOf(tuple(record_kinds.KINDS)))}
    for declared in record_kinds.all_fields(record_kinds.API):
        field = _field_in(declared)
        if len(record_kinds.required_in(declared.name)) == len(record_kinds.KINDS):
            field.required, field.load_default = True, ma.missing
            if declared.type == record_kinds.TEXT:
                field.validators.append(v.Length(min=1))
        fields[declared.name] = field
    return type("RecordIn", (Strict,), fields)


def _field_out(declared: record_kinds.Field) -> f.Field:
    if declared.masked:
        name = declared.name
        return f.Function(lambda r: mask_id(_value(r, name)), metadata={"description": "masked"})
    if declared.type == record_kinds.MONEY:
        return money_out(allow_none=True)
    if declared.type == record_kinds.CHOICES:
        return f.List(Text(), allow_none=True)
    out = {record_kinds.DATE: f.Date, record_kinds.COUNT: f.Integer,
           record_kinds.FLAG: f.Boolean}.get(declared.type, Text)
    return out(allow_none=True)


def record_out_schema() -> type[ma.Schema]:
    """A record as the API returns it: its bookkeeping and every declared field kept on it."""
    fields: dict[str, f.Field] = {
        "id": f.Integer(), "unit_id": f.Integer(), "category": Text(),
        "publish_by": f.Date(metadata={"description": "statutory disclosure deadline"}),
        "publish_by_provisional": f.Boolean(), "status": Text(),
        "disclosure_state": Text(allow_none=True, metadata={
            "description": "pending, claimed or delivered; null: not published (a minor "
                           "penalty, or a decision whose publicity had already ended when it "
                           "was entered)"}),
        "paid_amount": money_out(),
        "revoked_reason": Text(allow_none=True),
        "publicity_status": Text(allow_none=True, metadata={
            "description": "a penalty's own publicity: " + ", ".join(PUBLICITY_STATES)}),
    }
    for declared in record_kinds.all_fields():
        if declared.stored == record_kinds.RECORD:
            fields[declared.name] = _field_out(declared)
    return type("RecordOut", (ma.Schema,), fields)


RecordIn = record_in_schema()
RecordOut = record_out_schema()


class RecordQuery(Strict):
    category = Text(load_default=None, validate=v.OneOf(CATEGORIES))


class PaymentIn(Strict):
    amount = money_in(required=True)
    paid_on = f.Date(required=True)
    receipt_no = Text(load_default=None, validate=v.Length(max=100))


class PaymentOut(ma.Schema):
    id = f.Integer()
    record_id = f.Integer()
    amount = money_out()
    paid_on = f.Date()
    receipt_no = Text(allow_none=True)


class RectificationIn(Strict):
    rectified_on = f.Date(required=True)
    hazards_count = f.Integer(load_default=None, strict=True, validate=COUNT)
    acceptance_no = Text(load_default=None, validate=v.Length(max=100))
    note = Text(load_default=None, validate=v.Length(max=2000))


class RectificationOut(ma.Schema):
    id = f.Integer()
    record_id = f.Integer()
    hazards_count = f.Integer()
    rectified_on = f.Date()
    acceptance_no = Text(allow_none=True)


class ReasonIn(Strict):
    reason = Text(required=True, validate=v.Length(min=1, max=2000))
    version = f.Integer(
        load_default=None, validate=ID, metadata={"description": "expected unit version"}
    )


class VersionIn(Strict):
    version = f.Integer(
        load_default=None, validate=ID, metadata={"description": "expected unit version"}
    )


class ListingIn(Strict):
    level = Text(required=True, validate=v.OneOf(TIERS))
    reason = Text(required=True, validate=v.Length(min=1, max=2000))
    basis_record_ids = f.List(
        f.Integer(strict=True, validate=ID), required=True, validate=v.Length(min=1, max=100)
    )
    document_no = Text(required=True, validate=v.Length(min=1, max=100))
    decided_on = f.Date(required=True)


class RequestIn(Strict):
    commitment_signed = f.Boolean(required=True)
    note = Text(load_default=None, validate=v.Length(max=2000))
    version = f.Integer(load_default=None, validate=ID)


class RequestOut(ma.Schema):
    id = f.Integer()
    unit_id = f.Integer()
    listing_id = f.Integer(allow_none=True, metadata={"description": "leaving the list"})
    record_id = f.Integer(allow_none=True, metadata={
        "description": "ending one penalty record's publicity early (终止公示行政处罚信息)"})
    status = Text()
    commitment_signed = f.Boolean()
    note = Text(allow_none=True)
    filed_by = f.Integer(allow_none=True)
    filed_at = f.DateTime()
    due_on = f.Date(metadata={"description": "decision due (10 working days)"})
    due_on_provisional = f.Boolean()
    decided_by = f.Integer(allow_none=True)
    decision_reason = Text(allow_none=True)


class StepOut(ma.Schema):
    key = Text()
    done = f.Boolean()
    detail = f.Dict()


class StepsOut(ma.Schema):
    credit_status = Text()
    listing_id = f.Integer(allow_none=True)
    earliest_apply_on = f.Date(allow_none=True)
    can_apply_now = f.Boolean()
    open_request_id = f.Integer(allow_none=True)
    barred = f.List(Text())
    steps = f.List(f.Nested(StepOut))


class RecordRequestIn(Strict):
    commitment_signed = f.Boolean(required=True)
    note = Text(load_default=None, validate=v.Length(max=2000))


class RecordStepsOut(ma.Schema):
    record_id = f.Integer()
    document_no = Text()
    decided_on = f.Date()
    publicity_status = Text(allow_none=True)
    min_until = f.Date(allow_none=True, metadata={"description": "earliest date to apply"})
    max_until = f.Date(allow_none=True, metadata={"description": "the record's 公示截止期"})
    can_apply_now = f.Boolean()
    open_request_id = f.Integer(allow_none=True)
    blocked = f.List(Text(), metadata={"description": "why the unit may not apply now"})
    steps = f.List(f.Nested(StepOut))


class EventOut(ma.Schema):
    seq = f.Integer()
    trigger = Text(metadata={"description": "one of "
                             f"{', '.join(TRIGGERS + RECORD_TRIGGERS)} or a key step"})
    from_status = Text()
    to_status = Text()
    actor = Text()
    role = Text()
    reason = Text(allow_none=True)
    refs = f.Dict()
    occurred_at = f.DateTime()
    prev_hash = Text()
    hash = Text()


class EventsOut(ma.Schema):
    chain_valid = f.Boolean(metadata={
        "description": "every link holds under the audit key, the unit's chain head and seal "
        "match its newest event, and that event's status is the unit's"})
    chain_problem = Text(allow_none=True, metadata={
        "enum": ["link", "head", "seal", "status", None],
        "description": "what broke: a link (an event changed), the head (events deleted), the "
        "seal (head moved back), the status (changed behind the trail)"})
    events = f.List(f.Nested(EventOut))


class UnmetOut(ma.Schema):
    """A guard that does not hold: its stable code, its message, and the values it names."""

    class Meta:
        unknown = ma.INCLUDE  # the guard's own values (earliest, outstanding, …)

    code = Text(required=True)
    message = Text(required=True)


class ErrorOut(ma.Schema):
    """Every error body. ``errors`` holds field errors; the other fields appear with the
    errors that carry them."""

    code = Text(required=True, metadata={"description": "stable: validation_failed, "
                "unauthorized, forbidden, not_found, conflict, invalid_transition, "
                "stale_version, duplicate, locked, too_many_requests, bad_request, …"})
    message = Text(required=True)
    errors = f.Dict(keys=Text(), metadata={"description": "field name: its messages"})
    unmet = f.List(f.Nested(UnmetOut), metadata={
        "description": "invalid_transition: the guards that do not hold"})
    trigger = Text(metadata={"description": "invalid_transition: the trigger refused"})
    status = Text(metadata={"description": "conflict: the current state"})
    current_version = f.Integer(metadata={"description": "stale_version: reload and retry"})
    uscc = Text(metadata={"description": "not_found: the code looked for"})
    until = Text(metadata={"description": "locked: until when (ISO 8601)"})
    request_status = Text(metadata={"description": "conflict: the request's status"})
    required_roles = f.List(Text(), metadata={"description": "forbidden: roles that may"})
