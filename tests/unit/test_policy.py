"""Who may do what is one table: the services ask it, the pages' and the API's checks are
derived from it, and docs/security.md shows it."""

from __future__ import annotations

from pathlib import Path

from app.workflows import policy, vocabulary

DOCS = Path(__file__).parents[2] / "docs" / "security.md"


def test_every_role_of_the_policy_is_an_actor_of_the_vocabulary() -> None:
    actors = set(vocabulary.ACTORS.values)
    assert {r for roles in policy.MAY.values() for r in roles} <= actors
    assert {policy.UNIT, policy.SYSTEM, policy.PUBLIC} == actors - set(vocabulary.ROLES.values)


def test_casework_decisions_and_administration_are_apart() -> None:
    assert policy.may("officer", "add_record") and not policy.may("admin", "add_record")
    assert policy.may("supervisor", "decide_listing") and not policy.may("officer",
                                                                         "decide_listing")
    assert policy.may("admin", "send_batch_again") and not policy.may("supervisor",
                                                                      "send_batch_again")
    assert policy.may("unit", "file_restoration") and not policy.may("public",
                                                                     "file_restoration")
    assert policy.roles_for("manage_accounts", staff_only=True) == ("admin",)
    assert policy.roles_for("read", staff_only=True) == vocabulary.ROLES.values


def test_an_unknown_use_case_is_an_error_not_a_refusal() -> None:
    import pytest

    with pytest.raises(KeyError):
        policy.may("admin", "delete_everything")


def test_the_security_page_shows_the_table() -> None:
    assert policy.markdown() in DOCS.read_text(encoding="utf-8")
