"""Marking messages for translation without importing Flask.

The source language of every message is Simplified Chinese; the English catalog lives in
``app/translations/en``. The service layer marks constant messages with ``N_`` so that
``pybabel extract`` finds them; the web layer translates them when it shows them.
"""

from __future__ import annotations


class Msg(str):
    """A service message with values: it reads as the Chinese text with the values filled in,
    and keeps its message id and values so that a page can show it in its own language."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, params: dict[str, object]) -> Msg:
        message = super().__new__(cls, msgid % params)
        message.msgid, message.params = msgid, params
        return message


def N_(text: str, **params: object) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark ``text`` for the message catalog; with ``params`` (``%(name)s`` placeholders) the
    values are filled in and kept for translation."""
    return Msg(text, params) if params else text
