"""Forms of the admin pages: accounts and the holiday calendar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp

from app.models.users import ROLES
from app.web.forms import choices, required, text

USERNAME = Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("用户名只能含字母、数字和 _ . -。"))


class UserCreateForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[required(), Length(max=80), USERNAME])
    display_name = text(_l("姓名"), 100, needed=True)
    role = SelectField(_l("角色"), validators=[required()])
    password = PasswordField(_l("初始密码"), validators=[
        required(), Length(min=10, max=200, message=_l("密码至少10个字符。"))])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = choices("role", ROLES)


class UserEditForm(FlaskForm):
    display_name = text(_l("姓名"), 100, needed=True)
    role = SelectField(_l("角色"), validators=[required()])
    active = BooleanField(_l("账户启用"))
    new_password = PasswordField(_l("重设密码（不改则留空）"), validators=[
        Optional(), Length(min=10, max=200, message=_l("密码至少10个字符。"))])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = choices("role", ROLES)


class CalendarForm(FlaskForm):
    year = IntegerField(_l("年份"), validators=[required(), NumberRange(2000, 2099)])
    schedule = TextAreaField(_l("放假和调休安排（每行：日期,holiday 或 workday,名称）"),
                             validators=[required(), Length(max=20000)])
