"""Marking messages for translation without importing Flask.

The source language of every message is Simplified Chinese; the English catalog lives in
``app/translations/en``. The service layer marks constant messages with ``N_`` so that
``pybabel extract`` finds them; the web layer translates them when it shows them.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Return ``text`` unchanged; marks it for the message catalog."""
    return text
