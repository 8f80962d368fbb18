"""Forms of the staff pages (Flask-WTF: CSRF token on each, field errors in the page's language).

The forms check shape (required, lengths, dates, choices); the rules of the domain stay in the
service functions, whose field errors the views copy back onto these forms.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app import uscc as uscc_codes
from app.errors import ValidationFailed
from app.models.records import TIERS
from app.routing import MAX_ID
from app.services.casework.record_rules import money
from app.web.i18n import LABELS, tr
from app.workflows.vocabulary import (
    ID_TYPES,
    REVOCATION_GROUNDS,
)

REQUIRED = _l("此项必填。")


def choices(kind: str, values: tuple[str, ...] | list[str]) -> list[SelectChoice]:
    """The options of a vocabulary, labels in the page's language."""
    return [SelectChoice(v, LABELS[kind].get(v, v)) for v in values]


NONE_CHOSEN = SelectChoice("", "—")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def text(label: str, size: int, needed: bool = False) -> StringField:
    checks = [required() if needed else Optional(), Length(max=size, message=_l("内容过长。"))]
    return StringField(label, validators=checks)


def day(label: str, needed: bool = False) -> DateField:
    return DateField(label, validators=[InputRequired(message=REQUIRED) if needed else Optional()])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: FlaskForm) -> None:
        # WTForms' own message for this case has no Chinese translation.
        try:
            super().pre_validate(form)
        except ValueError as exc:
            raise ValidationError(_l("所选内容不在可选范围内。")) from exc


def valid_uscc(_form: FlaskForm, field: StringField) -> None:
    """The code's length, characters and check character, explained."""
    messages = {
        "length": _l("统一社会信用代码应为18位。"),
        "alphabet": _l("统一社会信用代码只能含数字和大写字母（不含 I、O、Z、S、V）。"),
        "format": _l("统一社会信用代码第3至8位（行政区划码）应为数字。"),
        "check": _l("统一社会信用代码校验位不正确，请核对后重新输入。"),
    }
    try:
        field.data = uscc_codes.validate(field.data or "")
    except uscc_codes.InvalidUSCC as exc:
        raise ValidationError(messages.get(exc.reason, str(exc))) from exc


def amount_in_yuan(_form: FlaskForm, field: StringField) -> None:
    """A decimal amount in yuan with at most two decimals (the service's own rule)."""
    if field.data:
        try:
            money(field.data, field.name)
        except ValidationFailed as exc:
            raise ValidationError(tr(exc.message)) from exc


class VersionForm(FlaskForm):
    """A button that changes a unit: carries the version the page was rendered from."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        raw = self.version.data or ""
        return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else None


class LoginForm(FlaskForm):
    username = text(_l("用户名"), 80, needed=True)
    password = PasswordField(_l("密码"), validators=[required()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[required()])
    new_password = PasswordField(_l("新密码"), validators=[required(), Length(
        min=10, max=200, message=_l("密码至少10个字符。"))])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        required(), EqualTo("new_password", message=_l("两次输入的新密码不一致。"))])


class UnitForm(FlaskForm):
    uscc = StringField(_l("统一社会信用代码"), validators=[required(), valid_uscc])
    name = text(_l("单位名称"), 200, needed=True)
    address = text(_l("地址"), 300)
    street = text(_l("街道"), 100)
    legal_representative = text(_l("法定代表人"), 100)
    legal_rep_id_type = SelectField(_l("法定代表人证件类型"), validators=[Optional()])
    legal_rep_id_number = text(_l("法定代表人证件号码（公示时遮蔽）"), 40)
    contact_phone = text(_l("联系电话"), 40)
    contact_email = text(_l("接收提醒的电子邮箱"), 254)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.legal_rep_id_type.choices = [NONE_CHOSEN, *choices("id_type", ID_TYPES.offered)]


class ReasonForm(FlaskForm):
    """A decision that needs a written reason (an objection upheld, withdrawn for the unit)."""

    reason = TextAreaField(_l("理由"), validators=[
        required(), Length(max=2000, message=_l("内容过长。"))])


class PaymentForm(FlaskForm):
    amount = StringField(_l("缴款金额（元）"), validators=[required(), amount_in_yuan])
    paid_on = day(_l("缴款日期"), needed=True)
    receipt_no = text(_l("票据号"), 100)


class RectificationForm(FlaskForm):
    rectified_on = day(_l("整改验收 / 解除日期"), needed=True)
    hazards_count = IntegerField(_l("本次整改隐患数（检查记录；不填为全部）"),
                                 validators=[Optional(), NumberRange(0, 100000)])
    acceptance_no = text(_l("验收文书编号"), 100)
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])


class RevokeRecordForm(FlaskForm):
    """A proposal to revoke a decision, carrying the revoking decision's number and date."""

    document_no = text(_l("撤销决定文书编号"), 100, needed=True)
    revoked_on = day(_l("撤销决定日期"), needed=True)
    reason = TextAreaField(_l("撤销理由（随撤下信息公示）"),
                           validators=[required(), Length(max=2000)])


class ProposalForm(FlaskForm):
    level = SelectField(_l("失信等级"), validators=[required()])
    basis_record_ids = MultiCheckboxField(_l("列入依据（本单位有效的处罚、强制记录）"), coerce=int,
                                          validators=[DataRequired(_l("请至少选择一条依据。"))])
    reason = TextAreaField(_l("列入理由"), validators=[required(), Length(max=2000)])
    document_no = text(_l("决定书文号"), 100, needed=True)
    decided_on = day(_l("决定日期"), needed=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.level.choices = choices("tier", TIERS)


class DecisionForm(VersionForm):
    """Approve or reject (a listing proposal, a restoration request); rejecting needs a reason."""

    decision = RadioField(_l("决定"), validators=[required()], choices=[
        SelectChoice("approve", _l("同意")), SelectChoice("reject", _l("不同意"))])
    # No Optional() here: it would stop validate_reason from running on an empty reason.
    reason = TextAreaField(_l("理由（不同意时必填，单位可见）"), validators=[Length(max=2000)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("不同意时须填写理由。"))


class RevokeListingForm(VersionForm):
    """A proposal to revoke a listing, carrying the revoking decision's number and date."""

    ground = SelectField(_l("撤销依据"), validators=[required()])
    document_no = text(_l("撤销决定文书编号"), 100, needed=True)
    decided_on = day(_l("撤销决定日期"), needed=True)
    reason = TextAreaField(_l("撤销理由"), validators=[required(), Length(max=2000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.ground.choices = choices("ground", REVOCATION_GROUNDS.values)


class FileRequestForm(VersionForm):
    commitment_signed = BooleanField(_l("单位已签署信用承诺书（纸质原件已收存）"),
                                     validators=[DataRequired(_l("须签署信用承诺书。"))])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])
