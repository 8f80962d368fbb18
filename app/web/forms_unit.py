"""Forms of the unit self-service pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.web.forms import REQUIRED, required, text


class UnitLoginForm(FlaskForm):
    uscc = text(_l("统一社会信用代码"), 40, needed=True)
    access_code = text(_l("访问码"), 40, needed=True)


class ApplyForm(FlaskForm):
    signed_name = text(_l("单位名称（签署承诺）"), 200, needed=True)
    signed_representative = text(_l("法定代表人（签署承诺）"), 100, needed=True)
    agree = BooleanField(_l("本单位已阅读上述信用承诺，自愿作出承诺并接受社会监督。"),
                         validators=[DataRequired(message=REQUIRED)])
    proofs = MultipleFileField(_l("证明材料（可选）"))
    note = TextAreaField(_l("说明（可选）"), validators=[Optional(), Length(max=1000,
                                                                         message=_l("内容过长。"))])


class ObjectionForm(FlaskForm):
    """An objection (异议): from the self-service, the public page, or staff for the unit."""

    claim = TextAreaField(_l("哪里有误"), validators=[
        DataRequired(message=REQUIRED), Length(max=2000, message=_l("内容过长。"))])
    expected = TextAreaField(_l("应当是什么（可选）"), validators=[
        Optional(), Length(max=2000, message=_l("内容过长。"))])
    contact_name = text(_l("联系人"), 100, needed=True)
    contact_phone = text(_l("联系电话"), 40, needed=True)
    proofs = MultipleFileField(_l("证明材料（可选）"))


class ContactForm(FlaskForm):
    contact_email = EmailField(_l("接收提醒的电子邮箱"), validators=[
        Optional(), Length(max=254, message=_l("内容过长。")),
        Email(message=_l("电子邮箱地址无效。"), check_deliverability=False)])


__all__ = ["ApplyForm", "ContactForm", "ObjectionForm", "UnitLoginForm", "required"]
