"""Every text the pages and services mark has an English translation, and the compiled
catalog Flask-Babel loads is the one in the .po file."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

APP = Path(__file__).resolve().parents[2] / "app"
CATALOG = APP / "translations" / "en" / "LC_MESSAGES"


def _key(value: object) -> object:
    """A message id or string as a hashable value (plural forms come as lists or tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def marked_texts() -> set[object]:
    """Every marked text: a string, or (singular, plural) for ``ngettext``."""
    found = extract_from_dir(
        str(APP),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
        keywords={**DEFAULT_KEYWORDS, "_l": None, "N_": None},
    )
    return {_key(message) for _file, _line, message, _comments, _ctx in found}


def test_every_marked_text_has_an_english_translation():
    with open(CATALOG / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {_key(m.id): _key(m.string) for m in catalog if m.id}
    texts = marked_texts()
    assert len(texts) > 300  # the extraction really ran over templates and code
    assert any(isinstance(t, tuple) for t in texts)  # plural forms are checked too
    missing = sorted(str(t) for t in texts if not translated.get(t)
                      or (isinstance(translated[t], tuple) and not all(translated[t])))
    assert not missing, f"untranslated (run the steps in README, Languages): {missing[:10]}"


def test_the_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.po", "rb") as fh:
        po = {_key(m.id): _key(m.string) for m in read_po(fh, locale="en") if m.id}
    with open(CATALOG / "messages.mo", "rb") as fh:
        mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert mo == po
