"""The README's state diagrams are the ones the code generates."""

from pathlib import Path

from app.workflows import application, batch, listing, objection, publicity, reversal
from app.workflows.credit import mermaid

README = Path(__file__).parents[2] / "README.md"


def test_readme_diagram_matches_the_machine():
    text = README.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0].strip() for part in text.split("```mermaid\n")[1:]]
    assert blocks == [mermaid(), publicity.mermaid(), reversal.mermaid(), objection.mermaid(),
                      listing.mermaid(), application.mermaid(), batch.mermaid()]


def test_readme_quick_start_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "creditflow serve" in text and "pip install -e '.[test]' && pytest" in text


def test_readme_documents_every_setting():
    from app.config import DEFAULTS

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Configuration"):text.index("## Command line")]
    rules = text[text.index("## Rules and where"):text.index("## Configuration")]
    missing = [name for name in DEFAULTS
               if f"`CREDITFLOW_{name}`" not in section and f"`{name}`" not in rules]
    assert missing == []


def test_the_record_kinds_page_is_the_declaration():
    from app.workflows.record_kinds import markdown

    page = (README.parent / "docs" / "records.md").read_text(encoding="utf-8")
    assert page.endswith(markdown()), "regenerate docs/records.md from record_kinds.markdown()"
