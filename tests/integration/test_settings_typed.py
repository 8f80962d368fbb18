"""Settings are read typed: the schema in app/config.py says each one's type, the readers of
app/services/base/context.py return it, and a read of the wrong kind is an error, not a cast."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from app.services.base import context


def test_each_reader_returns_the_declared_type(ctx: Flask) -> None:
    assert context.setting_int("IMPORT_MAX_ROWS") == 200000
    assert context.setting_float("PLATFORM_READ_TIMEOUT") == 30.0
    assert context.setting_decimal("DELIBERATION_FINE_THRESHOLD") == Decimal("30000")
    assert context.setting_str("TIMEZONE") == "Asia/Shanghai"
    assert context.setting_bool("OBJECTION_MARK") is True
    assert context.setting("PUBLICITY_MONTHS")["general"] == [3, 12]


def test_environment_values_arrive_typed(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app({"BATCH_SIZE": "500", "SMTP_TIMEOUT": "2.5", "OBJECTION_MARK": "false"})
    with app.app_context():
        assert context.setting_int("BATCH_SIZE") == 500
        assert context.setting_float("SMTP_TIMEOUT") == 2.5
        assert context.setting_bool("OBJECTION_MARK") is False


@pytest.mark.parametrize(("reader", "name"), [
    (context.setting_int, "TIMEZONE"),             # a text read as a number
    (context.setting_str, "BATCH_SIZE"),           # a number read as text
    (context.setting_bool, "IMPORT_MAX_ROWS"),     # a number read as a switch
    (context.setting_decimal, "PLATFORM_READ_TIMEOUT"),
])
def test_a_read_of_the_wrong_kind_is_refused(ctx: Flask, reader, name) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=name):
        reader(name)


def test_a_single_value_is_not_read_untyped(ctx: Flask) -> None:
    with pytest.raises(TypeError, match="read it typed"):
        context.setting("BATCH_SIZE")


def test_a_value_put_in_by_hand_with_another_type_is_refused(ctx: Flask) -> None:
    ctx.config["BATCH_SIZE"] = "500"
    with pytest.raises(TypeError, match="BATCH_SIZE holds '500'"):
        context.setting_int("BATCH_SIZE")
    ctx.config["OBJECTION_MARK"] = 1
    with pytest.raises(TypeError, match="not bool"):
        context.setting_bool("OBJECTION_MARK")

