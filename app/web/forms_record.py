"""The record form, built from the kinds' declarations (``app/workflows/record_kinds.py``):
one form for the four categories, a field for every declared field offered on the form, its
label, its type and its choices from the declaration. The page shows the fields of the chosen
category (``record_layout``); the entry rules check what the form cannot (``clean_record``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.publishers.fields import mask_id
from app.web.forms import NONE_CHOSEN, MultiCheckboxField, amount_in_yuan, choices, required
from app.web.i18n import label
from app.workflows import record_kinds
from app.workflows.record_kinds import Field
from app.workflows.vocabulary import CATEGORIES, Vocabulary

TOO_LONG = _l("内容过长。")


def _options(words: Vocabulary | None) -> list[SelectChoice]:
    """A vocabulary's values offered for new entries, named in the page's language."""
    assert words is not None
    return [SelectChoice(v, _l(words.zh(v))) for v in words.offered]


def _form_field(declared: Field, needed: bool) -> Any:
    """The WTForms field of a declared field (``needed``: every kind requires it)."""
    label = _l(declared.label)
    first = (InputRequired(message=required().message) if declared.type == record_kinds.DATE
             else required()) if needed else Optional()
    kind = declared.type
    if kind == record_kinds.DATE:
        return DateField(label, validators=[first])
    if kind == record_kinds.COUNT:
        return IntegerField(label, validators=[first, NumberRange(0, 100000)])
    if kind == record_kinds.MONEY:
        return StringField(label, validators=[first, amount_in_yuan])
    if kind == record_kinds.FLAG:
        return BooleanField(label)
    if kind == record_kinds.CHOICE:
        return SelectField(label, validators=[first],
                           choices=[NONE_CHOSEN, *_options(declared.words)])
    if kind == record_kinds.CHOICES:
        return MultiCheckboxField(label, validators=[first], choices=_options(declared.words))
    size = [Length(max=declared.size, message=TOO_LONG)] if declared.size else []
    widget = TextAreaField if kind == record_kinds.LONG_TEXT else StringField
    return widget(label, validators=[first, *size])


def record_form_class() -> type[FlaskForm]:
    """The record form as the kinds declare it now."""
    fields: dict[str, Any] = {"category": SelectField(
        _l("类别"), validators=[required()], choices=choices("category", CATEGORIES.values))}
    for declared in record_kinds.all_fields(record_kinds.FORM):
        needed = len(record_kinds.required_in(declared.name)) == len(record_kinds.KINDS)
        fields[declared.name] = _form_field(declared, needed)
    return type("RecordForm", (FlaskForm,), fields)


def correction_form_class() -> type[FlaskForm]:
    """An objection answered by correcting the record: the record's form (only the fields
    that may be corrected are shown) and the explanation."""
    return type("CorrectionForm", (record_form_class(),), {
        "category": HiddenField(),
        "reason": TextAreaField(_l("更正说明（答复单位）"), validators=[
            required(), Length(max=2000, message=TOO_LONG)]),
    })


def _hint(name: str, always: bool) -> str | None:
    """Under a field shown for every category that only some require: which ones."""
    needed = record_kinds.required_in(name)
    if not always or not needed or len(needed) == len(record_kinds.KINDS):
        return None
    return _("%(kinds)s必填。", kinds="、".join(str(label("category", c)) for c in needed))


def record_layout() -> list[dict[str, Any]]:
    """The form's fieldsets for the page: each with its key (a category or a shared group),
    the categories it shows for, and its fields with their input attributes and hint."""
    every = set(record_kinds.KINDS)
    layout = []
    for key, categories, fields in record_kinds.form_layout():
        always = set(categories) == every
        layout.append({"key": key, "categories": " ".join(categories), "always": always,
                       "fields": [(f.name, _widget(f), _hint(f.name, always))
                                  for f in fields]})
    return layout


def _widget(declared: Field) -> dict[str, Any]:
    """Attributes a field's input needs beyond its type."""
    if declared.type == record_kinds.MONEY:
        return {"inputmode": "decimal"}
    if declared.type == record_kinds.COUNT:
        return {"min": 0}
    if declared.type == record_kinds.LONG_TEXT:
        return {"rows": 4 if declared.size > 2000 else 2}
    if declared.masked:
        return {"autocomplete": "off"}
    return {}


def record_details(record: Any) -> list[tuple[str, str]]:
    """Every field of a record that holds a value, as its kind declares it: (label, value in
    the page's language), personal numbers masked (the staff page's 全部内容)."""
    out = []
    for declared in record_kinds.kind(record.category).fields:
        if declared.stored != record_kinds.RECORD or declared.group == record_kinds.HEAD:
            continue
        value = getattr(record, declared.name, None)
        if value in (None, "", []) or (declared.type == record_kinds.FLAG and not value):
            continue
        out.append((str(_l(declared.label)), _shown(declared, value)))
    return out


def _shown(declared: Field, value: Any) -> str:
    if declared.masked:
        return mask_id(value)
    if declared.type == record_kinds.FLAG:
        return str(_("是"))
    if declared.type == record_kinds.CHOICE and declared.words is not None:
        return str(_l(declared.words.zh(value)))
    if declared.type == record_kinds.CHOICES and declared.words is not None:
        return "、".join(str(_l(declared.words.zh(v))) for v in value)
    if declared.type == record_kinds.DATE:
        return value.isoformat()
    return str(value)
