"""统一社会信用代码 (GB 32100-2015): normalising and validating the unified social credit code.

The check character is computed by ``python-stdnum``; its ``validate`` is not used because it
requires positions 1-8 to be digits, which rejects valid codes of registration authorities
such as N (农业) or Y (其他).
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn.uscc import calc_check_digit

from app.i18n import N_

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SHAPE = re.compile(rf"^[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}$")
# The invisible characters a copy from a web page or a Word file carries (zero-width space,
# joiners, word joiner, byte-order mark, soft hyphen): removed from codes, document numbers and
# spreadsheet headers alike.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
# Spaces, dashes and dots typed between groups, and the invisible characters.
_SEPARATORS = re.compile(f"[\\s\\-_.·{INVISIBLE}]+")


def without_invisible(text: str) -> str:
    """``text`` without the ``INVISIBLE`` characters."""
    return text.translate(_INVISIBLE)


class InvalidUSCC(ValueError):
    """The code is not a valid 统一社会信用代码; ``reason`` says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise(raw: str) -> str:
    """Full-width to half-width, separators, spaces and zero-width characters removed, upper
    case."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def validate(raw: str) -> str:
    """Return the normalised code, or raise ``InvalidUSCC`` with a message a person can act on."""
    code = normalise(raw)
    if len(code) != 18:
        raise InvalidUSCC("length", f"统一社会信用代码应为18位，实际为{len(code)}位。")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise InvalidUSCC("alphabet", f"统一社会信用代码含有不允许的字符：{''.join(bad)}。")
    if not _SHAPE.match(code):
        raise InvalidUSCC("format", N_("统一社会信用代码第3至8位（行政区划码）应为数字。"))
    expected = calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidUSCC("check", N_("统一社会信用代码校验位不正确，请核对后重新输入。"))
    return code


def with_check_character(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    return first17 + calc_check_digit(first17)
