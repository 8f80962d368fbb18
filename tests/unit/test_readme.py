"""The README's state diagram is the one the code generates."""

from pathlib import Path

from app.workflows.credit import mermaid

README = Path(__file__).parents[2] / "README.md"


def test_readme_diagram_matches_the_machine():
    text = README.read_text(encoding="utf-8")
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0].strip()
    assert block == mermaid()


def test_readme_quick_start_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "creditflow serve" in text and "pip install -e '.[test]' && pytest" in text
